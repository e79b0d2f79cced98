// See field_editor.hpp.
#include "ui/widgets/field_editor.hpp"

#include <algorithm>

#include "imgui.h"
#include "kiosk/base/strings.hpp"
#include "ui/session/flow.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

bool typed_box(const std::string& id, const std::string& text, const std::string& placeholder,
               bool editing, float width) {
  const Palette& p = pal();
  const float pad = px(20);
  const float inner = width - 2 * pad;
  const std::string& shown = text.empty() ? placeholder : text;
  const float h = std::max(px(96), wrapped_height(shown, kBodyPx, inner) + 2 * pad - px(8));
  ImGui::PushID(id.c_str());
  const bool clicked = touch_button("##f", ImVec2(width, h));
  ImGui::PopID();
  const ImVec2 mn = ImGui::GetItemRectMin(), mx = ImGui::GetItemRectMax();
  report_last_item(id);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(mn, mx, p.panel, px(10));
  dl->AddRect(mn, mx, editing ? p.selected_border : p.text, px(10), 0, editing ? px(6) : px(2));
  const ImVec2 after = ImGui::GetCursorScreenPos();
  // While typing into an empty box, the hint moves aside for the caret.
  const float shift = editing && text.empty() ? px(20) : 0.0f;
  ImGui::SetCursorScreenPos(ImVec2(mn.x + pad + shift, mn.y + pad));
  wrapped_text(shown, kBodyPx, text.empty() ? p.muted : p.text, inner - shift);
  if (editing) {
    // A caret after the text: where the next character goes.
    const ImVec2 ext = text_extent(text, kBodyPx);
    const float cx = std::min(mn.x + pad + ext.x + px(4), mx.x - pad);
    const float lines = std::max(1.0f, (ImGui::GetCursorScreenPos().y - mn.y - pad) / (px(kBodyPx) * kLineSpacing));
    const float cy = mn.y + pad + (lines - 1) * px(kBodyPx) * kLineSpacing;
    if (text.empty() || lines < 1.5f)
      dl->AddRectFilled(ImVec2(text.empty() ? mn.x + pad : cx, cy),
                        ImVec2((text.empty() ? mn.x + pad : cx) + px(4), cy + px(kBodyPx)),
                        p.text);
  }
  ImGui::SetCursorScreenPos(after);
  return clicked && wctx().armed;
}

FieldEdit choice_grid(const Field& f, const Answers& a, Lang lang, float width) {
  FieldEdit out;
  const bool multi = f.type == FieldType::MultiChoice;
  auto it = a.find(f.id);
  const int cols = width > px(1100) ? 3 : 2;
  const float gap = px(20);
  const float w = (width - gap * (cols - 1)) / cols;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  float row_y = origin.y;
  for (size_t i = 0; i < f.choices.size(); ++i) {
    const Choice& ch = f.choices[i];
    bool selected = false;
    if (it != a.end()) {
      if (multi && it->is_array())
        selected = std::find(it->begin(), it->end(), ch.id) != it->end();
      else if (it->is_string())
        selected = it->get<std::string>() == ch.id;
    }
    const int c = static_cast<int>(i) % cols;
    if (c == 0 && i > 0) row_y += px(96) + gap;
    ImGui::SetCursorScreenPos(ImVec2(origin.x + c * (w + gap), row_y));
    if (option_box("form.choice." + f.id + "." + ch.id, ch.label.in(lang), selected,
                   ImVec2(w, px(96)))) {
      if (multi) {
        out.kind = FieldEdit::Toggle;
        out.id = ch.id;
      } else {
        out.kind = FieldEdit::Set;
        out.id = ch.id;
      }
    }
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, row_y + px(96) + gap));
  ImGui::Dummy(ImVec2(width, 0));
  return out;
}

FieldEdit pick_list(const Field& f, const Answers& a, const ContentBundle& c,
                    const std::map<std::string, PickState>* places, const std::string& today, Lang lang,
                    float width) {
  FieldEdit out;
  auto it = a.find(f.id);
  const std::string chosen = it != a.end() && it->is_string() ? it->get<std::string>() : "";
  struct Item {
    std::string id, title, detail;
    std::string not_open;  // why it cannot be chosen yet, in words
  };
  std::vector<Item> items;
  const std::string& sep = tr("ui.sep.detail").in(lang);
  if (f.type == FieldType::SlotPick) {
    for (const DutySlot& d : c.slots) {
      if (d.date < today) continue;
      items.push_back({d.id, date_with_weekday(d.date, lang) + "  " + d.start + "-" + d.end,
                       d.counsellor.in(lang) + sep + d.venue.in(lang), {}});
    }
  } else if (f.type == FieldType::EventPick) {
    for (const MixerEvent& e : c.events) {
      if (e.date < today) continue;
      std::string ages = fill(tr("ui.pick.ages").in(lang),
                              {{"min", std::to_string(e.min_age)}, {"max", std::to_string(e.max_age)}});
      items.push_back({e.id, e.title.in(lang),
                       date_with_weekday(e.date, lang) + "  " + e.start + sep + e.venue.in(lang) + sep + ages, {}});
    }
  } else if (f.type == FieldType::ClassPick) {
    for (const ChildcareClass& k : c.classes) {
      const ChildcarePeriod* p = c.period(k.period);
      if (!p || (!p->signup_closes.empty() && p->signup_closes < today)) continue;
      std::string ages = fill(tr("ui.pick.child_ages").in(lang),
                              {{"min", std::to_string(k.min_age)}, {"max", std::to_string(k.max_age)}});
      std::string detail = p->start + " - " + p->end + sep + k.venue.in(lang) + sep + ages;
      // A class whose signup has not opened is shown, not choosable, with the day it opens.
      std::string not_open;
      if (!p->signup_opens.empty() && today < p->signup_opens)
        not_open = fill(tr("ui.pick.signup_opens").in(lang), {{"date", date_with_weekday(p->signup_opens, lang)}});
      items.push_back({k.id, p->name.in(lang) + sep + k.name.in(lang), detail, not_open});
    }
  }
  if (items.empty()) {
    wrapped_text(tr("ui.pick.none").in(lang), kBodyPx, pal().muted, width);
    return out;
  }
  for (const Item& item : items) {
    int left = 0;
    std::string why_not = item.not_open;
    if (places) {
      auto p = places->find(item.id);
      if (p != places->end()) {
        left = p->second.left;
        if (!p->second.why_not.in(lang).empty()) why_not = p->second.why_not.in(lang);
      }
    }
    PickRow row;
    row.id = "form.pick." + f.id + "." + item.id;
    row.title = item.title;
    row.detail = item.detail;
    row.selected = item.id == chosen;
    // A row already chosen stays choosable: its error is said under the list.
    row.enabled = left > 0 && (why_not.empty() || item.id == chosen);
    row.places = !why_not.empty() ? why_not
                 : left > 0 ? fill(tr("ui.pick.places_left").in(lang), {{"n", std::to_string(left)}})
                            : tr("ui.pick.full").in(lang);
    if (row.selected) row.places = tr("ui.pick.chosen").in(lang) + "  " + row.places;
    if (pick_row(row, width)) {
      out.kind = FieldEdit::Set;
      out.id = item.id;
    }
  }
  return out;
}

}  // namespace kiosk::ui
