// The schedule rules of slots.json, events.json and childcare.json ->
// Schedules. Types are checked here, meaning in schedule_check.cpp.
#include "kiosk/domain/content_reader.hpp"

namespace kiosk::content_detail {
namespace {

std::vector<int> integers(Reader& r, const json& obj, std::string_view key, const std::string& path) {
  std::vector<int> out;
  r.array(obj, key, path, true, [&](const json& e, const std::string& p) {
    if (e.is_number_integer() && e.get<int64_t>() >= INT32_MIN && e.get<int64_t>() <= INT32_MAX)
      out.push_back(static_cast<int>(e.get<int64_t>()));
    else
      r.problem(p, "must be a whole number");
  });
  return out;
}

}  // namespace

void read_slot_rules(Reader& r, const json& root, Schedules& s) {
  r.array(root, "rules", "", false, [&](const json& j, const std::string& p) {
    SlotRule x;
    if (r.object(j, p, {"id", "weekdays", "start", "end", "counsellor", "venue", "capacity", "from",
                        "until", "weeks_ahead"})) {
      x.id = r.str(j, "id", p, true);
      x.weekdays = integers(r, j, "weekdays", p);
      x.start = r.str(j, "start", p, true);
      x.end = r.str(j, "end", p, true);
      x.counsellor = r.text(j, "counsellor", p, true);
      x.venue = r.text(j, "venue", p, true);
      x.capacity = r.integer(j, "capacity", p, true).value_or(0);
      x.from = r.str(j, "from", p, false);
      x.until = r.str(j, "until", p, false);
      x.weeks_ahead = r.integer(j, "weeks_ahead", p, false).value_or(4);
    }
    s.slot_rules.push_back(std::move(x));
  });
  r.array(root, "closed", "", false, [&](const json& j, const std::string& p) {
    ClosedDays c;
    if (r.object(j, p, {"date", "from", "until", "every_year", "days", "reason"})) {
      const std::string date = r.str(j, "date", p, false);
      c.from = date.empty() ? r.str(j, "from", p, false) : date;
      c.until = r.str(j, "until", p, false);
      c.month_day = r.str(j, "every_year", p, false);
      c.days = r.integer(j, "days", p, false).value_or(1);
      c.reason = r.text(j, "reason", p, true);
      if (!date.empty() && (j.contains("from") || j.contains("until")))
        r.problem(join(p, "date"), "give either date or from/until, not both");
      if (c.month_day.empty() && c.from.empty())
        r.problem(p, "give date, from/until, or every_year");
      if (!c.month_day.empty() && !c.from.empty())
        r.problem(join(p, "every_year"), "every_year cannot be given with a date");
    }
    s.closed.push_back(std::move(c));
  });
}

void read_event_rules(Reader& r, const json& root, Schedules& s) {
  r.array(root, "rules", "", false, [&](const json& j, const std::string& p) {
    EventRule x;
    if (r.object(j, p, {"id", "title", "weekday", "week", "start", "venue", "capacity", "min_age",
                        "max_age", "gender_balanced", "from", "until", "months_ahead"})) {
      x.id = r.str(j, "id", p, true);
      x.title = r.text(j, "title", p, true);
      x.weekday = r.integer(j, "weekday", p, true).value_or(0);
      x.week = r.integer(j, "week", p, true).value_or(0);
      x.start = r.str(j, "start", p, true);
      x.venue = r.text(j, "venue", p, true);
      x.capacity = r.integer(j, "capacity", p, true).value_or(0);
      x.min_age = r.integer(j, "min_age", p, true).value_or(0);
      x.max_age = r.integer(j, "max_age", p, true).value_or(0);
      x.gender_balanced = r.boolean(j, "gender_balanced", p);
      x.from = r.str(j, "from", p, false);
      x.until = r.str(j, "until", p, false);
      x.months_ahead = r.integer(j, "months_ahead", p, false).value_or(6);
    }
    s.event_rules.push_back(std::move(x));
  });
}

void read_period_rules(Reader& r, const json& root, Schedules& s) {
  r.array(root, "period_rules", "", false, [&](const json& j, const std::string& p) {
    PeriodRule x;
    if (r.object(j, p, {"id", "name", "starts", "weekday", "days", "signup_opens_days_before",
                        "signup_closes_days_before", "first_year", "last_year", "classes"})) {
      x.id = r.str(j, "id", p, true);
      x.name = r.text(j, "name", p, true);
      x.starts = r.str(j, "starts", p, true);
      x.weekday = r.integer(j, "weekday", p, false).value_or(0);
      x.days = r.integer(j, "days", p, true).value_or(0);
      x.signup_opens_before = r.integer(j, "signup_opens_days_before", p, true).value_or(0);
      x.signup_closes_before = r.integer(j, "signup_closes_days_before", p, true).value_or(0);
      x.first_year = r.integer(j, "first_year", p, false).value_or(0);
      x.last_year = r.integer(j, "last_year", p, false).value_or(0);
      r.array(j, "classes", p, true, [&](const json& c, const std::string& cp) {
        ClassTemplate t;
        if (r.object(c, cp, {"id", "name", "venue", "capacity", "min_age", "max_age"})) {
          t.id = r.str(c, "id", cp, true);
          t.name = r.text(c, "name", cp, true);
          t.venue = r.text(c, "venue", cp, true);
          t.capacity = r.integer(c, "capacity", cp, true).value_or(0);
          t.min_age = r.integer(c, "min_age", cp, true).value_or(0);
          t.max_age = r.integer(c, "max_age", cp, true).value_or(0);
        }
        x.classes.push_back(std::move(t));
      });
    }
    s.period_rules.push_back(std::move(x));
  });
}

}  // namespace kiosk::content_detail
