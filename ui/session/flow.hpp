// Where a worker is in a service's flow: which pages show (one question group
// a page), which consents the service asks for, and how to turn what was
// typed on the keyboard into an answer. Pure functions over content + answers.
#pragma once
#include <string>
#include <vector>

#include "kiosk/domain/content.hpp"
#include "kiosk/domain/form.hpp"

namespace kiosk::ui {

// Indices of Service::pages with at least one visible question that is not a
// consent (consents come after the review page).
std::vector<int> visible_pages(const Service& s, const Answers& a);
// Visible Consent fields, in page order.
std::vector<std::string> consent_fields(const Service& s, const Answers& a);
// The questions of a page the form screen shows (visible, not consents).
std::vector<const Field*> page_questions(const Service& s, const Page& p, const Answers& a);

// Pages + review + (consent page if any).
int total_steps(const Service& s, const Answers& a);

// Whether the field is typed on the keyboard (vs. picked or ticked).
bool is_typed(FieldType t);
// Keyboard layout for a typed field.
int keyboard_layout_for(const Field& f);  // a KeyboardLayout value

// Writes the typed text of `f` into the answers in the form the form engine
// expects (numbers as numbers; dates as YYYY-MM-DD); empty text removes it.
void apply_typed(const Field& f, const std::string& text, Answers& a);
// The text to put in the editor for an existing answer.
std::string typed_text_of(const Field& f, const Answers& a);
// Whether a typed answer looks complete enough to judge (fixed-length fields).
bool looks_complete(const Field& f, const std::string& text);
// A typed ID number or phone number as a person checks it digit by digit:
// in groups (ID 6-8-4: region, birth date, sequence and check; phone 3-4-4,
// after a +86 if there is one), as far as it has been typed. Any other
// field, or text that is not only digits (and the ID's X), as it is.
std::string grouped_for_reading(const Field& f, const std::string& text);
// "2026-12-08 星期二" / "2026-12-08 Tuesday": a date with its weekday in words.
std::string date_with_weekday(const std::string& iso, Lang lang);
// The answer as words for the review page ("" if unanswered).
std::string answer_words(const Service& s, const Field& f, const Answers& a,
                         const ContentBundle& c, Lang lang);

// Resource key and capacity of a pickable id (slot, event, class), as the
// form engine counts them; for a gender-balanced event with a gender
// answered, that gender's half.
struct PickPlaces {
  std::string resource_key;
  int capacity = 0;
  int booked = 0;
};
PickPlaces pick_places(const Service& s, const Field& f, const std::string& id,
                       const ContentBundle& c, const Answers& a);

}  // namespace kiosk::ui
