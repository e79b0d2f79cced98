// Schedules: what the unions publish as rules rather than as dated entries
// (a lawyer every Tuesday morning, a mixer on the last Saturday of each
// month, a childcare period each winter and summer), and their expansion
// into the dated slots, events, periods and classes a kiosk shows on a day.
// The format is in docs/content-format.md ("Rules").
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/date.hpp"
#include "kiosk/base/text.hpp"

namespace kiosk {

struct ContentBundle;

// Templates (ids and texts of rules) name the day they are made for:
//   {date} YYYYMMDD   {yyyymm} YYYYMM   {year} YYYY
//   {month} 1-12      {month_en} January-December
// An id template must hold a placeholder that tells its dates apart
// ({date} for slots, {yyyymm} or {date} for events, {year} or {date} for periods).
std::string fill_schedule_template(std::string_view pattern, const Date& day);
Text fill_schedule_template(const Text& pattern, const Date& day);
// The placeholders a template uses that are not among those above.
std::vector<std::string> unknown_schedule_placeholders(std::string_view pattern);

// A duty slot every week on each of `weekdays`.
struct SlotRule {
  std::string id;              // template, e.g. "S-{date}-AM"
  std::vector<int> weekdays;   // ISO 8601: 1 = Monday ... 7 = Sunday
  std::string start, end;      // HH:MM
  Text counsellor, venue;      // templates
  int capacity = 0;
  std::string from, until;     // YYYY-MM-DD, inclusive; empty = unbounded
  int weeks_ahead = 4;         // how far ahead slots are offered (1-26)
};

// Days without duty slots: public holidays and days the station is closed.
// Either dated (from..until, inclusive; until empty = the one day) or every
// year (month_day "MM-DD" and `days` from it, e.g. "10-01" and 7).
struct ClosedDays {
  std::string from, until;
  std::string month_day;
  int days = 1;
  Text reason;
  bool covers(const Date& d) const;
};

// A mixer once a month on the `week`-th `weekday` (1-4, or -1 for the last).
struct EventRule {
  std::string id;              // template, e.g. "M-{yyyymm}"
  Text title;                  // template, e.g. "{month}月单身职工联谊会"
  int weekday = 6;
  int week = -1;
  std::string start;           // HH:MM
  Text venue;
  int capacity = 0;
  int min_age = 18, max_age = 60;
  bool gender_balanced = false;
  std::string from, until;     // YYYY-MM-DD, inclusive; empty = unbounded
  int months_ahead = 6;        // how far ahead events are offered (1-24)
};

// A class offered in every period a PeriodRule makes.
struct ClassTemplate {
  std::string id;              // template, e.g. "C-{year}W-A"
  Text name, venue;            // templates
  int capacity = 30;
  int min_age = 6, max_age = 12;
};

// A childcare period once a year: starting on `starts` (MM-DD) of the year,
// moved on to the first `weekday` on or after it when one is given, `days`
// long (first and last day counted), signup open from `signup_opens_before`
// days before the start until `signup_closes_before` days before it.
struct PeriodRule {
  std::string id;              // template, e.g. "P-{year}W"
  Text name;                   // template, e.g. "{year}年寒假爱心托管班"
  std::string starts;          // MM-DD
  int weekday = 0;             // 0 = the day as given; 1-7 = the next such weekday
  int days = 0;
  int signup_opens_before = 0;
  int signup_closes_before = 0;
  int first_year = 0, last_year = 0;  // 0 = unbounded
  std::vector<ClassTemplate> classes;
};

struct Schedules {
  std::vector<SlotRule> slot_rules;
  std::vector<ClosedDays> closed;
  std::vector<EventRule> event_rules;
  std::vector<PeriodRule> period_rules;
  bool empty() const { return slot_rules.empty() && event_rules.empty() && period_rules.empty(); }
};

// How far back expanded entries reach, so that a request made last month
// still finds its slot, event or period (the ticket, the hub's check).
inline constexpr int kScheduleLookbackDays = 62;

// The bundle as the kiosk shows it on `today`: the entries the rules make
// from kScheduleLookbackDays before `today` to each rule's horizon, with an
// explicit entry of the same id in place of a generated one, duty slots
// dropped on closed days (explicit slots are kept: they were published for
// that day), explicit slots and events from before the lookback dropped,
// each list sorted by date. Entries made by a rule name it in
// their `rule`; entries of an earlier expansion are dropped first, so the
// result of expanding an expanded bundle is the same as expanding the bundle.
ContentBundle expand_schedules(const ContentBundle& b, const Date& today);

// Whether some period rule makes a period of this id in some year: explicit
// classes and attendance may refer to periods that exist only as a rule.
bool period_rule_makes(const Schedules& s, std::string_view period_id);

}  // namespace kiosk
