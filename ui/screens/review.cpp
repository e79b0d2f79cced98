// Review: every answer, page by page, with "change" beside each page; then
// on to the consents (or straight to submit when the service asks none).
#include <algorithm>

#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/session/flow.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

void draw_flow_progress(const ScreenView& v, int step, const std::string& title);
float flow_content_top();

Event draw_review(const ScreenView& v) {
  Event in;
  const Service* sv = v.service;
  if (!sv) return in;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  take(in, draw_top_bar(v, L(v, sv->name), true));
  draw_flow_progress(v, static_cast<int>(v.pages.size()) + 1, T(v, "ui.review.title"));
  const float top = flow_content_top();
  const float margin = px(48);
  ImGui::SetCursorScreenPos(ImVec2(margin, top));
  const float col_w = px(kScrollColumnPx);
  const float child_w = ds.x - margin * 2 - col_w - px(16);
  ImGui::BeginChild("##review", ImVec2(child_w, ds.y - nav_bar_height() - top),
                    false, ImGuiWindowFlags_NoNav);
  if (wctx().fresh_view) ImGui::SetScrollY(0);
  text_size(kBodyPx);
  if (ImGui::IsWindowHovered() && ImGui::IsMouseDragging(0, px(12)))
    ImGui::SetScrollY(ImGui::GetScrollY() - ImGui::GetIO().MouseDelta.y);
  const float width = std::min(ImGui::GetContentRegionAvail().x - px(40), px(1500));
  wrapped_text(T(v, "ui.review.intro"), kBodyPx, p.muted, width);
  if (!L(v, v.s.form_error).empty()) error_text(L(v, v.s.form_error), width);
  ImGui::Dummy(ImVec2(1, px(8)));
  const float label_w = width * 0.38f;
  const float change_w = px(220);
  for (size_t i = 0; i < v.pages.size(); ++i) {
    const Page& page = sv->pages[v.pages[i]];
    ImGui::PushID(static_cast<int>(i));
    const ImVec2 head = ImGui::GetCursorScreenPos();
    wrapped_text(L(v, page.title), kHeadingPx * 0.8f, p.text, width - change_w - px(20));
    const ImVec2 after_head = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(ImVec2(head.x + width - change_w, head.y));
    if (big_button("review.edit." + page.id, T(v, "ui.review.change"), ImVec2(change_w, px(76)),
                   ButtonKind::Secondary)) {
      take(in, ev::EditPage{static_cast<int>(i)});
    }
    ImGui::SetCursorScreenPos(ImVec2(head.x, std::max(after_head.y, head.y + px(86))));
    for (const Field* f : page_questions(*sv, page, v.s.answers)) {
      std::string answer = answer_words(*sv, *f, v.s.answers, v.content, v.lang());
      if (answer.empty()) answer = T(v, "ui.review.unanswered");
      const ImVec2 row = ImGui::GetCursorScreenPos();
      wrapped_text(L(v, f->label), kBodyPx, p.muted, label_w);
      const float h1 = ImGui::GetCursorScreenPos().y - row.y;
      ImGui::SetCursorScreenPos(ImVec2(row.x + label_w + px(24), row.y));
      wrapped_text(answer, kBodyPx, p.text, width - label_w - px(24));
      const float h2 = ImGui::GetCursorScreenPos().y - row.y;
      ImGui::SetCursorScreenPos(ImVec2(row.x, row.y + std::max(h1, h2) + px(6)));
    }
    const ImVec2 sep = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddLine(sep, ImVec2(sep.x + width, sep.y), p.border, px(2));
    ImGui::Dummy(ImVec2(1, px(24)));
    ImGui::PopID();
  }
  ImGui::Dummy(ImVec2(1, px(40)));
  const ScrollState scroll = current_scroll();
  ImGui::EndChild();
  scroll_buttons("form.scroll", scroll, ImVec2(margin + child_w + px(16), top), col_w,
                 ds.y - nav_bar_height() - top, T(v, "ui.scroll.up"), T(v, "ui.scroll.down"));
  const bool has_consents = !v.consent_fields.empty();
  take(in, draw_nav_bar(v, has_consents ? T(v, "ui.nav.next") : T(v, "ui.nav.submit"), true,
                        has_consents ? "form.next" : "form.submit",
                        has_consents ? Event{ev::Next{}} : Event{ev::Submit{}}));
  return in;
}

}  // namespace kiosk::ui
