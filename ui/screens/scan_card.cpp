// Scan member card: where to hold the member code, the camera picture when
// there is one, and why a card was refused, in plain words.
#include <algorithm>

#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

Intent draw_scan_card(const ScreenView& v) {
  Intent in;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  take(in, draw_top_bar(v, T(v, "ui.scan.title"), true));
  const float margin = px(64);
  const bool landscape = ds.x >= ds.y;
  const float preview_w = landscape ? std::min(ds.x * 0.4f, px(720)) : ds.x - 2 * margin;
  const float text_w = landscape ? ds.x - preview_w - 3 * margin : ds.x - 2 * margin;
  ImGui::SetCursorScreenPos(ImVec2(margin, px(160)));
  ImGui::BeginGroup();
  if (!v.s.after_card_service.empty()) {
    const Service* sv = v.content.service(v.s.after_card_service);
    wrapped_text(fill(T(v, "ui.scan.members_only"), {{"service", sv ? L(v, sv->name) : ""}}),
                 kHeadingPx * 0.8f, p.text, text_w);
    ImGui::Dummy(ImVec2(1, px(16)));
  }
  wrapped_text(T(v, "ui.scan.how"), kBodyPx, p.text, text_w);
  ImGui::Dummy(ImVec2(1, px(16)));
  if (!L(v, v.s.card_message).empty()) {
    error_text(L(v, v.s.card_message), text_w);
  } else {
    wrapped_text(T(v, "ui.scan.waiting"), kBodyPx, p.muted, text_w);
  }
  ImGui::EndGroup();

  const float px0 = landscape ? ds.x - margin - preview_w : margin;
  const float py0 = landscape ? px(160) : ImGui::GetItemRectMax().y + px(30);
  const float ph = preview_w * 0.75f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (v.preview.texture_id && v.preview.width > 0) {
    const float h = preview_w * v.preview.height / std::max(1, v.preview.width);
    dl->AddImage(v.preview.texture_id, ImVec2(px0, py0), ImVec2(px0 + preview_w, py0 + h));
    dl->AddRect(ImVec2(px0, py0), ImVec2(px0 + preview_w, py0 + h), p.text, 0, 0, px(3));
  } else {
    // No picture: a frame showing where the code goes, with words in it.
    dl->AddRect(ImVec2(px0, py0), ImVec2(px0 + preview_w, py0 + ph), p.border, px(16), 0, px(4));
    ImGui::SetCursorScreenPos(ImVec2(px0 + px(32), py0 + ph * 0.4f));
    wrapped_text(T(v, "ui.scan.no_preview"), kBodyPx, p.muted, preview_w - px(64));
  }
  take(in, draw_nav_bar(v, "", false));
  return in;
}

}  // namespace kiosk::ui
