// Consents: the ones the service asks (a separate one for sensitive
// information, the guardian's for a child), each a large tick box with its
// full text; then submit.
#include <algorithm>

#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

void draw_flow_progress(const ScreenView& v, int step, const std::string& title);
float flow_content_top();

Event draw_consent(const ScreenView& v) {
  Event in;
  const Service* sv = v.service;
  if (!sv) return in;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  take(in, draw_top_bar(v, L(v, sv->name), true));
  draw_flow_progress(v, v.total_steps, T(v, "ui.consent.title"));
  const float top = flow_content_top();
  const float margin = px(48);
  ImGui::SetCursorScreenPos(ImVec2(margin, top));
  const float col_w = px(kScrollColumnPx);
  const float child_w = ds.x - margin * 2 - col_w - px(16);
  ImGui::BeginChild("##consent", ImVec2(child_w, ds.y - nav_bar_height() - top),
                    false, ImGuiWindowFlags_NoNav);
  if (wctx().fresh_view) ImGui::SetScrollY(0);
  text_size(kBodyPx);
  if (ImGui::IsWindowHovered() && ImGui::IsMouseDragging(0, px(12)))
    ImGui::SetScrollY(ImGui::GetScrollY() - ImGui::GetIO().MouseDelta.y);
  const float width = std::min(ImGui::GetContentRegionAvail().x - px(40), px(1500));
  wrapped_text(T(v, "ui.consent.intro"), kBodyPx, p.muted, width);
  ImGui::Dummy(ImVec2(1, px(12)));
  if (!L(v, v.s.form_error).empty()) {
    error_text(L(v, v.s.form_error), width);
    ImGui::Dummy(ImVec2(1, px(12)));
  }
  for (const std::string& id : v.consent_fields) {
    const Field* f = sv->field(id);
    if (!f) continue;
    auto it = v.s.answers.find(id);
    const bool agreed = it != v.s.answers.end() && it->is_boolean() && it->get<bool>();
    if (!L(v, f->hint).empty()) wrapped_text(L(v, f->hint), kSmallPx, p.muted, width);
    const std::string text = L(v, f->label);
    const float h = std::max(px(110), wrapped_height(text, kBodyPx, width - px(120)) + px(40));
    if (option_box("consent." + id, text, agreed, ImVec2(width, h)))
      take(in, ev::SetConsent{id, !agreed});
    // Words, not only the tick: whether this consent is given.
    wrapped_text(agreed ? T(v, "ui.consent.given") : T(v, "ui.consent.not_given"), kSmallPx,
                 agreed ? p.ok_text : p.muted, width);
    if (v.s.touched.count(id) && !agreed && f->required)
      error_text(T(v, "ui.consent.required"), width);
    ImGui::Dummy(ImVec2(1, px(24)));
  }
  const ScrollState scroll = current_scroll();
  ImGui::EndChild();
  scroll_buttons("form.scroll", scroll, ImVec2(margin + child_w + px(16), top), col_w,
                 ds.y - nav_bar_height() - top, T(v, "ui.scroll.up"), T(v, "ui.scroll.down"));
  take(in, draw_nav_bar(v, T(v, "ui.nav.submit"), true, "form.submit", ev::Submit{}));
  return in;
}

}  // namespace kiosk::ui
