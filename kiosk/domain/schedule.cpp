// Expanding the schedule rules of a bundle relative to a day (schedule.hpp).
#include "kiosk/domain/schedule.hpp"

#include <algorithm>
#include <set>

#include "kiosk/domain/content.hpp"

namespace kiosk {
namespace {

constexpr const char* kMonthsEn[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};

std::string two(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

std::optional<std::string> placeholder(std::string_view name, const Date& d) {
  if (name == "date") return std::to_string(d.year) + two(d.month) + two(d.day);
  if (name == "yyyymm") return std::to_string(d.year) + two(d.month);
  if (name == "year") return std::to_string(d.year);
  if (name == "month") return std::to_string(d.month);
  if (name == "month_en") return std::string(kMonthsEn[(d.month - 1) % 12]);
  return std::nullopt;
}

// Calls each(name) for every "{name}" in the pattern; literal text elsewhere.
template <class Literal, class Name>
void scan_template(std::string_view p, Literal literal, Name each) {
  size_t i = 0;
  while (i < p.size()) {
    const size_t open = p.find('{', i);
    const size_t close = open == std::string_view::npos ? open : p.find('}', open);
    if (close == std::string_view::npos) {
      literal(p.substr(i));
      return;
    }
    literal(p.substr(i, open - i));
    each(p.substr(open + 1, close - open - 1));
    i = close + 1;
  }
}

int64_t day_of(const std::string& iso, int64_t fallback) {
  auto d = Date::parse(iso);
  return d ? d->days_since_epoch() : fallback;
}

// The `week`-th `weekday` of a month (week -1: the last one).
std::optional<Date> nth_weekday(int year, int month, int weekday, int week) {
  if (!is_valid_date(year, month, 1) || weekday < 1 || weekday > 7) return std::nullopt;
  if (week == -1) {
    int last = 31;
    while (!is_valid_date(year, month, last)) --last;
    Date d{year, month, last};
    const int back = (d.weekday() - weekday + 7) % 7;
    return Date::from_days(d.days_since_epoch() - back);
  }
  if (week < 1 || week > 4) return std::nullopt;
  Date first{year, month, 1};
  const int ahead = (weekday - first.weekday() + 7) % 7;
  return Date::from_days(first.days_since_epoch() + ahead + 7 * (week - 1));
}

// The first day of the period a rule makes in `year`.
std::optional<Date> period_start(const PeriodRule& r, int year) {
  if (r.starts.size() != 5 || r.starts[2] != '-') return std::nullopt;
  auto d = Date::parse(std::to_string(year) + "-" + r.starts);
  if (!d) return std::nullopt;
  if (r.weekday >= 1 && r.weekday <= 7) {
    const int ahead = (r.weekday - d->weekday() + 7) % 7;
    return Date::from_days(d->days_since_epoch() + ahead);
  }
  return d;
}

template <class T>
void drop_generated(std::vector<T>& v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](const T& e) { return !e.rule.empty(); }), v.end());
}

template <class T>
std::set<std::string> ids_of(const std::vector<T>& v) {
  std::set<std::string> out;
  for (const T& e : v) out.insert(e.id);
  return out;
}

void expand_slots(ContentBundle& b, int64_t back, int64_t today) {
  const std::set<std::string> explicit_ids = ids_of(b.slots);
  for (const SlotRule& r : b.schedules.slot_rules) {
    const int weeks = std::clamp(r.weeks_ahead, 1, 26);
    const int64_t lo = std::max(back, day_of(r.from, back));
    const int64_t hi = std::min(today + 7 * weeks - 1, day_of(r.until, today + 7 * weeks - 1));
    for (int64_t n = lo; n <= hi; ++n) {
      const Date day = Date::from_days(n);
      if (std::find(r.weekdays.begin(), r.weekdays.end(), day.weekday()) == r.weekdays.end()) continue;
      const bool closed = std::any_of(b.schedules.closed.begin(), b.schedules.closed.end(),
                                      [&](const ClosedDays& c) { return c.covers(day); });
      if (closed) continue;
      DutySlot s;
      s.id = fill_schedule_template(r.id, day);
      if (explicit_ids.count(s.id)) continue;
      s.rule = r.id;
      s.date = day.iso();
      s.start = r.start;
      s.end = r.end;
      s.counsellor = fill_schedule_template(r.counsellor, day);
      s.venue = fill_schedule_template(r.venue, day);
      s.capacity = r.capacity;
      b.slots.push_back(std::move(s));
    }
  }
  std::stable_sort(b.slots.begin(), b.slots.end(), [](const DutySlot& x, const DutySlot& y) {
    return std::tie(x.date, x.start) < std::tie(y.date, y.start);
  });
}

void expand_events(ContentBundle& b, const Date& today, int64_t back) {
  const std::set<std::string> explicit_ids = ids_of(b.events);
  for (const EventRule& r : b.schedules.event_rules) {
    const int months = std::clamp(r.months_ahead, 1, 24);
    const int64_t lo = std::max(back, day_of(r.from, back));
    const int64_t hi = day_of(r.until, INT64_MAX);
    for (int k = -3; k <= months; ++k) {
      const int m0 = today.month - 1 + k;
      const int year = today.year + (m0 >= 0 ? m0 / 12 : (m0 - 11) / 12);
      const int month = (m0 % 12 + 12) % 12 + 1;
      auto day = nth_weekday(year, month, r.weekday, r.week);
      if (!day || day->days_since_epoch() < lo || day->days_since_epoch() > hi) continue;
      MixerEvent e;
      e.id = fill_schedule_template(r.id, *day);
      if (explicit_ids.count(e.id)) continue;
      e.rule = r.id;
      e.title = fill_schedule_template(r.title, *day);
      e.date = day->iso();
      e.start = r.start;
      e.venue = fill_schedule_template(r.venue, *day);
      e.capacity = r.capacity;
      e.min_age = r.min_age;
      e.max_age = r.max_age;
      e.gender_balanced = r.gender_balanced;
      b.events.push_back(std::move(e));
    }
  }
  std::stable_sort(b.events.begin(), b.events.end(), [](const MixerEvent& x, const MixerEvent& y) {
    return std::tie(x.date, x.start) < std::tie(y.date, y.start);
  });
}

// The years a rule makes periods for: around today, and those of periods
// that explicit classes, attendance or periods refer to.
std::set<int> period_years(const PeriodRule& r, const ContentBundle& b, const Date& today) {
  std::set<int> years;
  for (int year = today.year - 1; year <= today.year + 1; ++year) years.insert(year);
  std::set<std::string> wanted;
  for (const ChildcareClass& c : b.classes) wanted.insert(c.period);
  for (const Attendance& a : b.attendance) wanted.insert(a.period);
  for (const ChildcarePeriod& p : b.periods) wanted.insert(p.previous_period);
  for (const ChildcarePeriod& p : b.periods) wanted.erase(p.id);
  wanted.erase(std::string());
  if (wanted.empty()) return years;
  const int lo = std::max(r.first_year, 2000), hi = r.last_year ? std::min(r.last_year, 2100) : 2100;
  for (int year = lo; year <= hi; ++year) {
    auto start = period_start(r, year);
    if (start && wanted.count(fill_schedule_template(r.id, *start))) years.insert(year);
  }
  return years;
}

void expand_periods(ContentBundle& b, const Date& today) {
  const std::set<std::string> explicit_periods = ids_of(b.periods);
  const std::set<std::string> explicit_classes = ids_of(b.classes);
  for (const PeriodRule& r : b.schedules.period_rules) {
    for (int year : period_years(r, b, today)) {
      if ((r.first_year && year < r.first_year) || (r.last_year && year > r.last_year)) continue;
      auto start = period_start(r, year);
      if (!start || r.days < 1) continue;
      const int64_t s = start->days_since_epoch();
      const std::string id = fill_schedule_template(r.id, *start);
      if (!explicit_periods.count(id)) {
        ChildcarePeriod p;
        p.id = id;
        p.rule = r.id;
        p.name = fill_schedule_template(r.name, *start);
        p.start = start->iso();
        p.end = Date::from_days(s + r.days - 1).iso();
        p.signup_opens = Date::from_days(s - r.signup_opens_before).iso();
        p.signup_closes = Date::from_days(s - r.signup_closes_before).iso();
        b.periods.push_back(std::move(p));
      }
      for (const ClassTemplate& t : r.classes) {
        ChildcareClass c;
        c.id = fill_schedule_template(t.id, *start);
        if (explicit_classes.count(c.id)) continue;
        c.rule = r.id;
        c.period = id;
        c.name = fill_schedule_template(t.name, *start);
        c.venue = fill_schedule_template(t.venue, *start);
        c.capacity = t.capacity;
        c.min_age = t.min_age;
        c.max_age = t.max_age;
        b.classes.push_back(std::move(c));
      }
    }
  }
  std::stable_sort(b.periods.begin(), b.periods.end(),
                   [](const ChildcarePeriod& x, const ChildcarePeriod& y) { return x.start < y.start; });
  // A period a rule made follows the one before it (whose attendance counts).
  for (size_t i = 1; i < b.periods.size(); ++i)
    if (!b.periods[i].rule.empty() && b.periods[i].previous_period.empty())
      b.periods[i].previous_period = b.periods[i - 1].id;
  auto start_of = [&](const ChildcareClass& c) {
    const ChildcarePeriod* p = b.period(c.period);
    return p ? p->start : std::string();
  };
  std::stable_sort(b.classes.begin(), b.classes.end(),
                   [&](const ChildcareClass& x, const ChildcareClass& y) { return start_of(x) < start_of(y); });
}

}  // namespace

std::string fill_schedule_template(std::string_view pattern, const Date& day) {
  std::string out;
  scan_template(
      pattern, [&](std::string_view lit) { out.append(lit); },
      [&](std::string_view name) {
        if (auto v = placeholder(name, day)) {
          out += *v;
        } else {
          out.push_back('{');
          out.append(name);
          out.push_back('}');
        }
      });
  return out;
}

Text fill_schedule_template(const Text& pattern, const Date& day) {
  return Text{fill_schedule_template(pattern.zh, day), fill_schedule_template(pattern.en, day)};
}

std::vector<std::string> unknown_schedule_placeholders(std::string_view pattern) {
  std::vector<std::string> out;
  scan_template(
      pattern, [](std::string_view) {},
      [&](std::string_view name) {
        if (!placeholder(name, Date{}).has_value()) out.emplace_back(name);
      });
  return out;
}

bool ClosedDays::covers(const Date& d) const {
  const int64_t n = d.days_since_epoch();
  if (!month_day.empty()) {
    for (int year : {d.year, d.year - 1}) {
      auto first = Date::parse(std::to_string(year) + "-" + month_day);
      if (!first) continue;
      const int64_t s = first->days_since_epoch();
      if (n >= s && n < s + std::max(days, 1)) return true;
    }
    return false;
  }
  const int64_t lo = day_of(from, INT64_MAX);
  const int64_t hi = until.empty() ? lo : day_of(until, INT64_MIN);
  return n >= lo && n <= hi;
}

ContentBundle expand_schedules(const ContentBundle& in, const Date& today) {
  ContentBundle b = in;
  drop_generated(b.slots);
  drop_generated(b.events);
  drop_generated(b.periods);
  drop_generated(b.classes);
  const int64_t t = today.days_since_epoch();
  const int64_t back = t - kScheduleLookbackDays;
  // Explicit slots and events from before the lookback are of no request any more.
  const std::string oldest = Date::from_days(back).iso();
  b.slots.erase(std::remove_if(b.slots.begin(), b.slots.end(), [&](const DutySlot& s) { return s.date < oldest; }),
                b.slots.end());
  b.events.erase(std::remove_if(b.events.begin(), b.events.end(), [&](const MixerEvent& e) { return e.date < oldest; }),
                 b.events.end());
  expand_slots(b, back, t);
  expand_events(b, today, back);
  expand_periods(b, today);
  return b;
}

bool period_rule_makes(const Schedules& s, std::string_view period_id) {
  for (const PeriodRule& r : s.period_rules) {
    const int lo = r.first_year ? r.first_year : 2000;
    const int hi = r.last_year ? r.last_year : 2100;
    for (int year = lo; year <= hi && year <= 2100; ++year) {
      auto start = period_start(r, year);
      if (start && fill_schedule_template(r.id, *start) == period_id) return true;
    }
  }
  return false;
}

}  // namespace kiosk
