// The semantic checks of a content bundle: every reference resolves, every
// text has both languages, every rule is well-formed. Paths are those of the
// JSON file each collection is read from (see docs/content-format.md).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/utf8.hpp"
#include "kiosk/domain/content.hpp"
#include "kiosk/base/date.hpp"
#include "kiosk/domain/validate.hpp"
#include "kiosk/domain/content_checker.hpp"

namespace kiosk {
namespace content_detail {
namespace {

constexpr const char* kServices = "services.json";

bool is_choice(FieldType t) { return t == FieldType::SingleChoice || t == FieldType::MultiChoice; }

}  // namespace

void Checker::field(const Service& s, const Field& f, const std::string& p) {
  text(kServices, at(p, "label"), f.label);
  text(kServices, at(p, "hint"), f.hint, false);
  if (f.min_length && *f.min_length < 0)
    problem(kServices, at(p, "min_length"), "min_length must not be negative");
  if (f.max_length && *f.max_length < 1)
    problem(kServices, at(p, "max_length"), "max_length must be at least 1");
  if (f.min_length && f.max_length && *f.min_length > *f.max_length)
    problem(kServices, at(p, "min_length"), "min_length is greater than max_length");
  if ((f.min || f.max || f.integer) && f.type != FieldType::Number)
    problem(kServices, at(p, f.min ? "min" : f.max ? "max" : "integer"),
            "min, max and integer apply to number fields only");
  if (f.min && f.max && *f.min > *f.max) problem(kServices, at(p, "min"), "min is greater than max");
  if (is_choice(f.type)) {
    if (f.choices.empty()) problem(kServices, at(p, "choices"), "a choice field needs choices");
    std::set<std::string> ids;
    for (size_t i = 0; i < f.choices.size(); ++i) {
      const std::string cp = idx(at(p, "choices"), i);
      id(kServices, cp, f.choices[i].id, ids);
      text(kServices, at(cp, "label"), f.choices[i].label);
    }
  } else if (!f.choices.empty()) {
    problem(kServices, at(p, "choices"), "choices apply to single_choice and multi_choice fields only");
  }
  if (f.show_if) {
    const std::string sp = at(p, "show_if");
    const Field* ctl = s.field(f.show_if->field);
    if (!ctl) {
      problem(kServices, at(sp, "field"), "no field \"" + f.show_if->field + "\" in this service");
    } else if (ctl == &f) {
      problem(kServices, at(sp, "field"), "a field cannot depend on itself");
    } else if (!is_choice(ctl->type)) {
      problem(kServices, at(sp, "field"), "show_if must refer to a single_choice or multi_choice field");
    } else if (ctl->show_if) {
      // One level only: a chain would hide fields the worker cannot see why.
      problem(kServices, at(sp, "field"), "field \"" + ctl->id + "\" is itself conditional");
    } else {
      if (f.show_if->any_of.empty()) problem(kServices, at(sp, "any_of"), "any_of must not be empty");
      for (size_t i = 0; i < f.show_if->any_of.size(); ++i) {
        bool found = false;
        for (const auto& c : ctl->choices) found = found || c.id == f.show_if->any_of[i];
        if (!found)
          problem(kServices, idx(at(sp, "any_of"), i),
                  "\"" + f.show_if->any_of[i] + "\" is not a choice of field \"" + ctl->id + "\"");
      }
    }
  }
  if (!f.prefill.empty() && f.prefill != "card.name" && f.prefill != "card.sub" && f.prefill != "card.org")
    problem(kServices, at(p, "prefill"), "prefill must be card.name, card.sub or card.org");
  static const std::set<std::string> kKeyboards = {"", "pinyin", "letters", "digits", "id", "phone"};
  if (!kKeyboards.count(f.keyboard))
    problem(kServices, at(p, "keyboard"), "keyboard must be pinyin, letters, digits, id or phone");
  std::optional<Date> lo, hi;
  for (auto [key, v, out] : {std::tuple{"date_not_before", &f.date_not_before, &lo},
                             std::tuple{"date_not_after", &f.date_not_after, &hi}}) {
    if (!*v) continue;
    if (f.type != FieldType::Date) problem(kServices, at(p, key), "applies to date fields only");
    if (**v != "today") *out = date(kServices, at(p, key), **v);
  }
  if (lo && hi && *lo > *hi)
    problem(kServices, at(p, "date_not_before"), "date_not_before is after date_not_after");
  if (f.sensitive && s.policy.sensitive_consent_field.empty())
    problem(kServices, at(p, "sensitive"),
            "a sensitive field needs policy.sensitive_consent_field in its service");
}

void Checker::policy(const Service& s, const std::string& sp) {
  const std::string p = at(sp, "policy");
  const auto& pol = s.policy;
  auto ref = [&](std::string_view key, const std::string& fid, FieldType want, const char* what) {
    if (fid.empty()) return static_cast<const Field*>(nullptr);
    const Field* f = s.field(fid);
    if (!f)
      problem(kServices, at(p, key), "no field \"" + fid + "\" in this service");
    else if (f->type != want)
      problem(kServices, at(p, key), "field \"" + fid + "\" must be of type " + what);
    else
      return f;
    return static_cast<const Field*>(nullptr);
  };
  ref("child_id_field", pol.child_id_field, FieldType::IdNumber, "id_number");
  ref("child_age_class_field", pol.child_age_class_field, FieldType::ClassPick, "class_pick");
  ref("sensitive_consent_field", pol.sensitive_consent_field, FieldType::Consent, "consent");
  ref("birth_year_field", pol.birth_year_field, FieldType::Number, "number");
  if (const Field* g = ref("gender_field", pol.gender_field, FieldType::SingleChoice, "single_choice")) {
    bool m = false, f = false;
    for (const auto& c : g->choices) m = m || c.id == "m", f = f || c.id == "f";
    if (!m || !f) problem(kServices, at(p, "gender_field"), "field \"" + g->id + "\" needs choices \"m\" and \"f\"");
  }
  if (pol.min_attendance_ratio < 0 || pol.min_attendance_ratio > 1)
    problem(kServices, at(p, "min_attendance_ratio"), "min_attendance_ratio must be between 0 and 1");
  if ((pol.one_per_child_per_period || pol.min_attendance_ratio > 0) &&
      (pol.child_id_field.empty() || pol.child_age_class_field.empty()))
    problem(kServices, at(p, "child_id_field"),
            "one_per_child_per_period and min_attendance_ratio need child_id_field and child_age_class_field");
  if (pol.one_per_member_per_event) {
    bool has_event = false;
    for (const auto& f : s.fields) has_event = has_event || f.type == FieldType::EventPick;
    if (!has_event) problem(kServices, at(p, "one_per_member_per_event"), "the service has no event_pick field");
    if (!pol.members_only)
      problem(kServices, at(p, "one_per_member_per_event"), "one signup per member needs members_only");
  }
}

void Checker::service(const Service& s, const std::string& p, const ContentBundle&) {
  text(kServices, at(p, "name"), s.name);
  text(kServices, at(p, "summary"), s.summary);
  text(kServices, at(p, "next_steps"), s.next_steps);
  std::set<std::string> field_ids;
  for (size_t i = 0; i < s.fields.size(); ++i) {
    const std::string fp = idx(at(p, "fields"), i);
    id(kServices, fp, s.fields[i].id, field_ids);
    field(s, s.fields[i], fp);
  }
  if (s.fields.empty()) problem(kServices, at(p, "fields"), "a service needs fields");
  if (s.pages.empty()) problem(kServices, at(p, "pages"), "a service needs pages");
  std::set<std::string> page_ids;
  std::map<std::string, std::string> placed;  // field id -> page path
  for (size_t i = 0; i < s.pages.size(); ++i) {
    const Page& pg = s.pages[i];
    const std::string pp = idx(at(p, "pages"), i);
    id(kServices, pp, pg.id, page_ids);
    text(kServices, at(pp, "title"), pg.title);
    text(kServices, at(pp, "intro"), pg.intro, false);
    if (pg.fields.empty()) problem(kServices, at(pp, "fields"), "a page needs at least one field");
    for (size_t k = 0; k < pg.fields.size(); ++k) {
      const std::string fp = idx(at(pp, "fields"), k);
      if (!s.field(pg.fields[k]))
        problem(kServices, fp, "no field \"" + pg.fields[k] + "\" in this service");
      else if (auto [it, fresh] = placed.emplace(pg.fields[k], pp); !fresh)
        problem(kServices, fp, "field \"" + pg.fields[k] + "\" is already on " + it->second);
    }
  }
  for (size_t i = 0; i < s.fields.size(); ++i)
    if (!s.fields[i].id.empty() && !placed.count(s.fields[i].id))
      problem(kServices, at(idx(at(p, "fields"), i), "id"),
              "field \"" + s.fields[i].id + "\" is on no page");
  policy(s, p);
}

}  // namespace content_detail

using namespace content_detail;

std::vector<ContentProblem> check_content(const ContentBundle& b) {
  std::vector<ContentProblem> out;
  Checker c(out);
  if (b.version.empty()) c.problem("manifest.json", "version", "missing");
  c.date("manifest.json", "published", b.published, false);

  if (b.services.empty()) c.problem(kServices, "services", "the bundle has no services");
  std::set<std::string> service_ids, prefixes;
  for (size_t i = 0; i < b.services.size(); ++i) {
    const Service& s = b.services[i];
    const std::string p = idx("services", i);
    c.id(kServices, p, s.id, service_ids);
    const auto& tp = s.ticket_prefix;
    const bool prefix_ok = !tp.empty() && tp.size() <= 2 &&
                           std::all_of(tp.begin(), tp.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
    if (!prefix_ok)
      c.problem(kServices, at(p, "ticket_prefix"), "ticket_prefix \"" + tp + "\" must be 1-2 capital letters");
    else if (!prefixes.insert(tp).second)
      c.problem(kServices, at(p, "ticket_prefix"), "ticket_prefix \"" + tp + "\" is used by another service");
    c.service(s, p, b);
  }

  check_schedules(c, b);

  std::set<std::string> slot_ids;
  for (size_t i = 0; i < b.slots.size(); ++i) {
    const auto& s = b.slots[i];
    const std::string p = idx("slots", i);
    c.id("slots.json", p, s.id, slot_ids);
    c.date("slots.json", at(p, "date"), s.date);
    if (!valid_time(s.start)) c.problem("slots.json", at(p, "start"), "start must be HH:MM");
    if (!valid_time(s.end)) c.problem("slots.json", at(p, "end"), "end must be HH:MM");
    if (valid_time(s.start) && valid_time(s.end) && s.start >= s.end)
      c.problem("slots.json", at(p, "end"), "end must be after start");
    c.text("slots.json", at(p, "counsellor"), s.counsellor);
    c.text("slots.json", at(p, "venue"), s.venue);
    c.capacity("slots.json", p, s.capacity, s.booked);
  }

  std::set<std::string> event_ids;
  for (size_t i = 0; i < b.events.size(); ++i) {
    const auto& e = b.events[i];
    const std::string p = idx("events", i);
    c.id("events.json", p, e.id, event_ids);
    c.text("events.json", at(p, "title"), e.title);
    c.date("events.json", at(p, "date"), e.date);
    if (!valid_time(e.start)) c.problem("events.json", at(p, "start"), "start must be HH:MM");
    c.text("events.json", at(p, "venue"), e.venue);
    c.capacity("events.json", p, e.capacity, e.booked);
    c.ages("events.json", p, e.min_age, e.max_age);
    if (e.booked_m < 0) c.problem("events.json", at(p, "booked_m"), "booked_m must not be negative");
    if (e.booked_f < 0) c.problem("events.json", at(p, "booked_f"), "booked_f must not be negative");
    if (e.gender_balanced && (e.capacity < 2 || e.capacity % 2 != 0))
      c.problem("events.json", at(p, "capacity"), "a gender-balanced event needs an even capacity");
  }

  std::set<std::string> period_ids;
  for (size_t i = 0; i < b.periods.size(); ++i) {
    const auto& per = b.periods[i];
    const std::string p = idx("periods", i);
    c.id("childcare.json", p, per.id, period_ids);
    c.text("childcare.json", at(p, "name"), per.name);
    auto s = c.date("childcare.json", at(p, "start"), per.start);
    auto e = c.date("childcare.json", at(p, "end"), per.end);
    auto o = c.date("childcare.json", at(p, "signup_opens"), per.signup_opens);
    auto cl = c.date("childcare.json", at(p, "signup_closes"), per.signup_closes);
    if (s && e && *s > *e) c.problem("childcare.json", at(p, "end"), "end is before start");
    if (o && cl && *o > *cl) c.problem("childcare.json", at(p, "signup_closes"), "signup_closes is before signup_opens");
    if (cl && e && *cl > *e) c.problem("childcare.json", at(p, "signup_closes"), "signup_closes is after the period ends");
  }
  for (size_t i = 0; i < b.periods.size(); ++i) {
    const auto& prev = b.periods[i].previous_period;
    const std::string p = at(idx("periods", i), "previous_period");
    if (prev.empty()) continue;
    if (!b.period(prev) && !period_rule_makes(b.schedules, prev))
      c.problem("childcare.json", p, "no period \"" + prev + "\"");
    else if (prev == b.periods[i].id)
      c.problem("childcare.json", p, "a period cannot follow itself");
  }
  std::set<std::string> class_ids;
  for (size_t i = 0; i < b.classes.size(); ++i) {
    const auto& k = b.classes[i];
    const std::string p = idx("classes", i);
    c.id("childcare.json", p, k.id, class_ids);
    if (!b.period(k.period) && !period_rule_makes(b.schedules, k.period)) c.problem("childcare.json", at(p, "period"), "no period \"" + k.period + "\"");
    c.text("childcare.json", at(p, "name"), k.name);
    c.text("childcare.json", at(p, "venue"), k.venue);
    c.capacity("childcare.json", p, k.capacity, k.booked);
    c.ages("childcare.json", p, k.min_age, k.max_age);
  }

  for (size_t i = 0; i < b.attendance.size(); ++i) {
    const auto& a = b.attendance[i];
    const std::string p = idx("attendance", i);
    const bool hex = a.child_id_sha256.size() == 64 &&
                     std::all_of(a.child_id_sha256.begin(), a.child_id_sha256.end(),
                                 [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)); });
    if (!hex) c.problem("attendance.json", at(p, "child_id_sha256"), "must be 64 hex digits (the keyed hash of the ID number: union-hub attendance hash)");
    if (!b.period(a.period) && !period_rule_makes(b.schedules, a.period)) c.problem("attendance.json", at(p, "period"), "no period \"" + a.period + "\"");
    if (a.days_total <= 0) c.problem("attendance.json", at(p, "days_total"), "days_total must be greater than 0");
    if (a.days_attended < 0 || a.days_attended > a.days_total)
      c.problem("attendance.json", at(p, "days_attended"), "days_attended must be between 0 and days_total");
  }

  std::set<std::string> notice_ids;
  for (size_t i = 0; i < b.notices.size(); ++i) {
    const auto& n = b.notices[i];
    const std::string p = idx("notices", i);
    c.id("notices.json", p, n.id, notice_ids);
    c.text("notices.json", at(p, "title"), n.title);
    c.text("notices.json", at(p, "body"), n.body);
    auto f = c.date("notices.json", at(p, "from"), n.from, false);
    auto u = c.date("notices.json", at(p, "until"), n.until, false);
    if (f && u && *f > *u) c.problem("notices.json", at(p, "until"), "until is before from");
  }

  std::set<std::string> kids;
  for (size_t i = 0; i < b.trusted_keys.size(); ++i) {
    const auto& k = b.trusted_keys[i];
    const std::string p = idx("trusted_keys", i);
    if (k.kid.empty() || k.kid.size() > 64)
      c.problem("card_keys.json", at(p, "kid"), "kid must be 1-64 characters");
    else if (!kids.insert(k.kid).second)
      c.problem("card_keys.json", at(p, "kid"), "duplicate kid \"" + k.kid + "\"");
    auto raw = base64url_decode(k.public_key_b64url);
    if (!raw || raw->size() != 32)
      c.problem("card_keys.json", at(p, "public_key"), "must be a 32-byte Ed25519 key in base64url without padding");
  }
  for (size_t i = 0; i < b.revoked_members.size(); ++i)
    if (!valid_member_number(b.revoked_members[i]))
      c.problem("card_keys.json", idx("revoked_members", i),
                "\"" + b.revoked_members[i] + "\" is not a member number (6-32 of 0-9, A-Z, -)");
  return out;
}

}  // namespace kiosk
