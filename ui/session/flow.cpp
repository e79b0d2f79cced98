// Flow position and answer conversion for the service screens.
#include "ui/session/flow.hpp"

#include <cstdlib>

#include "kiosk/base/date.hpp"
#include "kiosk/base/strings.hpp"
#include "ui/session/keyboard_state.hpp"

namespace kiosk::ui {

std::vector<const Field*> page_questions(const Service& s, const Page& p, const Answers& a) {
  std::vector<const Field*> out;
  for (const std::string& id : p.fields) {
    const Field* f = s.field(id);
    if (!f || f->type == FieldType::Consent) continue;
    if (!field_visible(*f, a)) continue;
    out.push_back(f);
  }
  return out;
}

std::vector<int> visible_pages(const Service& s, const Answers& a) {
  std::vector<int> out;
  for (size_t i = 0; i < s.pages.size(); ++i) {
    if (!page_questions(s, s.pages[i], a).empty()) out.push_back(static_cast<int>(i));
  }
  return out;
}

std::vector<std::string> consent_fields(const Service& s, const Answers& a) {
  std::vector<std::string> out;
  for (const Page& p : s.pages) {
    for (const std::string& id : p.fields) {
      const Field* f = s.field(id);
      if (f && f->type == FieldType::Consent && field_visible(*f, a)) out.push_back(id);
    }
  }
  return out;
}

int total_steps(const Service& s, const Answers& a) {
  return static_cast<int>(visible_pages(s, a).size()) + 1 +
         (consent_fields(s, a).empty() ? 0 : 1);
}

bool is_typed(FieldType t) {
  switch (t) {
    case FieldType::Text:
    case FieldType::Name:
    case FieldType::Phone:
    case FieldType::IdNumber:
    case FieldType::Date:
    case FieldType::Number:
      return true;
    default:
      return false;
  }
}

int keyboard_layout_for(const Field& f) {
  KeyboardLayout l = KeyboardLayout::Pinyin;
  if (f.keyboard == "digits") l = KeyboardLayout::Digits;
  else if (f.keyboard == "id") l = KeyboardLayout::IdNumber;
  else if (f.keyboard == "phone") l = KeyboardLayout::Phone;
  else if (f.keyboard == "letters") l = KeyboardLayout::Letters;
  else if (f.keyboard == "pinyin") l = KeyboardLayout::Pinyin;
  else if (f.type == FieldType::Phone) l = KeyboardLayout::Phone;
  else if (f.type == FieldType::IdNumber) l = KeyboardLayout::IdNumber;
  else if (f.type == FieldType::Number || f.type == FieldType::Date) l = KeyboardLayout::Digits;
  return static_cast<int>(l);
}

namespace {

std::string digits_only(const std::string& t) {
  std::string d;
  for (char c : t)
    if (c >= '0' && c <= '9') d.push_back(c);
  return d;
}

}  // namespace

void apply_typed(const Field& f, const std::string& text, Answers& a) {
  if (text.empty()) {
    a.erase(f.id);
    return;
  }
  if (f.type == FieldType::Number) {
    // A number the worker typed stays a number; anything else is kept as
    // typed so the form engine can say what is wrong with it.
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end && *end == '\0' && !text.empty()) {
      if (f.integer && v == static_cast<double>(static_cast<long long>(v)))
        a[f.id] = static_cast<long long>(v);
      else
        a[f.id] = v;
    } else {
      a[f.id] = text;
    }
    return;
  }
  if (f.type == FieldType::Date) {
    const std::string d = digits_only(text);
    if (d.size() == 8) {
      a[f.id] = d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
    } else {
      a[f.id] = text;
    }
    return;
  }
  a[f.id] = text;
}

std::string grouped_for_reading(const Field& f, const std::string& text) {
  std::vector<size_t> groups;
  std::string prefix, digits = text;
  if (f.type == FieldType::IdNumber) {
    groups = {6, 8, 4};
  } else if (f.type == FieldType::Phone) {
    groups = {3, 4, 4};
    if (digits.rfind("+86", 0) == 0) {
      prefix.assign("+86 ");
      digits.erase(0, 3);
    }
  } else {
    return text;
  }
  for (size_t i = 0; i < digits.size(); ++i) {
    const char c = digits[i];
    const bool check_x = f.type == FieldType::IdNumber && i == 17 && (c == 'X' || c == 'x');
    if ((c < '0' || c > '9') && !check_x) return text;
  }
  std::string out = prefix;
  size_t at = 0;
  for (size_t g : groups) {
    if (at >= digits.size()) break;
    if (at > 0) out.push_back(' ');
    out.append(digits, at, g);
    at += g;
  }
  if (at < digits.size()) {  // more than the form takes: shown, not hidden
    out.push_back(' ');
    out.append(digits, at, std::string::npos);
  }
  return out;
}

std::string date_with_weekday(const std::string& iso, Lang lang) {
  static constexpr const char* kWeekday[] = {"ui.weekday.1", "ui.weekday.2", "ui.weekday.3", "ui.weekday.4",
                                             "ui.weekday.5", "ui.weekday.6", "ui.weekday.7"};
  const auto d = Date::parse(iso);
  if (!d) return iso;
  return iso + " " + tr(kWeekday[d->weekday() - 1]).in(lang);
}

std::string typed_text_of(const Field& f, const Answers& a) {
  auto it = a.find(f.id);
  if (it == a.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  if (it->is_number()) {
    std::string s = std::to_string(it->get<double>());
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }
  return {};
}

bool looks_complete(const Field& f, const std::string& text) {
  if (f.type == FieldType::Phone) return digits_only(text).size() >= 11;
  if (f.type == FieldType::IdNumber) return text.size() >= 18;
  if (f.type == FieldType::Date) return digits_only(text).size() >= 8;
  return false;
}

PickPlaces pick_places(const Service& s, const Field& f, const std::string& id,
                       const ContentBundle& c, const Answers& a) {
  PickPlaces p;
  if (f.type == FieldType::SlotPick) {
    if (const DutySlot* d = c.slot(id)) {
      p.resource_key = place_key(f.type, id);
      p.capacity = d->capacity;
      p.booked = d->booked;
    }
  } else if (f.type == FieldType::EventPick) {
    if (const MixerEvent* e = c.event(id)) {
      p.resource_key = place_key(f.type, id);
      p.capacity = e->capacity;
      p.booked = e->booked;
      if (e->gender_balanced && !s.policy.gender_field.empty()) {
        auto g = a.find(s.policy.gender_field);
        if (g != a.end() && g->is_string() && (*g == "m" || *g == "f")) {
          const std::string gender = g->get<std::string>();
          p.resource_key = gender_place_key(id, gender);
          p.capacity = e->capacity / 2;
          p.booked = gender == "m" ? e->booked_m : e->booked_f;
        }
      }
    }
  } else if (f.type == FieldType::ClassPick) {
    if (const ChildcareClass* k = c.klass(id)) {
      p.resource_key = place_key(f.type, id);
      p.capacity = k->capacity;
      p.booked = k->booked;
    }
  }
  return p;
}

std::string answer_words(const Service& s, const Field& f, const Answers& a,
                         const ContentBundle& c, Lang lang) {
  auto it = a.find(f.id);
  if (it == a.end() || it->is_null()) return {};
  const Answers& v = *it;
  auto choice_label = [&](const std::string& id) -> std::string {
    for (const Choice& ch : f.choices)
      if (ch.id == id) return ch.label.in(lang);
    return id;
  };
  switch (f.type) {
    case FieldType::SingleChoice:
      return v.is_string() ? choice_label(v.get<std::string>()) : std::string{};
    case FieldType::MultiChoice: {
      std::string out;
      if (!v.is_array()) return out;
      for (const auto& x : v) {
        if (!x.is_string()) continue;
        if (!out.empty()) out += tr("ui.sep.list").in(lang);
        out += choice_label(x.get<std::string>());
      }
      return out;
    }
    case FieldType::Consent:
      return v.is_boolean() && v.get<bool>() ? tr("ui.review.agreed").in(lang) : std::string{};
    case FieldType::SlotPick: {
      const DutySlot* d = v.is_string() ? c.slot(v.get<std::string>()) : nullptr;
      if (!d) return {};
      return date_with_weekday(d->date, lang) + " " + d->start + "-" + d->end + " " + d->counsellor.in(lang) + " " +
             d->venue.in(lang);
    }
    case FieldType::EventPick: {
      const MixerEvent* e = v.is_string() ? c.event(v.get<std::string>()) : nullptr;
      if (!e) return {};
      return e->title.in(lang) + " " + date_with_weekday(e->date, lang) + " " + e->start + " " + e->venue.in(lang);
    }
    case FieldType::ClassPick: {
      const ChildcareClass* k = v.is_string() ? c.klass(v.get<std::string>()) : nullptr;
      if (!k) return {};
      const ChildcarePeriod* p = c.period(k->period);
      return (p ? p->name.in(lang) + tr("ui.sep.detail").in(lang) : std::string{}) + k->name.in(lang) + " " +
             k->venue.in(lang);
    }
    default:
      break;
  }
  (void)s;
  return grouped_for_reading(f, typed_text_of(f, a));
}

}  // namespace kiosk::ui
