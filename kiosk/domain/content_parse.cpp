// Content bundle JSON -> ContentBundle. Each value is read with its JSON path
// so a wrong type names the file and the field; nothing here throws.
#include <nlohmann/json.hpp>

#include "kiosk/domain/content.hpp"
#include "kiosk/base/json_limited.hpp"
#include "kiosk/domain/content_reader.hpp"

namespace kiosk {
namespace {

using nlohmann::json;
using content_detail::Reader;
using content_detail::join;

Field read_field(Reader& r, const json& j, const std::string& p) {
  Field f;
  if (!r.object(j, p, {"id", "type", "label", "hint", "required", "min_length", "max_length", "min",
                       "max", "integer", "choices", "show_if", "sensitive", "prefill", "keyboard",
                       "date_not_before", "date_not_after"}))
    return f;
  f.id = r.str(j, "id", p, true);
  const std::string type = r.str(j, "type", p, true);
  if (auto t = parse_field_type(type))
    f.type = *t;
  else if (!type.empty())
    r.problem(join(p, "type"), "unknown field type \"" + type + "\"");
  f.label = r.text(j, "label", p, true);
  f.hint = r.text(j, "hint", p, false);
  f.required = r.boolean(j, "required", p);
  f.min_length = r.integer(j, "min_length", p, false);
  f.max_length = r.integer(j, "max_length", p, false);
  f.min = r.number(j, "min", p);
  f.max = r.number(j, "max", p);
  f.integer = r.boolean(j, "integer", p);
  r.array(j, "choices", p, false, [&](const json& c, const std::string& cp) {
    Choice choice;
    if (r.object(c, cp, {"id", "label"})) {
      choice.id = r.str(c, "id", cp, true);
      choice.label = r.text(c, "label", cp, true);
    }
    f.choices.push_back(std::move(choice));
  });
  if (const json* s = r.member(j, "show_if", p, false)) {
    const std::string sp = join(p, "show_if");
    if (r.object(*s, sp, {"field", "any_of"})) {
      ShowIf si;
      si.field = r.str(*s, "field", sp, true);
      si.any_of = r.strings(*s, "any_of", sp, true);
      f.show_if = std::move(si);
    }
  }
  f.sensitive = r.boolean(j, "sensitive", p);
  f.prefill = r.str(j, "prefill", p, false);
  f.keyboard = r.str(j, "keyboard", p, false);
  if (j.contains("date_not_before")) f.date_not_before = r.str(j, "date_not_before", p, true);
  if (j.contains("date_not_after")) f.date_not_after = r.str(j, "date_not_after", p, true);
  return f;
}

ServicePolicy read_policy(Reader& r, const json& obj, const std::string& path) {
  ServicePolicy pol;
  const json* j = r.member(obj, "policy", path, false);
  if (!j) return pol;
  const std::string p = join(path, "policy");
  if (!r.object(*j, p, {"members_only", "one_per_member_per_event", "one_per_child_per_period",
                        "min_attendance_ratio", "child_id_field", "child_age_class_field",
                        "sensitive_consent_field", "gender_field", "birth_year_field"}))
    return pol;
  pol.members_only = r.boolean(*j, "members_only", p);
  pol.one_per_member_per_event = r.boolean(*j, "one_per_member_per_event", p);
  pol.one_per_child_per_period = r.boolean(*j, "one_per_child_per_period", p);
  pol.min_attendance_ratio = r.number(*j, "min_attendance_ratio", p).value_or(0.0);
  pol.child_id_field = r.str(*j, "child_id_field", p, false);
  pol.child_age_class_field = r.str(*j, "child_age_class_field", p, false);
  pol.sensitive_consent_field = r.str(*j, "sensitive_consent_field", p, false);
  pol.gender_field = r.str(*j, "gender_field", p, false);
  pol.birth_year_field = r.str(*j, "birth_year_field", p, false);
  return pol;
}

void read_services(Reader& r, const json& root, ContentBundle& b) {
  if (!r.object(root, "", {"services"})) return;
  r.array(root, "services", "", true, [&](const json& j, const std::string& p) {
    Service s;
    if (r.object(j, p, {"id", "ticket_prefix", "name", "summary", "next_steps", "icon", "policy",
                        "fields", "pages"})) {
      s.id = r.str(j, "id", p, true);
      s.ticket_prefix = r.str(j, "ticket_prefix", p, true);
      s.name = r.text(j, "name", p, true);
      s.summary = r.text(j, "summary", p, true);
      s.next_steps = r.text(j, "next_steps", p, true);
      s.icon = r.str(j, "icon", p, false);
      s.policy = read_policy(r, j, p);
      r.array(j, "fields", p, true,
              [&](const json& f, const std::string& fp) { s.fields.push_back(read_field(r, f, fp)); });
      r.array(j, "pages", p, true, [&](const json& pg, const std::string& pp) {
        Page page;
        if (r.object(pg, pp, {"id", "title", "intro", "fields"})) {
          page.id = r.str(pg, "id", pp, true);
          page.title = r.text(pg, "title", pp, true);
          page.intro = r.text(pg, "intro", pp, false);
          page.fields = r.strings(pg, "fields", pp, true);
        }
        s.pages.push_back(std::move(page));
      });
    }
    b.services.push_back(std::move(s));
  });
}

void read_slots(Reader& r, const json& root, ContentBundle& b) {
  if (!r.object(root, "", {"slots", "rules", "closed"})) return;
  content_detail::read_slot_rules(r, root, b.schedules);
  r.array(root, "slots", "", !root.contains("rules"), [&](const json& j, const std::string& p) {
    DutySlot s;
    if (r.object(j, p, {"id", "date", "start", "end", "counsellor", "venue", "capacity", "booked"})) {
      s.id = r.str(j, "id", p, true);
      s.date = r.str(j, "date", p, true);
      s.start = r.str(j, "start", p, true);
      s.end = r.str(j, "end", p, true);
      s.counsellor = r.text(j, "counsellor", p, true);
      s.venue = r.text(j, "venue", p, true);
      s.capacity = r.integer(j, "capacity", p, true).value_or(0);
      s.booked = r.integer(j, "booked", p, false).value_or(0);
    }
    b.slots.push_back(std::move(s));
  });
}

void read_events(Reader& r, const json& root, ContentBundle& b) {
  if (!r.object(root, "", {"events", "rules"})) return;
  content_detail::read_event_rules(r, root, b.schedules);
  r.array(root, "events", "", !root.contains("rules"), [&](const json& j, const std::string& p) {
    MixerEvent e;
    if (r.object(j, p, {"id", "title", "date", "start", "venue", "capacity", "booked", "min_age",
                        "max_age", "gender_balanced", "booked_m", "booked_f"})) {
      e.id = r.str(j, "id", p, true);
      e.title = r.text(j, "title", p, true);
      e.date = r.str(j, "date", p, true);
      e.start = r.str(j, "start", p, true);
      e.venue = r.text(j, "venue", p, true);
      e.capacity = r.integer(j, "capacity", p, true).value_or(0);
      e.booked = r.integer(j, "booked", p, false).value_or(0);
      e.min_age = r.integer(j, "min_age", p, true).value_or(0);
      e.max_age = r.integer(j, "max_age", p, true).value_or(0);
      e.gender_balanced = r.boolean(j, "gender_balanced", p);
      e.booked_m = r.integer(j, "booked_m", p, false).value_or(0);
      e.booked_f = r.integer(j, "booked_f", p, false).value_or(0);
    }
    b.events.push_back(std::move(e));
  });
}

void read_childcare(Reader& r, const json& root, ContentBundle& b) {
  if (!r.object(root, "", {"periods", "classes", "period_rules"})) return;
  content_detail::read_period_rules(r, root, b.schedules);
  const bool ruled = root.contains("period_rules");
  r.array(root, "periods", "", !ruled, [&](const json& j, const std::string& p) {
    ChildcarePeriod per;
    if (r.object(j, p, {"id", "name", "start", "end", "signup_opens", "signup_closes",
                        "previous_period"})) {
      per.id = r.str(j, "id", p, true);
      per.name = r.text(j, "name", p, true);
      per.start = r.str(j, "start", p, true);
      per.end = r.str(j, "end", p, true);
      per.signup_opens = r.str(j, "signup_opens", p, true);
      per.signup_closes = r.str(j, "signup_closes", p, true);
      per.previous_period = r.str(j, "previous_period", p, false);
    }
    b.periods.push_back(std::move(per));
  });
  r.array(root, "classes", "", !ruled, [&](const json& j, const std::string& p) {
    ChildcareClass c;
    if (r.object(j, p, {"id", "period", "name", "venue", "capacity", "booked", "min_age",
                        "max_age"})) {
      c.id = r.str(j, "id", p, true);
      c.period = r.str(j, "period", p, true);
      c.name = r.text(j, "name", p, true);
      c.venue = r.text(j, "venue", p, true);
      c.capacity = r.integer(j, "capacity", p, true).value_or(0);
      c.booked = r.integer(j, "booked", p, false).value_or(0);
      c.min_age = r.integer(j, "min_age", p, true).value_or(0);
      c.max_age = r.integer(j, "max_age", p, true).value_or(0);
    }
    b.classes.push_back(std::move(c));
  });
}

void read_attendance(Reader& r, const json& root, ContentBundle& b) {
  if (!r.object(root, "", {"attendance"})) return;
  r.array(root, "attendance", "", true, [&](const json& j, const std::string& p) {
    Attendance a;
    if (r.object(j, p, {"child_id_sha256", "period", "days_attended", "days_total"})) {
      a.child_id_sha256 = r.str(j, "child_id_sha256", p, true);
      for (char& c : a.child_id_sha256)
        if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');  // sha256_hex is uppercase
      a.period = r.str(j, "period", p, true);
      a.days_attended = r.integer(j, "days_attended", p, true).value_or(0);
      a.days_total = r.integer(j, "days_total", p, true).value_or(0);
    }
    b.attendance.push_back(std::move(a));
  });
}

void read_notices(Reader& r, const json& root, ContentBundle& b) {
  if (!r.object(root, "", {"notices"})) return;
  r.array(root, "notices", "", true, [&](const json& j, const std::string& p) {
    Notice n;
    if (r.object(j, p, {"id", "title", "body", "from", "until"})) {
      n.id = r.str(j, "id", p, true);
      n.title = r.text(j, "title", p, true);
      n.body = r.text(j, "body", p, true);
      n.from = r.str(j, "from", p, false);
      n.until = r.str(j, "until", p, false);
    }
    b.notices.push_back(std::move(n));
  });
}

void read_card_keys(Reader& r, const json& root, ContentBundle& b) {
  if (!r.object(root, "", {"trusted_keys", "revoked_members"})) return;
  r.array(root, "trusted_keys", "", true, [&](const json& j, const std::string& p) {
    TrustedKey k;
    if (r.object(j, p, {"kid", "public_key", "demo"})) {
      k.kid = r.str(j, "kid", p, true);
      k.public_key_b64url = r.str(j, "public_key", p, true);
      k.demo = r.boolean(j, "demo", p);
    }
    b.trusted_keys.push_back(std::move(k));
  });
  b.revoked_members = r.strings(root, "revoked_members", "", false);
}

struct Manifest {
  std::vector<std::string> files;
};

Manifest read_manifest(Reader& r, const json& root, ContentBundle& b) {
  Manifest m;
  if (!r.object(root, "", {"format", "version", "published", "files"})) return m;
  const auto format = r.integer(root, "format", "", true);
  if (format && *format != 1) r.problem("format", "format " + std::to_string(*format) + " is not supported (this kiosk reads format 1)");
  b.version = r.str(root, "version", "", true);
  b.published = r.str(root, "published", "", false);
  m.files = r.strings(root, "files", "", true);
  return m;
}

}  // namespace

ContentLoad load_content(const ContentFiles& files) {
  ContentLoad out;
  try {
    ContentBundle b;
    using ReadFn = void (*)(Reader&, const json&, ContentBundle&);
    static const std::pair<const char*, ReadFn> kReaders[] = {
        {"services.json", read_services},   {"slots.json", read_slots},
        {"events.json", read_events},       {"childcare.json", read_childcare},
        {"attendance.json", read_attendance}, {"notices.json", read_notices},
        {"card_keys.json", read_card_keys},
    };
    auto parse = [&](const std::string& name, const std::string& text) -> std::optional<json> {
      // Limits held while parsing: a bundle file nested 100,000 deep is refused, not built.
      JsonParse p = parse_json_limited(text, JsonLimits{32, 64u << 20, false});
      if (!p.value) {
        out.problems.push_back({name, "", p.refusal == JsonRefusal::TooDeep ? "nested too deep"
                                          : p.refusal == JsonRefusal::TooLarge ? "too large"
                                                                               : "not valid JSON"});
        return std::nullopt;
      }
      return std::move(p.value);
    };

    const auto manifest_it = files.find("manifest.json");
    if (manifest_it == files.end()) {
      out.problems.push_back({"manifest.json", "", "file missing"});
      return out;
    }
    Manifest manifest;
    if (auto j = parse("manifest.json", manifest_it->second)) {
      Reader r("manifest.json", out.problems);
      manifest = read_manifest(r, *j, b);
    }
    // The manifest lists the bundle's files: a listed file that is absent, or
    // a file that is not listed, means the bundle arrived incomplete or mixed.
    for (size_t i = 0; i < manifest.files.size(); ++i) {
      const auto& name = manifest.files[i];
      bool known = false;
      for (const auto& [n, fn] : kReaders) known = known || name == n;
      if (!known)
        out.problems.push_back({"manifest.json", "files[" + std::to_string(i) + "]", "unknown file \"" + name + "\""});
      else if (!files.count(name))
        out.problems.push_back({name, "", "file missing (listed in manifest.json)"});
    }
    for (const auto& [name, text] : files) {
      if (name == "manifest.json") continue;
      bool listed = false;
      for (const auto& f : manifest.files) listed = listed || f == name;
      if (!listed) out.problems.push_back({name, "", "file not listed in manifest.json files"});
    }
    for (const auto& [name, fn] : kReaders) {
      auto it = files.find(name);
      if (it == files.end()) {
        bool listed = false;
        for (const auto& f : manifest.files) listed = listed || f == name;
        if (std::string_view(name) == "services.json" && !listed)
          out.problems.push_back({name, "", "file missing"});
        continue;
      }
      if (auto j = parse(name, it->second)) {
        Reader r(name, out.problems);
        fn(r, *j, b);
      }
    }
    if (!out.problems.empty()) return out;
    out.problems = check_content(b);
    if (out.problems.empty()) out.bundle = std::move(b);
  } catch (const std::exception& e) {
    // nlohmann type errors or allocation failure: refuse the bundle, keep running.
    out.problems.push_back({"", "", std::string("content could not be read: ") + e.what()});
    out.bundle.reset();
  }
  return out;
}

}  // namespace kiosk
