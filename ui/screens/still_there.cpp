// "Still there?": after the idle timeout on a screen holding personal data.
// The form is hidden while it shows (the next person must not read it); a
// countdown says when everything will be cleared.
#include <algorithm>

#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

Event draw_still_there(const ScreenView& v) {
  Event in;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  const float margin = std::max(px(64), ds.x * 0.1f);
  const float width = ds.x - 2 * margin;
  ImGui::SetCursorScreenPos(ImVec2(margin, ds.y * 0.12f));
  ImGui::BeginGroup();
  wrapped_text(T(v, "ui.idle.title"), kTitlePx, p.text, width);
  ImGui::Dummy(ImVec2(1, px(20)));
  wrapped_text(fill(T(v, "ui.idle.body"), {{"n", std::to_string(v.idle_countdown_left_s)}}),
               kHeadingPx * 0.8f, p.text, width);
  const std::string n = std::to_string(v.idle_countdown_left_s);
  const ImVec2 ext = text_extent(n, kHugePx);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  text_at(ImVec2(margin + (width - ext.x) * 0.5f, pos.y + px(20)), n, kHugePx, p.primary);
  ImGui::Dummy(ImVec2(width, ext.y + px(40)));
  ImGui::EndGroup();
  const float bw = std::min(px(640), (width - px(40)) * 0.5f);
  const float by = ImGui::GetItemRectMax().y + px(20);
  ImGui::SetCursorScreenPos(ImVec2(ds.x * 0.5f - bw - px(20), by));
  if (big_button("idle.end", T(v, "ui.idle.end"), ImVec2(bw, px(130)), ButtonKind::Secondary))
    take(in, ev::EndSession{});
  ImGui::SetCursorScreenPos(ImVec2(ds.x * 0.5f + px(20), by));
  if (big_button("idle.still_here", T(v, "ui.idle.still_here"), ImVec2(bw, px(130))))
    take(in, ev::StillHere{});
  // A tap anywhere else also means "I am here". Submitted last so the two
  // buttons above keep their taps.
  ImGui::SetCursorScreenPos(ImVec2(0, 0));
  if (ImGui::InvisibleButton("##here", ds) && wctx().armed) take(in, ev::StillHere{});
  return in;
}

}  // namespace kiosk::ui
