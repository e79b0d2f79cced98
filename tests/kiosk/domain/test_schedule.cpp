// Schedules that never go stale: the embedded rules expanded on every day
// for three years still offer slots, mixers and a childcare period; the
// expansion follows weekdays, months, closed days and explicit overrides;
// the checker refuses bad rules by file and field.
#include <doctest/doctest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "assets/embedded.hpp"
#include "kiosk/domain/content.hpp"
#include "tests/kiosk/domain/test_support.hpp"
#include "kiosk/domain/schedule.hpp"

using namespace kiosk;
using nlohmann::json;

namespace {

ContentFiles embedded_files() { return kiosk::test::embedded_content_files(); }

const ContentBundle& rules() {
  static const ContentBundle b = [] {
    auto load = load_embedded_content();
    for (const auto& p : load.problems) MESSAGE(describe(p));
    REQUIRE(load.bundle);
    return *load.bundle;
  }();
  return b;
}

Date day(int y, int m, int d) { return Date{y, m, d}; }
Date plus(const Date& d, int days) { return Date::from_days(d.days_since_epoch() + days); }

// The bundle's slots.json (events.json, childcare.json) edited, then loaded.
ContentLoad with_edit(const std::string& file, const std::function<void(json&)>& edit) {
  ContentFiles files = embedded_files();
  json j = json::parse(files.at(file));
  edit(j);
  files[file] = j.dump();
  return load_content(files);
}

bool has_problem(const ContentLoad& l, const std::string& file, const std::string& path,
                 const std::string& words) {
  for (const auto& p : l.problems)
    if (p.file == file && p.path == path && p.message.find(words) != std::string::npos) return true;
  for (const auto& p : l.problems) MESSAGE(describe(p));
  return false;
}

}  // namespace

TEST_CASE("the embedded bundle is made of rules: nothing dated is needed for what comes") {
  const ContentBundle& b = rules();
  CHECK(b.schedules.slot_rules.size() == 4);
  CHECK(b.schedules.event_rules.size() == 1);
  CHECK(b.schedules.period_rules.size() == 2);
  // Unexpanded, only the explicit overrides are there, none from a rule.
  for (const auto& s : b.slots) CHECK(s.rule.empty());
  CHECK(b.slots.size() < 10);
}

TEST_CASE("every day for three years, and one and three years ahead, each service has something to offer") {
  const Date first = day(2026, 12, 1);
  for (int n = 0; n <= 3 * 366 + 7; ++n) {
    const Date today = plus(first, n);
    const ContentBundle b = expand_schedules(rules(), today);
    const std::string t = today.iso();
    int slots = 0, events = 0, classes = 0;
    for (const auto& s : b.slots)
      if (s.date >= t && s.booked < s.capacity) ++slots;
    for (const auto& e : b.events)
      if (e.date >= t) ++events;
    for (const auto& k : b.classes) {
      const ChildcarePeriod* p = b.period(k.period);
      REQUIRE_MESSAGE(p, k.id << " on " << t);
      if (p->signup_closes >= t) ++classes;  // open now, or opening later
    }
    // Closed weeks (the Spring Festival, National Day) leave the next weeks.
    CHECK_MESSAGE(slots >= 4, t);
    CHECK_MESSAGE(events >= 5, t);
    CHECK_MESSAGE(classes >= 2, t);
  }
}

TEST_CASE("duty slots: each Tuesday and Thursday, morning and afternoon, four weeks ahead") {
  const Date today = day(2028, 3, 8);  // a Wednesday
  const ContentBundle b = expand_schedules(rules(), today);
  std::set<std::string> ahead;
  for (const auto& s : b.slots) {
    auto d = Date::parse(s.date);
    REQUIRE(d);
    CHECK_MESSAGE((d->weekday() == 2 || d->weekday() == 4), s.id);
    CHECK_FALSE(s.rule.empty());
    CHECK(s.counsellor.complete());
    if (s.date >= today.iso()) ahead.insert(s.id);
  }
  // 2028-03-09 (Thu) to 2028-04-04 (Tue): 8 days of two slots each.
  CHECK(ahead.size() == 16);
  CHECK(ahead.count("S-20280309-AM"));
  CHECK(ahead.count("S-20280404-PM"));
  CHECK_FALSE(ahead.count("S-20280406-AM"));  // five weeks ahead: not yet
  const DutySlot* tue = b.slot("S-20280314-AM");
  const DutySlot* thu = b.slot("S-20280316-AM");
  REQUIRE(tue);
  REQUIRE(thu);
  CHECK(tue->counsellor.zh == "律师 王磊");
  CHECK(thu->counsellor.zh == "律师 陈静");
  CHECK(tue->start == "09:00");
  CHECK(tue->capacity == 6);
  CHECK(b.slot("S-20280314-PM")->capacity == 4);
  // Sorted by date, then time.
  for (size_t i = 1; i < b.slots.size(); ++i)
    CHECK(std::tie(b.slots[i - 1].date, b.slots[i - 1].start) <= std::tie(b.slots[i].date, b.slots[i].start));
}

TEST_CASE("duty slots: none on public holidays and closed days") {
  // National Day week 2027 (10-01..10-07): Tuesday 10-05 and Thursday 10-07.
  const ContentBundle oct = expand_schedules(rules(), day(2027, 9, 28));
  CHECK(oct.slot("S-20270930-AM"));
  CHECK_FALSE(oct.slot("S-20271005-AM"));
  CHECK_FALSE(oct.slot("S-20271007-PM"));
  CHECK(oct.slot("S-20271012-AM"));
  // Labour Day 2029 (05-01..05-05): Tuesday 05-01 and Thursday 05-03.
  const ContentBundle may = expand_schedules(rules(), day(2029, 4, 25));
  CHECK_FALSE(may.slot("S-20290501-AM"));
  CHECK_FALSE(may.slot("S-20290503-AM"));
  CHECK(may.slot("S-20290508-AM"));
  // The Spring Festival closure of 2027, published as dates.
  const ContentBundle feb = expand_schedules(rules(), day(2027, 2, 1));
  CHECK(feb.slot("S-20270204-AM"));
  CHECK_FALSE(feb.slot("S-20270209-AM"));
  CHECK_FALSE(feb.slot("S-20270211-PM"));
  CHECK(feb.slot("S-20270216-AM"));
}

TEST_CASE("an explicit slot stands in place of the one its rule makes") {
  const ContentBundle b = expand_schedules(rules(), day(2026, 11, 20));
  const DutySlot* full = b.slot("S-20261124-AM");
  REQUIRE(full);
  CHECK(full->rule.empty());  // the explicit entry, with the hub's count
  CHECK(full->booked == full->capacity);
  int copies = 0;
  for (const auto& s : b.slots) copies += s.id == "S-20261124-AM";
  CHECK(copies == 1);
  const DutySlot* made = b.slot("S-20261208-AM");
  REQUIRE(made);
  CHECK(made->rule == "S-{date}-AM");
  CHECK(made->booked == 0);
}

TEST_CASE("mixers: the last Saturday of every month, explicit ones keep their themes") {
  const ContentBundle b = expand_schedules(rules(), day(2029, 6, 10));
  int ahead = 0;
  for (const auto& e : b.events) {
    auto d = Date::parse(e.date);
    REQUIRE(d);
    CHECK_MESSAGE(d->weekday() == 6, e.id);
    CHECK_MESSAGE(plus(*d, 7).month != d->month, e.id);
    CHECK(e.gender_balanced);
    CHECK(e.capacity == 150);
    ahead += e.date >= "2029-06-10";
  }
  CHECK(ahead == 7);  // June to December 2029
  const MixerEvent* july = b.event("M-202907");
  REQUIRE(july);
  CHECK(july->date == "2029-07-28");
  CHECK(july->title.zh == "7月单身职工联谊会");
  CHECK(july->title.en == "July singles mixer");
  const ContentBundle now = expand_schedules(rules(), day(2026, 12, 6));
  const MixerEvent* dec = now.event("M-202612");
  REQUIRE(dec);
  CHECK(dec->title.zh == "12月单身职工联谊会·冬日暖阳");
  CHECK(dec->booked == 96);
}

TEST_CASE("childcare: a winter and a summer period every year, linked for attendance") {
  const ContentBundle b = expand_schedules(rules(), day(2027, 12, 1));
  const ChildcarePeriod* w = b.period("P-2028W");
  REQUIRE(w);
  // 2028-01-11 is a Tuesday: the period starts the Monday after.
  CHECK(w->start == "2028-01-17");
  CHECK(w->end == "2028-02-11");
  CHECK(w->signup_opens == "2027-11-22");
  CHECK(w->signup_closes == "2028-01-14");
  CHECK(w->name.zh == "2028年寒假爱心托管班");
  CHECK(w->previous_period == "P-2027S");
  CHECK(b.period("P-2027S")->previous_period == "P-2027W");
  int classes = 0;
  for (const auto& k : b.classes)
    if (k.period == "P-2028W") {
      ++classes;
      CHECK(k.capacity == 30);
    }
  CHECK(classes == 2);
  CHECK(b.klass("C-2028W-A")->max_age == 8);
  // The period attendance refers to stays, whatever the year.
  const ContentBundle later = expand_schedules(rules(), day(2030, 3, 1));
  CHECK(later.period("P-2026S"));
  // The explicit classes of winter 2027 keep their period, made by the rule.
  const ContentBundle now = expand_schedules(rules(), day(2026, 12, 6));
  const ChildcarePeriod* w27 = now.period("P-2027W");
  REQUIRE(w27);
  CHECK(w27->start == "2027-01-11");
  CHECK(w27->signup_opens == "2026-11-16");
  CHECK(w27->signup_closes == "2027-01-08");
  CHECK(w27->previous_period == "P-2026S");
  CHECK(now.klass("C-2027W-A")->booked == 12);
  CHECK(now.period("P-2027S")->start == "2027-07-12");
  CHECK(now.period("P-2027S")->signup_opens == "2027-06-01");
}

TEST_CASE("expanding an expanded bundle gives what expanding the bundle gives") {
  auto ids = [](const ContentBundle& b) {
    std::vector<std::string> v;
    for (const auto& s : b.slots) v.push_back(s.id);
    for (const auto& e : b.events) v.push_back(e.id);
    for (const auto& p : b.periods) v.push_back(p.id);
    for (const auto& k : b.classes) v.push_back(k.id);
    return v;
  };
  const ContentBundle once = expand_schedules(rules(), day(2027, 5, 1));
  const ContentBundle twice = expand_schedules(expand_schedules(rules(), day(2026, 12, 1)), day(2027, 5, 1));
  CHECK(ids(once) == ids(twice));
}

TEST_CASE("templates: placeholders filled, unknown ones named") {
  CHECK(fill_schedule_template("S-{date}-AM", day(2027, 3, 4)) == "S-20270304-AM");
  CHECK(fill_schedule_template("M-{yyyymm}", day(2027, 3, 4)) == "M-202703");
  CHECK(fill_schedule_template("{year}年{month}月 {month_en}", day(2027, 3, 4)) == "2027年3月 March");
  CHECK(fill_schedule_template("{nope} {", day(2027, 3, 4)) == "{nope} {");
  CHECK(unknown_schedule_placeholders("a {date} {dat} {month_en}") == std::vector<std::string>{"dat"});
}

TEST_CASE("bad rules are refused, naming the file and the field") {
  auto slot_rule = [](std::function<void(json&)> f) {
    return with_edit("slots.json", [&](json& j) { f(j["rules"][0]); });
  };
  CHECK(has_problem(slot_rule([](json& r) { r["weekdays"] = {8}; }), "slots.json", "rules[0].weekdays[0]", "1 (Monday) to 7"));
  CHECK(has_problem(slot_rule([](json& r) { r["weekdays"] = json::array(); }), "slots.json", "rules[0].weekdays", "at least one"));
  CHECK(has_problem(slot_rule([](json& r) { r["id"] = "S-TUE-AM"; }), "slots.json", "rules[0].id", "{date}"));
  CHECK(has_problem(slot_rule([](json& r) { r["id"] = "S-{day}"; }), "slots.json", "rules[0].id", "unknown placeholder {day}"));
  CHECK(has_problem(slot_rule([](json& r) { r["id"] = "S {date}"; }), "slots.json", "rules[0].id", "letters, digits"));
  CHECK(has_problem(slot_rule([](json& r) { r["end"] = "08:00"; }), "slots.json", "rules[0].end", "after start"));
  CHECK(has_problem(slot_rule([](json& r) { r["weeks_ahead"] = 0; }), "slots.json", "rules[0].weeks_ahead", "1-26"));
  CHECK(has_problem(slot_rule([](json& r) { r["capacity"] = 0; }), "slots.json", "rules[0].capacity", "greater than 0"));
  CHECK(has_problem(slot_rule([](json& r) { r["counsellor"]["en"] = ""; }), "slots.json", "rules[0].counsellor.en", "English"));
  CHECK(has_problem(slot_rule([](json& r) { r["until"] = "2026-10-01"; }), "slots.json", "rules[0].until", "before from"));
  CHECK(has_problem(slot_rule([](json& r) { r["every"] = "week"; }), "slots.json", "rules[0].every", "unknown key"));
  // The Thursday morning rule moved onto Tuesday makes the Tuesday's ids again.
  CHECK(has_problem(with_edit("slots.json", [](json& j) { j["rules"][2]["weekdays"] = {2}; }), "slots.json",
                    "rules[2].id", "same ids as rules[0]"));
  CHECK(has_problem(with_edit("slots.json", [](json& j) { j["closed"][0]["every_year"] = "02-30"; }),
                    "slots.json", "closed[0].every_year", "MM-DD"));
  CHECK(has_problem(with_edit("slots.json", [](json& j) { j["closed"][3]["until"] = "2027-01-01"; }),
                    "slots.json", "closed[3].until", "before from"));
  CHECK(has_problem(with_edit("slots.json", [](json& j) { j["closed"][0].erase("reason"); }), "slots.json",
                    "closed[0].reason", "missing"));
  CHECK(has_problem(with_edit("slots.json", [](json& j) {
                      for (int i = 0; i < 101; ++i) j["rules"].push_back(j["rules"][0]);
                    }), "slots.json", "rules", "at most 100"));

  auto event_rule = [](std::function<void(json&)> f) {
    return with_edit("events.json", [&](json& j) { f(j["rules"][0]); });
  };
  CHECK(has_problem(event_rule([](json& r) { r["week"] = 5; }), "events.json", "rules[0].week", "1-4, or -1"));
  CHECK(has_problem(event_rule([](json& r) { r["weekday"] = 0; }), "events.json", "rules[0].weekday", "1-7"));
  CHECK(has_problem(event_rule([](json& r) { r["id"] = "M-{year}"; }), "events.json", "rules[0].id", "{yyyymm} or {date}"));
  CHECK(has_problem(event_rule([](json& r) { r["capacity"] = 151; }), "events.json", "rules[0].capacity", "even capacity"));
  CHECK(has_problem(event_rule([](json& r) { r["min_age"] = 50; }), "events.json", "rules[0].min_age", "greater than max_age"));
  CHECK(has_problem(event_rule([](json& r) { r["title"]["zh"] = "{月}"; }), "events.json", "rules[0].title.zh", "unknown placeholder"));
  CHECK(has_problem(event_rule([](json& r) { r["months_ahead"] = 100; }), "events.json", "rules[0].months_ahead", "1-24"));

  auto period_rule = [](std::function<void(json&)> f) {
    return with_edit("childcare.json", [&](json& j) { f(j["period_rules"][0]); });
  };
  CHECK(has_problem(period_rule([](json& r) { r["starts"] = "02-29"; }), "childcare.json", "period_rules[0].starts", "MM-DD"));
  CHECK(has_problem(period_rule([](json& r) { r["days"] = 0; }), "childcare.json", "period_rules[0].days", "1-200"));
  CHECK(has_problem(period_rule([](json& r) { r["signup_closes_days_before"] = 90; }), "childcare.json",
                    "period_rules[0].signup_closes_days_before", "close before it opens"));
  CHECK(has_problem(period_rule([](json& r) { r["id"] = "P-W"; }), "childcare.json", "period_rules[0].id", "{year} or {date}"));
  CHECK(has_problem(period_rule([](json& r) { r["classes"] = json::array(); }), "childcare.json", "period_rules[0].classes", "at least one class"));
  CHECK(has_problem(period_rule([](json& r) { r["classes"][0]["min_age"] = 13; }), "childcare.json",
                    "period_rules[0].classes[0].min_age", "greater than max_age"));
  CHECK(has_problem(with_edit("childcare.json", [](json& j) { j["period_rules"][1]["id"] = "P-{year}W"; }),
                    "childcare.json", "period_rules[1].id", "duplicate id"));
  // A class may name a period only a rule makes, not one nothing makes.
  CHECK(has_problem(with_edit("childcare.json", [](json& j) { j["classes"][0]["period"] = "P-2027X"; }),
                    "childcare.json", "classes[0].period", "no period"));
  CHECK(with_edit("childcare.json", [](json& j) { j["classes"][0]["period"] = "P-2031S"; }).problems.empty());
}
