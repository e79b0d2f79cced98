// union-kiosk content check | show | status: a bundle checked as the kiosk
// checks it; what the installed content offers on a day, with the places
// left (for technicians, and for scripts that need an id to book); which
// bundle is in use and why. Exit codes: kiosk/base/exit_codes.hpp.
#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "kiosk/base/args.hpp"
#include "kiosk/base/clock.hpp"
#include "kiosk/base/date.hpp"
#include "kiosk/base/exit_codes.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/domain/form.hpp"
#include "kiosk/install/install.hpp"
#include "kiosk/store/store.hpp"

namespace kiosk::cli {
namespace {

using nlohmann::json;

constexpr const char* kContentUsage =
    "  content check DIR\n"
    "      Check a content bundle; prints every problem with its file and field.\n"
    "  content show [--today YYYY-MM-DD] [--json]\n"
    "      The slots, events and classes the installed content offers on that day\n"
    "      (default today, China Standard Time), with the places left.\n"
    "  content status [--json]\n"
    "      The bundle in use, where it came from, its rules, and why a pushed one was refused.";

void print_text(std::ostream& o, const Text& t) { o << t.zh << "\n" << t.en << "\n"; }

int usage(CliEnv& env, const Text& t) {
  Error e;
  e.kind = ErrorKind::Usage;
  e.message = t;
  e.detail = kContentUsage;
  return fail_with(env, e, kExitUsage);
}

int run_check(CliEnv& env, const std::string& dir) {
  ContentLoad l = load_content_dir(dir);
  const bool clean = l.bundle && l.problems.empty();
  if (answers_json(env)) {
    json probs = json::array();
    for (const auto& p : l.problems)
      probs.push_back({{"file", p.file}, {"path", p.path}, {"message", p.message}});
    json j = {{"ok", clean}, {"problems", probs}};
    if (clean) {
      j["version"] = l.bundle->version;
      j["services"] = l.bundle->services.size();
      j["rules"] = {{"slots", l.bundle->schedules.slot_rules.size()},
                    {"closed", l.bundle->schedules.closed.size()},
                    {"events", l.bundle->schedules.event_rules.size()},
                    {"periods", l.bundle->schedules.period_rules.size()}};
    }
    out_of(env) << j.dump(2) << "\n";
    return clean ? kExitOk : kExitRefused;
  }
  std::ostream& out = out_of(env);
  if (clean) {
    const ContentBundle& b = *l.bundle;
    print_text(out, tr("cli.core.content_ok"));
    out << "version " << b.version << ": " << b.services.size() << " services, " << b.slots.size()
        << " slots, " << b.events.size() << " events, " << b.classes.size() << " classes; rules: "
        << b.schedules.slot_rules.size() << " slot, " << b.schedules.closed.size() << " closed, "
        << b.schedules.event_rules.size() << " event, " << b.schedules.period_rules.size() << " period\n";
    return kExitOk;
  }
  const std::string n = std::to_string(l.problems.empty() ? 1 : l.problems.size());
  print_text(out, fill(tr("cli.core.content_bad"), {{"count", n}}));
  for (const auto& p : l.problems) out << "- " << describe(p) << "\n";
  if (l.problems.empty()) out << "- (bundle did not load)\n";
  return kExitRefused;
}

// One thing a worker could pick on the day, and the places it has left.
struct Offer {
  std::string id, kind, date, time, rule;
  Text title, detail;
  int capacity = 0, booked = 0, left = 0;
  int left_m = -1, left_f = -1;  // gender-balanced events: each half
  int min_age = -1, max_age = -1; // events and classes
  std::string opens;             // classes whose signup has not opened yet
};

Offer offer(std::string id, std::string kind, std::string date, std::string time, std::string rule,
            Text title, Text detail, int capacity, int booked) {
  Offer o;
  o.id = std::move(id);
  o.kind = std::move(kind);
  o.date = std::move(date);
  o.time = std::move(time);
  o.rule = std::move(rule);
  o.title = std::move(title);
  o.detail = std::move(detail);
  o.capacity = capacity;
  o.booked = booked;
  return o;
}

int left_of(const RequestStore* store, const std::string& key, int capacity, int booked) {
  const int local = store ? store->local_bookings(key) : 0;
  return std::max(0, capacity - booked - local);
}

std::vector<Offer> offers(const Service& s, const ContentBundle& b, const std::string& day,
                          const RequestStore* store) {
  std::vector<Offer> out;
  for (const Field& f : s.fields) {
    if (f.type == FieldType::SlotPick) {
      for (const DutySlot& d : b.slots) {
        if (d.date < day) continue;
        Offer o = offer(d.id, "slot", d.date, d.start + "-" + d.end, d.rule, d.counsellor, d.venue, d.capacity, d.booked);
        o.left = left_of(store, place_key(f.type, d.id), d.capacity, d.booked);
        out.push_back(std::move(o));
      }
    } else if (f.type == FieldType::EventPick) {
      for (const MixerEvent& e : b.events) {
        if (e.date < day) continue;
        Offer o = offer(e.id, "event", e.date, e.start, e.rule, e.title, e.venue, e.capacity, e.booked);
        o.left = left_of(store, place_key(f.type, e.id), e.capacity, e.booked);
        o.min_age = e.min_age;
        o.max_age = e.max_age;
        if (e.gender_balanced) {
          o.left_m = left_of(store, gender_place_key(e.id, "m"), e.capacity / 2, e.booked_m);
          o.left_f = left_of(store, gender_place_key(e.id, "f"), e.capacity / 2, e.booked_f);
        }
        out.push_back(std::move(o));
      }
    } else if (f.type == FieldType::ClassPick) {
      for (const ChildcareClass& k : b.classes) {
        const ChildcarePeriod* p = b.period(k.period);
        if (!p || p->signup_closes < day) continue;
        Offer o = offer(k.id, "class", p->start, p->start + " - " + p->end, k.rule, p->name, k.name,
                        k.capacity, k.booked);
        o.left = left_of(store, place_key(f.type, k.id), k.capacity, k.booked);
        if (p->signup_opens > day) o.opens = p->signup_opens;
        o.min_age = k.min_age;
        o.max_age = k.max_age;
        out.push_back(std::move(o));
      }
    }
  }
  return out;
}

int run_show(CliEnv& env, const Args& a) {
  const int64_t now_ms = env.clock ? env.clock() : unix_now_ms();
  Date day = Date::from_unix(now_ms / 1000);
  if (a.has("--today")) {
    auto d = Date::parse(a.get("--today"));
    if (!d) return usage(env, fill(tr("cli.content.bad_day"), {{"day", a.get("--today")}}));
    day = *d;
  }
  auto install = Install::open(env.data_dir, env.clock);
  if (!install.ok()) return fail_with(env, install.error(), kExitCannotWork);
  auto content = install->active_content();
  if (!content.ok()) return fail_with(env, content.error(), kExitCannotWork);
  const ContentBundle b = expand_schedules(content->bundle, day);
  // This kiosk's own bookings count too; no store yet means none.
  auto store = install->open_store(false);
  const RequestStore* st = store.ok() ? store->get() : nullptr;

  const bool as_json = answers_json(env);
  std::ostream& out = out_of(env);
  json services = json::array();
  if (!as_json)
    print_text(out, trf("cli.content.show_head", {{"day", plain(day.iso())},
                                                  {"version", plain(b.version)},
                                                  {"source", plain(content->source)}}));
  for (const Service& s : b.services) {
    const std::vector<Offer> list = offers(s, b, day.iso(), st);
    if (as_json) {
      json items = json::array();
      for (const Offer& o : list) {
        json j = {{"id", o.id}, {"kind", o.kind}, {"date", o.date}, {"time", o.time},
                  {"title", {{"zh", o.title.zh}, {"en", o.title.en}}},
                  {"detail", {{"zh", o.detail.zh}, {"en", o.detail.en}}},
                  {"capacity", o.capacity}, {"booked", o.booked}, {"places_left", o.left},
                  {"from_rule", !o.rule.empty()}};
        if (o.left_m >= 0) j["places_left_by_gender"] = {{"m", o.left_m}, {"f", o.left_f}};
        if (!o.opens.empty()) j["signup_opens"] = o.opens;
        if (o.min_age >= 0) {
          j["min_age"] = o.min_age;
          j["max_age"] = o.max_age;
        }
        items.push_back(std::move(j));
      }
      services.push_back({{"id", s.id}, {"name", {{"zh", s.name.zh}, {"en", s.name.en}}}, {"offers", items}});
      continue;
    }
    out << "\n" << s.id << "  " << s.name.zh << " / " << s.name.en << "\n";
    if (list.empty()) {
      bool picks = false;
      for (const Field& f : s.fields)
        picks = picks || f.type == FieldType::SlotPick || f.type == FieldType::EventPick ||
                f.type == FieldType::ClassPick;
      if (picks) print_text(out, tr("cli.content.none"));
      continue;
    }
    for (const Offer& o : list) {
      out << "  " << o.id << "  " << o.date << "  " << o.time << "  " << o.title.zh << "  "
          << fill(tr("cli.content.places").zh, {{"left", std::to_string(o.left)},
                                                {"capacity", std::to_string(o.capacity)}});
      if (o.left_m >= 0) out << " (m " << o.left_m << ", f " << o.left_f << ")";
      if (!o.opens.empty()) out << "  " << fill(tr("cli.content.opens").zh, {{"day", o.opens}});
      out << "\n";
    }
  }
  if (as_json)
    out << json{{"ok", true}, {"day", day.iso()}, {"version", b.version}, {"source", content->source},
                {"services", services}}
               .dump(2)
        << "\n";
  return kExitOk;
}

int run_status(CliEnv& env) {
  auto install = Install::open(env.data_dir, env.clock);
  if (!install.ok()) return fail_with(env, install.error(), kExitCannotWork);
  auto content = install->active_content();
  if (!content.ok()) return fail_with(env, content.error(), kExitCannotWork);
  const ContentBundle& b = content->bundle;
  if (answers_json(env)) {
    json rejected = json::array();
    for (const auto& p : content->rejected)
      rejected.push_back({{"file", p.file}, {"path", p.path}, {"message", p.message}});
    out_of(env) << json{{"ok", true}, {"version", b.version}, {"published", b.published},
                        {"source", content->source}, {"rejected", rejected},
                        {"rules", {{"slots", b.schedules.slot_rules.size()},
                                   {"events", b.schedules.event_rules.size()},
                                   {"periods", b.schedules.period_rules.size()}}}}
                       .dump(2)
                << "\n";
    return kExitOk;
  }
  std::ostream& out = out_of(env);
  print_text(out, trf("cli.content.status", {{"version", plain(b.version)},
                                             {"published", plain(b.published.empty() ? "-" : b.published)},
                                             {"source", plain(content->source)}}));
  if (!content->rejected.empty()) {
    print_text(out, fill(tr("cli.core.content_bad"), {{"count", std::to_string(content->rejected.size())}}));
    for (const auto& p : content->rejected) out << "- " << describe(p) << "\n";
  }
  return kExitOk;
}

int run_content(CliEnv& env) {
  Args a(env.args, {"--today"}, {"--json"});
  if (!a.bad.empty()) return usage(env, fill(tr("cli.core.bad_option"), {{"option", a.bad}}));
  const std::string verb = a.words.empty() ? "" : a.words[0];
  if (verb == "check") {
    if (a.words.size() != 2) return usage(env, fill(tr("cli.core.missing_option"), {{"option", "DIR"}}));
    return run_check(env, a.words[1]);
  }
  if (verb == "show" && a.words.size() == 1) return run_show(env, a);
  if (verb == "status" && a.words.size() == 1) return run_status(env);
  return usage(env, fill(tr("cli.core.missing_option"), {{"option", "check|show|status"}}));
}

}  // namespace

void register_content_commands(CommandTable& t) {
  t.add({"content", kContentUsage, [](CliEnv& env) {
           if (log::min_level() < log::Level::Warn) log::set_min_level(log::Level::Warn);
           return run_content(env);
         }});
}

}  // namespace kiosk::cli
