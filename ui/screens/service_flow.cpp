// A service's question pages: progress ("Step 2 of 5"), the page's
// questions with their errors in words, the on-screen keyboard while a
// field is being typed, and back/next fixed at the bottom.
#include <algorithm>

#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/session/flow.hpp"
#include "ui/widgets/field_editor.hpp"
#include "ui/widgets/keyboard.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {
namespace {

const std::map<std::string, PickState>* places_of(const ScreenView& v, const std::string& field) {
  if (!v.places) return nullptr;
  auto it = v.places->find(field);
  return it == v.places->end() ? nullptr : &it->second;
}

float keyboard_height(const KeyboardState& k) {
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  return std::max(std::min(px(470), ds.y * 0.48f), keyboard_min_height(k, wctx().scale) + px(16));
}

// The progress line under the top bar: "第 2 步，共 5 步：联系方式".
void draw_progress(const ScreenView& v, int step, const std::string& page_title, float width) {
  std::string words = fill(T(v, "ui.flow.step"),
                           {{"n", std::to_string(step)}, {"total", std::to_string(v.total_steps)}});
  if (!page_title.empty()) words += T(v, "ui.flow.step_sep") + page_title;
  const Palette& p = pal();
  ImGui::BeginGroup();
  wrapped_text(words, kHeadingPx * 0.8f, p.text, width);
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float h = px(14);
  dl->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + h), p.disabled_bg, h * 0.5f);
  const float frac = v.total_steps > 0 ? static_cast<float>(step) / v.total_steps : 0.0f;
  dl->AddRectFilled(pos, ImVec2(pos.x + width * frac, pos.y + h), p.primary, h * 0.5f);
  ImGui::Dummy(ImVec2(width, h));
  ImGui::EndGroup();
}

}  // namespace

// Shared with review/consent: the progress line at a fixed place.
void draw_flow_progress(const ScreenView& v, int step, const std::string& title) {
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  ImGui::SetCursorScreenPos(ImVec2(px(48), px(120) + px(20)));
  draw_progress(v, step, title, ds.x - px(96));
}

float flow_content_top() { return px(120) + px(20) + px(44) * 0.8f * kLineSpacing + px(14) + px(24); }

Event draw_service_flow(const ScreenView& v) {
  Event in;
  const Service* sv = v.service;
  if (!sv || v.pages.empty()) return in;
  const int page_pos = std::clamp(v.s.page, 0, static_cast<int>(v.pages.size()) - 1);
  const Page& page = sv->pages[v.pages[page_pos]];
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  take(in, draw_top_bar(v, L(v, sv->name), true));
  draw_flow_progress(v, page_pos + 1, L(v, page.title));

  const bool editing = v.s.editing.open() && v.editing_text && v.keyboard;
  const float kb_h = editing ? keyboard_height(*v.keyboard) : 0.0f;
  float top = flow_content_top();
  const float bottom = ds.y - nav_bar_height() - kb_h;
  const float margin = px(48);
  const float col_w = px(kScrollColumnPx);
  const float child_w = ds.x - margin * 2 - col_w - px(16);
  // Why Next did not go on, at the top of the page where it stays in view
  // however the page scrolls: the question, by its label, and the problem.
  if (!L(v, v.s.form_error).empty() && !editing) {
    const Field* at = sv->field(v.s.form_error_field);
    const std::string words =
        at ? fill(T(v, "ui.flow.problem_at"), {{"label", L(v, at->label)}, {"message", L(v, v.s.form_error)}})
           : L(v, v.s.form_error);
    ImGui::SetCursorScreenPos(ImVec2(margin, top));
    text_size(kBodyPx);
    error_text(words, child_w - px(40));
    top = ImGui::GetCursorScreenPos().y + px(8);
  }
  ImGui::SetCursorScreenPos(ImVec2(margin, top));
  ImGui::BeginChild(("##page." + page.id).c_str(), ImVec2(child_w, std::max(px(100), bottom - top)),
                    false, ImGuiWindowFlags_NoNav);
  if (wctx().fresh_view) ImGui::SetScrollY(0);  // before the problem's field asks for its place
  text_size(kBodyPx);
  const float width = std::min(ImGui::GetContentRegionAvail().x - px(40), px(1500));
  // Touch scrolling: drag the page with a finger.
  if (ImGui::IsWindowHovered() && ImGui::IsMouseDragging(0, px(12)))
    ImGui::SetScrollY(ImGui::GetScrollY() - ImGui::GetIO().MouseDelta.y);

  if (!L(v, page.intro).empty()) {
    wrapped_text(L(v, page.intro), kBodyPx, p.muted, width);
    ImGui::Dummy(ImVec2(1, px(12)));
  }
  static std::string scrolled_to;  // field id the page last scrolled to (never a value)
  // The problem's field is brought into view for a few frames after each
  // new request (a page shown for the first time knows its height only from
  // its second frame).
  static unsigned problem_request = 0;
  static int problem_frames = 0;
  if (problem_request != v.s.scroll_request) {
    problem_request = v.s.scroll_request;
    problem_frames = 0;
  }
  for (const Field* f : page_questions(*sv, page, v.s.answers)) {
    ImGui::PushID(f->id.c_str());
    const float label_y = ImGui::GetCursorPosY();
    if (f->id == v.s.form_error_field && problem_frames < 3 && !editing)
      ImGui::SetScrollY(std::max(0.0f, label_y - px(8)));
    std::string label = L(v, f->label);
    if (!f->required) label += T(v, "ui.flow.optional");
    wrapped_text(label, kHeadingPx * 0.8f, p.text, width);
    if (!L(v, f->hint).empty()) wrapped_text(L(v, f->hint), kSmallPx, p.muted, width);
    FieldEdit edit;
    if (is_typed(f->type)) {
      const bool this_editing = editing && v.s.editing.field == f->id;
      const std::string text = this_editing ? *v.editing_text : typed_text_of(*f, v.s.answers);
      if (typed_box("form.field." + f->id, grouped_for_reading(*f, text), T(v, "ui.flow.tap_to_type"), this_editing,
                    std::min(width, px(1100))))
        take(in, ev::EditField{f->id});
      if (this_editing && scrolled_to != f->id) {
        // The question and its box at the top, above the keyboard.
        ImGui::SetScrollY(std::max(0.0f, label_y - px(8)));
        scrolled_to = f->id;
      }
    } else if (f->type == FieldType::SingleChoice || f->type == FieldType::MultiChoice) {
      edit = choice_grid(*f, v.s.answers, v.lang(), width);
    } else if (f->type == FieldType::SlotPick || f->type == FieldType::EventPick ||
               f->type == FieldType::ClassPick) {
      edit = pick_list(*f, v.s.answers, v.content, places_of(v, f->id), v.rules.today.iso(), v.lang(),
                       width);
    } else if (f->type == FieldType::MemberCard) {
      auto it = v.s.answers.find(f->id);
      if (it != v.s.answers.end() && it->is_string()) {
        wrapped_text(it->get<std::string>() + "  " + T(v, "ui.flow.from_card"), kBodyPx, p.ok_text,
                     width);
      } else {
        wrapped_text(T(v, "ui.flow.card_needed"), kBodyPx, p.muted, width);
        if (big_button("form.scan_card", T(v, "ui.home.scan_card"), ImVec2(px(420), px(90))))
          take(in, ev::ScanCard{});
      }
    }
    if (edit.kind == FieldEdit::Set) take(in, ev::Choose{f->id, edit.id});
    if (edit.kind == FieldEdit::Toggle) take(in, ev::ToggleChoice{f->id, edit.id});

    // The error in words, under the field, once the answer is complete.
    if (v.s.touched.count(f->id) && !(editing && v.s.editing.field == f->id &&
                                      !looks_complete(*f, *v.editing_text))) {
      auto errors = validate_field(*sv, *f, v.s.answers, v.rules);
      if (!errors.empty()) {
        error_text(L(v, errors.front().message), std::min(width, px(1100)));
      } else if (f->id == v.s.form_error_field && !L(v, v.s.form_error).empty()) {
        // A rule across fields (the age for this event, the class for this
        // child, the event full for this gender): said here too.
        error_text(L(v, v.s.form_error), std::min(width, px(1100)));
      }
    }
    ImGui::Dummy(ImVec2(1, px(28)));
    ImGui::PopID();
  }
  if (!editing) scrolled_to.clear();
  ++problem_frames;
  ImGui::Dummy(ImVec2(1, px(40)));
  const ScrollState scroll = current_scroll();
  ImGui::EndChild();
  scroll_buttons("form.scroll", scroll, ImVec2(margin + child_w + px(16), top), col_w,
                 std::max(px(100), bottom - top), T(v, "ui.scroll.up"), T(v, "ui.scroll.down"));

  if (editing) {
    const float kb_top = ds.y - nav_bar_height() - kb_h;
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(0, kb_top), ImVec2(ds.x, kb_top + kb_h),
                                              p.disabled_bg);
    ImGui::SetCursorScreenPos(ImVec2(px(16), kb_top + px(8)));
    ImGui::BeginChild("##keyboard", ImVec2(ds.x - px(32), kb_h - px(16)), false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse |
                          ImGuiWindowFlags_NoNav);
    const Field* f = sv->field(v.s.editing.field);
    // Every field has its most: what the form allows, else what its type can
    // hold (an ID number is 18 characters, a mobile number 11 digits).
    size_t max_bytes = 256;
    if (f && f->max_length) max_bytes = static_cast<size_t>(*f->max_length) * 4;
    else if (f && f->type == FieldType::IdNumber) max_bytes = 18;
    else if (f && f->type == FieldType::Phone) max_bytes = 11;
    else if (f && f->type == FieldType::Date) max_bytes = 10;
    else if (f && f->type == FieldType::Number) max_bytes = 12;
    else if (f && f->type == FieldType::Name) max_bytes = 30 * 4;
    KeyboardResult r = draw_keyboard(*v.keyboard, *v.editing_text, v.ime, wctx().scale, max_bytes, v.lang());
    ImGui::EndChild();
    if (r.changed) {
      take(in, ev::TextEdited{v.s.editing.field, r.done});
    } else if (r.done) {
      take(in, ev::CloseEditor{});
    }
  }
  take(in, draw_nav_bar(v, T(v, "ui.nav.next"), true));
  return in;
}

}  // namespace kiosk::ui
