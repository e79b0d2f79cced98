// Check my request: type the ticket number on the keypad (or scan the
// ticket's QR code) and see its state in words. Never shows the answers.
#include <algorithm>

#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/widgets/automation.hpp"
#include "ui/widgets/field_editor.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

Event draw_check_request(const ScreenView& v) {
  Event in;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  take(in, draw_top_bar(v, T(v, "ui.check.title"), true));
  const float margin = px(48);
  const float width = std::min(ds.x - 2 * margin, px(1400));
  ImGui::SetCursorScreenPos(ImVec2(margin, px(150)));
  wrapped_text(T(v, "ui.check.prompt"), kHeadingPx * 0.8f, p.text, width);
  const float box_w = std::min(width - px(300) - px(24), px(700));
  const ImVec2 row = ImGui::GetCursorScreenPos();
  typed_box("check.input", v.check_text ? *v.check_text : std::string{},
            T(v, "ui.check.placeholder"), !v.s.lookup.result.searched, box_w);
  ImGui::SetCursorScreenPos(ImVec2(row.x + box_w + px(24), row.y));
  const bool can_look = v.check_text && !v.check_text->empty();
  const CheckResult& r = v.s.lookup.result;
  if (!r.searched) {
    if (big_button("check.lookup", T(v, "ui.check.lookup"), ImVec2(px(300), px(96)),
                   ButtonKind::Primary, can_look))
      take(in, ev::LookUp{});
  } else {
    if (big_button("check.again", T(v, "ui.check.again"), ImVec2(px(300), px(96)),
                   ButtonKind::Secondary))
      take(in, ev::LookupAgain{});
  }
  const float below = row.y + px(96) + px(28);
  ImGui::SetCursorScreenPos(ImVec2(margin, below));
  if (!r.searched) {
    // The keypad, until the worker looks the number up.
    std::vector<TicketLetter> letters;
    for (const Service& sv : v.content.services)
      if (!sv.ticket_prefix.empty()) letters.push_back({sv.ticket_prefix, L(v, sv.name)});
    const float pad_h = std::min(px(420), ds.y - nav_bar_height() - px(70) - below);
    if (v.check_text && ticket_pad(*v.check_text, letters, T(v, "ui.check.backspace"),
                                   ImVec2(margin, below), ImVec2(width, pad_h)))
      take(in, ev::LookupEdited{});
    ImGui::SetCursorScreenPos(ImVec2(margin, below + pad_h + px(12)));
    // The camera runs on this screen too; without one, only the scanner reads.
    const bool camera = v.preview.camera == CameraState::Live ||
                        v.preview.camera == CameraState::Starting;
    wrapped_text(T(v, camera ? "ui.check.scan_hint" : "ui.check.scan_hint_scanner"), kSmallPx,
                 p.muted, width);
  } else if (!r.found) {
    error_text(T(v, "ui.check.not_found"), width);
  } else {
    const Service* sv = v.content.service(r.service_id);
    std::string head = fill(T(v, "ui.check.found"),
                            {{"ticket", r.ticket}, {"service", sv ? L(v, sv->name) : r.service_id}});
    wrapped_text(head, kHeadingPx * 0.8f, p.text, width);
    // The state and whether a note is shown, for an end-to-end test (never
    // the note itself): not tappable.
    const ImVec2 at = ImGui::GetCursorScreenPos();
    wrapped_text(T(v, "ui.check.state." + r.state), kBodyPx, p.text, width);
    automation::report_shown("check.state." + r.state, at.x, at.y, width, ImGui::GetCursorScreenPos().y - at.y);
    if (!r.staff_note.empty()) {
      const ImVec2 n = ImGui::GetCursorScreenPos();
      wrapped_text(fill(T(v, "ui.check.staff_note"), {{"note", r.staff_note}}), kBodyPx, p.text,
                   width);
      automation::report_shown("check.staff_note", n.x, n.y, width, ImGui::GetCursorScreenPos().y - n.y);
    }
  }
  take(in, draw_nav_bar(v, "", false));
  return in;
}

}  // namespace kiosk::ui
