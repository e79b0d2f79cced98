// Check my request: type the ticket number on the keypad (or scan the
// ticket's QR code) and see its state in words. Never shows the answers.
#include <algorithm>

#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/widgets/field_editor.hpp"
#include "ui/widgets/keyboard.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

Intent draw_check_request(const ScreenView& v) {
  Intent in;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  take(in, draw_top_bar(v, T(v, "ui.check.title"), true));
  const float margin = px(48);
  const float width = std::min(ds.x - 2 * margin, px(1400));
  ImGui::SetCursorScreenPos(ImVec2(margin, px(150)));
  ImGui::BeginGroup();
  wrapped_text(T(v, "ui.check.prompt"), kHeadingPx * 0.8f, p.text, width);
  wrapped_text(T(v, "ui.check.scan_hint"), kSmallPx, p.muted, width);
  const float box_w = std::min(width * 0.6f, px(700));
  const ImVec2 row = ImGui::GetCursorScreenPos();
  typed_box("check.input", v.check_text ? *v.check_text : std::string{},
            T(v, "ui.check.placeholder"), true, box_w);
  ImGui::SetCursorScreenPos(ImVec2(row.x + box_w + px(24), row.y));
  const bool can_look = v.check_text && !v.check_text->empty();
  if (big_button("check.lookup", T(v, "ui.check.lookup"), ImVec2(px(300), px(96)),
                 ButtonKind::Primary, can_look))
    take(in, {IntentKind::CheckLookup});
  ImGui::SetCursorScreenPos(ImVec2(row.x, row.y + px(96) + px(20)));
  const CheckResult& r = v.s.check;
  if (r.searched && !r.found) {
    error_text(T(v, "ui.check.not_found"), width);
  } else if (r.found) {
    const Service* sv = v.content.service(r.service_id);
    std::string head = fill(T(v, "ui.check.found"),
                            {{"ticket", r.ticket}, {"service", sv ? L(v, sv->name) : r.service_id}});
    wrapped_text(head, kHeadingPx * 0.8f, p.text, width);
    wrapped_text(T(v, "ui.check.state." + r.state), kBodyPx, p.text, width);
    if (!r.staff_note.empty())
      wrapped_text(fill(T(v, "ui.check.staff_note"), {{"note", r.staff_note}}), kBodyPx, p.text,
                   width);
  }
  ImGui::EndGroup();

  // The keypad: letters for the service letter and digits.
  if (v.keyboard && v.check_text) {
    const float kb_h = std::max(std::min(px(470), ds.y * 0.45f),
                                keyboard_min_height(*v.keyboard, wctx().scale) + px(16));
    const float kb_top = ds.y - nav_bar_height() - kb_h;
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(0, kb_top), ImVec2(ds.x, kb_top + kb_h),
                                              p.disabled_bg);
    ImGui::SetCursorScreenPos(ImVec2(px(16), kb_top + px(8)));
    ImGui::BeginChild("##keyboard", ImVec2(ds.x - px(32), kb_h - px(16)), false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse |
                          ImGuiWindowFlags_NoNav);
    KeyboardResult kr = draw_keyboard(*v.keyboard, *v.check_text, nullptr, wctx().scale, 24, v.lang());
    ImGui::EndChild();
    if (kr.done && can_look) take(in, {IntentKind::CheckLookup});
    else if (kr.changed) take(in, {IntentKind::CheckEdited});
  }
  take(in, draw_nav_bar(v, "", false));
  return in;
}

}  // namespace kiosk::ui
