// The checks of a bundle's schedule rules (schedule.hpp): as strict as those
// of dated entries, and more, since one bad rule would make a bad entry
// every week for years.
#include <algorithm>
#include <set>

#include "kiosk/domain/content_checker.hpp"
#include "kiosk/domain/schedule.hpp"

namespace kiosk::content_detail {
namespace {

// Sizes a bundle may not exceed: the kiosk expands every rule on every day
// it starts a session, and content comes from outside.
constexpr size_t kMaxSlotRules = 100;
constexpr size_t kMaxClosed = 200;
constexpr size_t kMaxEventRules = 20;
constexpr size_t kMaxPeriodRules = 10;
constexpr size_t kMaxClassesPerRule = 20;

constexpr const char* kSlots = "slots.json";
constexpr const char* kEvents = "events.json";
constexpr const char* kChildcare = "childcare.json";

// Two days to fill templates with: ids that are the same on both were not
// told apart by their date.
const Date kSampleA{2031, 3, 4};
const Date kSampleB{2032, 11, 25};

bool has_any(const std::string& pattern, std::initializer_list<std::string_view> names) {
  for (auto n : names)
    if (pattern.find("{" + std::string(n) + "}") != std::string::npos) return true;
  return false;
}

bool valid_month_day(const std::string& md) {
  return md.size() == 5 && md[2] == '-' && Date::parse("2001-" + md).has_value();
}

class RuleChecker {
 public:
  RuleChecker(Checker& c, const char* file) : c_(c), file_(file) {}

  void tmpl(const std::string& path, const std::string& pattern) {
    for (const auto& name : unknown_schedule_placeholders(pattern))
      c_.problem(file_, path, "unknown placeholder {" + name + "}");
  }

  void text(const std::string& path, const Text& t) {
    c_.text(file_, path, t);
    tmpl(at(path, "zh"), t.zh);
    tmpl(at(path, "en"), t.en);
  }

  // An id template: known placeholders, one that tells dates apart, and
  // ids that are well-formed and not made by another rule as well.
  void id(const std::string& path, const std::string& pattern,
          std::initializer_list<std::string_view> distinct, std::set<std::string>& seen) {
    const std::string p = at(path, "id");
    tmpl(p, pattern);
    if (!has_any(pattern, distinct)) {
      std::string names;
      for (auto n : distinct) names += (names.empty() ? "{" : " or {") + std::string(n) + "}";
      c_.problem(file_, p, "id \"" + pattern + "\" must hold " + names + " to tell its dates apart");
      return;
    }
    const std::string a = fill_schedule_template(pattern, kSampleA);
    if (!valid_id(a))
      c_.problem(file_, p, "id \"" + pattern + "\" makes \"" + a + "\", not 1-64 letters, digits, '-' or '_'");
    else if (!seen.insert(pattern).second)
      c_.problem(file_, p, "duplicate id \"" + pattern + "\"");
  }

  void range(const std::string& path, std::string_view key, int v, int lo, int hi) {
    if (v < lo || v > hi)
      c_.problem(file_, at(path, key),
                 std::string(key) + " must be " + std::to_string(lo) + "-" + std::to_string(hi));
  }

  void dates(const std::string& path, const std::string& from, const std::string& until) {
    auto f = c_.date(file_, at(path, "from"), from, false);
    auto u = c_.date(file_, at(path, "until"), until, false);
    if (f && u && *f > *u) c_.problem(file_, at(path, "until"), "until is before from");
  }

  void count(const std::string& path, size_t n, size_t most) {
    if (n > most)
      c_.problem(file_, path, "at most " + std::to_string(most) + " allowed, " + std::to_string(n) + " given");
  }

 private:
  Checker& c_;
  const char* file_;
};

void check_slot_rules(Checker& checker, const Schedules& s) {
  RuleChecker r(checker, kSlots);
  r.count("rules", s.slot_rules.size(), kMaxSlotRules);
  for (size_t i = 0; i < s.slot_rules.size(); ++i) {
    const SlotRule& x = s.slot_rules[i];
    const std::string p = idx("rules", i);
    // Rules on different weekdays may share an id template (the Tuesday and
    // the Thursday lawyer): the pairs are checked below.
    std::set<std::string> own;
    r.id(p, x.id, {"date"}, own);
    if (x.weekdays.empty()) checker.problem(kSlots, at(p, "weekdays"), "give at least one weekday (1 = Monday ... 7 = Sunday)");
    std::set<int> days;
    for (size_t k = 0; k < x.weekdays.size(); ++k) {
      const std::string wp = idx(at(p, "weekdays"), k);
      if (x.weekdays[k] < 1 || x.weekdays[k] > 7)
        checker.problem(kSlots, wp, "weekday must be 1 (Monday) to 7 (Sunday)");
      else if (!days.insert(x.weekdays[k]).second)
        checker.problem(kSlots, wp, "weekday given twice");
    }
    if (!valid_time(x.start)) checker.problem(kSlots, at(p, "start"), "start must be HH:MM");
    if (!valid_time(x.end)) checker.problem(kSlots, at(p, "end"), "end must be HH:MM");
    if (valid_time(x.start) && valid_time(x.end) && x.start >= x.end)
      checker.problem(kSlots, at(p, "end"), "end must be after start");
    r.text(at(p, "counsellor"), x.counsellor);
    r.text(at(p, "venue"), x.venue);
    checker.capacity(kSlots, p, x.capacity, 0);
    r.dates(p, x.from, x.until);
    r.range(p, "weeks_ahead", x.weeks_ahead, 1, 26);
  }
  // Two rules on a common weekday must not make the same id on that day.
  for (size_t i = 0; i < s.slot_rules.size(); ++i)
    for (size_t j = i + 1; j < s.slot_rules.size(); ++j) {
      const SlotRule& a = s.slot_rules[i];
      const SlotRule& b = s.slot_rules[j];
      const bool common = std::any_of(a.weekdays.begin(), a.weekdays.end(), [&](int d) {
        return std::find(b.weekdays.begin(), b.weekdays.end(), d) != b.weekdays.end();
      });
      if (common &&
          fill_schedule_template(a.id, kSampleA) == fill_schedule_template(b.id, kSampleA))
        checker.problem(kSlots, at(idx("rules", j), "id"),
                        "makes the same ids as rules[" + std::to_string(i) + "] on the same days");
    }

  r.count("closed", s.closed.size(), kMaxClosed);
  for (size_t i = 0; i < s.closed.size(); ++i) {
    const ClosedDays& c = s.closed[i];
    const std::string p = idx("closed", i);
    if (!c.month_day.empty()) {
      if (!valid_month_day(c.month_day))
        checker.problem(kSlots, at(p, "every_year"), "\"" + c.month_day + "\" is not a day of every year MM-DD");
      r.range(p, "days", c.days, 1, 31);
    } else if (!c.from.empty()) {
      auto f = checker.date(kSlots, at(p, c.until.empty() ? "date" : "from"), c.from);
      auto u = checker.date(kSlots, at(p, "until"), c.until, false);
      if (f && u && *f > *u) checker.problem(kSlots, at(p, "until"), "until is before from");
      if (f && u && u->days_since_epoch() - f->days_since_epoch() > 366)
        checker.problem(kSlots, at(p, "until"), "a closure longer than a year: end the rule with until instead");
    }
    checker.text(kSlots, at(p, "reason"), c.reason);
  }
}

void check_event_rules(Checker& checker, const Schedules& s) {
  RuleChecker r(checker, kEvents);
  r.count("rules", s.event_rules.size(), kMaxEventRules);
  std::set<std::string> ids;
  for (size_t i = 0; i < s.event_rules.size(); ++i) {
    const EventRule& x = s.event_rules[i];
    const std::string p = idx("rules", i);
    r.id(p, x.id, {"yyyymm", "date"}, ids);
    r.text(at(p, "title"), x.title);
    r.range(p, "weekday", x.weekday, 1, 7);
    if (x.week != -1 && (x.week < 1 || x.week > 4))
      checker.problem(kEvents, at(p, "week"), "week must be 1-4, or -1 for the last");
    if (!valid_time(x.start)) checker.problem(kEvents, at(p, "start"), "start must be HH:MM");
    r.text(at(p, "venue"), x.venue);
    checker.capacity(kEvents, p, x.capacity, 0);
    checker.ages(kEvents, p, x.min_age, x.max_age);
    if (x.gender_balanced && (x.capacity < 2 || x.capacity % 2 != 0))
      checker.problem(kEvents, at(p, "capacity"), "a gender-balanced event needs an even capacity");
    r.dates(p, x.from, x.until);
    r.range(p, "months_ahead", x.months_ahead, 1, 24);
  }
}

void check_period_rules(Checker& checker, const Schedules& s) {
  RuleChecker r(checker, kChildcare);
  r.count("period_rules", s.period_rules.size(), kMaxPeriodRules);
  std::set<std::string> ids, class_ids;
  for (size_t i = 0; i < s.period_rules.size(); ++i) {
    const PeriodRule& x = s.period_rules[i];
    const std::string p = idx("period_rules", i);
    r.id(p, x.id, {"year", "date"}, ids);
    r.text(at(p, "name"), x.name);
    if (!valid_month_day(x.starts))
      checker.problem(kChildcare, at(p, "starts"), "\"" + x.starts + "\" is not a day of every year MM-DD");
    r.range(p, "weekday", x.weekday, 0, 7);
    r.range(p, "days", x.days, 1, 200);
    r.range(p, "signup_opens_days_before", x.signup_opens_before, 0, 366);
    r.range(p, "signup_closes_days_before", x.signup_closes_before, 0, 366);
    if (x.signup_closes_before > x.signup_opens_before)
      checker.problem(kChildcare, at(p, "signup_closes_days_before"), "signup would close before it opens");
    if (x.first_year) r.range(p, "first_year", x.first_year, 2000, 2100);
    if (x.last_year) r.range(p, "last_year", x.last_year, 2000, 2100);
    if (x.first_year && x.last_year && x.first_year > x.last_year)
      checker.problem(kChildcare, at(p, "last_year"), "last_year is before first_year");
    if (x.classes.empty()) checker.problem(kChildcare, at(p, "classes"), "a period needs at least one class");
    r.count(at(p, "classes"), x.classes.size(), kMaxClassesPerRule);
    for (size_t k = 0; k < x.classes.size(); ++k) {
      const ClassTemplate& t = x.classes[k];
      const std::string cp = idx(at(p, "classes"), k);
      r.id(cp, t.id, {"year", "date"}, class_ids);
      r.text(at(cp, "name"), t.name);
      r.text(at(cp, "venue"), t.venue);
      checker.capacity(kChildcare, cp, t.capacity, 0);
      checker.ages(kChildcare, cp, t.min_age, t.max_age);
    }
  }
  // Two rules must not make periods of the same id in one year.
  for (size_t i = 0; i < s.period_rules.size(); ++i)
    for (size_t j = i + 1; j < s.period_rules.size(); ++j)
      for (const Date& d : {kSampleA, kSampleB})
        if (s.period_rules[i].id != s.period_rules[j].id &&
            fill_schedule_template(s.period_rules[i].id, d) == fill_schedule_template(s.period_rules[j].id, d)) {
          checker.problem(kChildcare, at(idx("period_rules", j), "id"),
                          "makes the same ids as period_rules[" + std::to_string(i) + "]");
          break;
        }
}

}  // namespace

void check_schedules(Checker& c, const ContentBundle& b) {
  check_slot_rules(c, b.schedules);
  check_event_rules(c, b.schedules);
  check_period_rules(c, b.schedules);
}

}  // namespace kiosk::content_detail
