// Ticket: the number in huge type, the QR code that identifies the request,
// what happens next, and when offline that the request is saved and will be
// sent automatically.
#include <algorithm>

#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/session/flow.hpp"
#include "ui/widgets/automation.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

Event draw_ticket(const ScreenView& v) {
  Event in;
  if (!v.s.ticket) return in;
  const TicketView& t = *v.s.ticket;
  const Service* sv = v.content.service(t.service_id);
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  take(in, draw_top_bar(v, T(v, "ui.ticket.title"), false));
  const float margin = px(64);
  const bool landscape = ds.x >= ds.y;
  const float qr_side = std::min(landscape ? ds.x * 0.28f : ds.x * 0.5f, px(480));
  const float text_w = landscape ? ds.x - qr_side - margin * 3 : ds.x - margin * 2;
  ImGui::SetCursorScreenPos(ImVec2(margin, px(160)));
  ImGui::BeginGroup();
  wrapped_text(T(v, "ui.ticket.your_number"), kHeadingPx, p.text, text_w);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  text_at(pos, t.ticket, kHugePx, p.text);
  ImGui::Dummy(ImVec2(text_extent(t.ticket, kHugePx).x, px(kHugePx) * 1.1f));
  if (sv) wrapped_text(L(v, sv->name), kHeadingPx * 0.8f, p.muted, text_w);
  ImGui::Dummy(ImVec2(1, px(20)));
  // When and where: the slot, event or class booked, from the content.
  if (sv && !t.picks.empty()) {
    wrapped_text(T(v, "ui.ticket.when_where"), kHeadingPx * 0.8f, p.text, text_w);
    for (const auto& [field, id] : t.picks) {
      const Field* f = sv->field(field);
      if (!f) continue;
      Answers one = Answers::object();
      one[field] = id;
      const std::string words = answer_words(*sv, *f, one, v.content, v.lang());
      if (!words.empty()) wrapped_text(words, kBodyPx, p.text, text_w);
    }
    ImGui::Dummy(ImVec2(1, px(20)));
  }
  wrapped_text(T(v, "ui.ticket.next_steps"), kHeadingPx * 0.8f, p.text, text_w);
  if (sv) wrapped_text(L(v, sv->next_steps), kBodyPx, p.text, text_w);
  ImGui::Dummy(ImVec2(1, px(20)));
  if (t.saved_offline) {
    // Said in words, in a box that stands out without relying on colour.
    const std::string words = T(v, "ui.ticket.offline");
    const ImVec2 bpos = ImGui::GetCursorScreenPos();
    const float h = wrapped_height(words, kBodyPx, text_w - px(48));
    ImGui::GetWindowDrawList()->AddRect(bpos, ImVec2(bpos.x + text_w, bpos.y + h + px(32)),
                                        p.text, px(10), 0, px(3));
    ImGui::SetCursorScreenPos(ImVec2(bpos.x + px(24), bpos.y + px(16)));
    wrapped_text(words, kBodyPx, p.text, text_w - px(48));
    ImGui::SetCursorScreenPos(ImVec2(bpos.x, bpos.y + h + px(40)));
    // Which of the two notes is shown, for an end-to-end test: not tappable.
    automation::report_shown("ticket.note.offline", bpos.x, bpos.y, text_w, h + px(32));
  } else {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    wrapped_text(T(v, "ui.ticket.sent"), kBodyPx, p.text, text_w);
    automation::report_shown("ticket.note.sending", at.x, at.y, text_w, ImGui::GetCursorScreenPos().y - at.y);
  }
  ImGui::EndGroup();

  const float qx = landscape ? ds.x - margin - qr_side : (ds.x - qr_side) * 0.5f;
  const float qy = landscape ? px(170) : ImGui::GetItemRectMax().y + px(30);
  ImGui::SetCursorScreenPos(ImVec2(qx, qy));
  ImGui::BeginGroup();
  if (v.ticket_qr && !v.ticket_qr->modules.empty()) {
    draw_qr(v.ticket_qr->modules, v.ticket_qr->width, v.ticket_qr->height, qr_side);
    wrapped_text(T(v, "ui.ticket.qr_caption"), kSmallPx, p.muted, qr_side);
  }
  ImGui::EndGroup();

  // "Done" where "Submit" was: the arming delay keeps a double tap from
  // landing on it.
  const float bw = std::min(px(380), ds.x * 0.4f);
  const float bh = nav_bar_height() - px(40);
  ImGui::SetCursorScreenPos(ImVec2(ds.x - px(40) - bw, ds.y - nav_bar_height() + px(20)));
  if (big_button("ticket.done", T(v, "ui.ticket.done"), ImVec2(bw, bh)))
    take(in, ev::Finish{});
  return in;
}

}  // namespace kiosk::ui
