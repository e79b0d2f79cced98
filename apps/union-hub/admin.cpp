#include "apps/union-hub/admin.hpp"

#include <ctime>
#include <optional>
#include <ostream>

#include <nlohmann/json.hpp>

#include "kiosk/base/clock.hpp"
#include "kiosk/base/exit_codes.hpp"
#include "kiosk/base/failure_output.hpp"
#include "kiosk/base/json_limited.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/base/utf8.hpp"

namespace kiosk::hubcli {

using nlohmann::json;

namespace {

// Text a kiosk (or whoever holds its token) wrote reaches the admin's
// terminal escaped: no control character, so no escape sequence.
std::string shown(const std::string& s) { return log::escape_control(s); }

std::string fmt_time(int64_t ms) {
  if (ms <= 0) return "-";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

int exit_for(const Error& e) {
  switch (e.kind) {
    case ErrorKind::NotFound:
    case ErrorKind::BadField:
      return kExitRefused;
    case ErrorKind::StoreBusy:
    case ErrorKind::Busy:
      return kExitRetryLater;
    default:
      return kExitCannotWork;
  }
}

int fail(Out& o, const Error& e) { return print_failure(o.out, o.err, o.json, e, exit_for(e)); }


json heartbeat_of(const std::string& stored) {
  JsonLimits lim;
  lim.max_depth = 2;
  lim.max_bytes = 64 << 10;
  JsonParse p = parse_json_limited(stored, lim);
  return p.value && p.value->is_object() ? *p.value : json(nullptr);
}

std::string hb_text(const json& hb, const char* key) {
  auto it = hb.find(key);
  return it != hb.end() && it->is_string() ? shown(it->get<std::string>()) : std::string();
}

int64_t hb_number(const json& hb, const char* key) {
  auto it = hb.find(key);
  return it != hb.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// The request named by ID (and --kiosk, when two kiosks hold that id).
Expected<hub::HubRequest> one_request(const Args& a, hub::HubDb& db, const std::string& id) {
  if (a.has("--kiosk")) {
    auto k = parse_number(a.get("--kiosk"), 1, INT64_MAX / 2);
    if (!k) return Error{ErrorKind::Usage, tr("hub.cli.bad_number"), "--kiosk", "not a kiosk id"};
    auto r = db.find_request(*k, id);
    if (!r) return Error{ErrorKind::NotFound, tr("sync.hub.request_not_found"), "", "no such request"};
    return *r;
  }
  auto rs = db.find_requests(id);
  if (!rs) return rs.error();
  if (rs->empty()) return Error{ErrorKind::NotFound, tr("sync.hub.request_not_found"), "", "no such request"};
  if (rs->size() > 1)
    return Error{ErrorKind::BadField, tr("hub.request_ambiguous"), "--kiosk",
                 std::to_string(rs->size()) + " kiosks hold this id"};
  return rs->front();
}

json request_json(const hub::HubRequest& r, bool with_body) {
  json j{{"id", r.id}, {"kiosk_id", std::to_string(r.kiosk_id)}, {"kiosk_seq", r.kiosk_seq},
         {"ticket", r.ticket}, {"service_id", r.service_id},
         {"content_version", r.content_version}, {"created_at_ms", r.created_at_ms},
         {"received_at_ms", r.received_at_ms}, {"state", r.state},
         {"staff_note", r.staff_note}, {"handled_at_ms", r.handled_at_ms},
         {"out_of_order", r.out_of_order}};
  if (with_body) {
    JsonParse p = parse_json_limited(r.body, JsonLimits{});
    const json b = p.value ? *p.value : json(nullptr);
    j["answers"] = b.is_object() ? b.value("answers", json::object()) : json::object();
  }
  return j;
}

// JSON for a terminal: nlohmann escapes controls below 0x20; DEL too.
std::string shown_json(const json& j, int indent) {
  std::string s = j.dump(indent, ' ', false, json::error_handler_t::replace);
  std::string out;
  for (char c : s) {
    if (c == 0x7f) out += "\\u007f";
    else out += c;
  }
  return out;
}

}  // namespace

int usage_error(Out& o, const std::string& what) {
  return print_failure(o.out, o.err, o.json,
                            Error{ErrorKind::Usage, tr("hub.cli.usage"), "", what}, kExitUsage);
}

int kiosk_command(const std::string& sub, const Args& a, hub::HubDb& db, Out& o) {
  if (sub == "add") {
    std::string name = a.get("--name");
    if (name.empty() && !a.words.empty()) name = a.words[0];
    if (name.empty() || a.words.size() > 1) return usage_error(o, "kiosk add --name NAME");
    auto hours = parse_number(a.get("--valid-hours", "168"), 1, 24 * 366);
    if (!hours) return usage_error(o, "--valid-hours");
    auto c = db.add_kiosk(name, unix_now_ms(), *hours * 3600 * 1000);
    if (!c) return fail(o, c.error());
    if (o.json) {
      o.out << json{{"ok", true}, {"kiosk_id", std::to_string(c->kiosk_id)}, {"name", name},
                    {"code", c->code}, {"expires_ms", c->expires_ms}}.dump() << "\n";
    } else {
      const Text t = trf("hub.cli.kiosk_added", {{"id", plain(std::to_string(c->kiosk_id))},
                                                 {"name", plain(shown(name))},
                                                 {"code", plain(c->code)},
                                                 {"until", plain(fmt_time(c->expires_ms))}});
      o.out << t.zh << "\n" << t.en << "\n"
            << "union-kiosk enroll --hub URL --code " << c->code << "\n";
    }
    return kExitOk;
  }
  if (sub == "list") {
    if (!a.words.empty()) return usage_error(o, a.words[0]);
    auto ks = db.list_kiosks();
    if (!ks) return fail(o, ks.error());
    if (o.json) {
      json arr = json::array();
      for (const auto& k : *ks)
        arr.push_back(json{{"kiosk_id", std::to_string(k.id)}, {"name", k.name},
                           {"enrolled_ms", k.enrolled_ms}, {"revoked_ms", k.revoked_ms},
                           {"last_seen_ms", k.last_seen_ms},
                           {"last_heartbeat_ms", k.last_heartbeat_ms},
                           {"heartbeat", heartbeat_of(k.heartbeat_json)},
                           {"requests", k.requests}});
      o.out << shown_json(arr, -1) << "\n";
      return kExitOk;
    }
    for (const auto& k : *ks) {
      const char* state = k.revoked_ms ? "revoked" : k.enrolled_ms ? "enrolled" : "code issued";
      o.out << k.id << "  " << shown(k.name) << "  [" << state << "]  requests " << k.requests
            << "\n    last heartbeat " << fmt_time(k.last_heartbeat_ms);
      const json hb = heartbeat_of(k.heartbeat_json);
      if (hb.is_object())
        o.out << ": app " << hb_text(hb, "app_version") << ", content "
              << hb_text(hb, "content_version") << ", queue " << hb_number(hb, "queue_depth")
              << " (oldest " << hb_number(hb, "oldest_queued_age_s") << " s), quarantined "
              << hb_number(hb, "quarantined") << ", free disk "
              << hb_number(hb, "free_disk_bytes") / (1024 * 1024) << " MiB, up "
              << hb_number(hb, "uptime_s") << " s, last error \"" << hb_text(hb, "last_sync_error")
              << "\"";
      o.out << "\n";
    }
    return kExitOk;
  }
  if (sub == "revoke") {
    if (a.words.size() != 1) return usage_error(o, "kiosk revoke ID");
    auto id = parse_number(a.words[0], 1, INT64_MAX / 2);
    if (!id) return usage_error(o, "kiosk revoke ID");
    auto st = db.revoke_kiosk(*id, unix_now_ms());
    if (!st) return fail(o, st.error());
    const Text t = trf("hub.cli.kiosk_revoked", {{"id", plain(std::to_string(*id))}});
    if (o.json) o.out << json{{"ok", true}, {"kiosk_id", std::to_string(*id)}}.dump() << "\n";
    else o.out << t.zh << "\n" << t.en << "\n";
    return kExitOk;
  }
  return usage_error(o, "kiosk " + sub);
}

int request_command(const std::string& sub, const Args& a, hub::HubDb& db, Out& o) {
  if (sub == "list") {
    if (!a.words.empty()) return usage_error(o, a.words[0]);
    hub::RequestFilter f;
    if (a.has("--kiosk")) {
      auto k = parse_number(a.get("--kiosk"), 1, INT64_MAX / 2);
      if (!k) return usage_error(o, "--kiosk");
      f.kiosk_id = *k;
    }
    if (a.has("--state")) {
      f.state = a.get("--state");
      if (*f.state != "received" && *f.state != "handled") return usage_error(o, "--state");
    }
    auto limit = parse_number(a.get("--limit", o.json ? "0" : "100"), 0, 1'000'000);
    if (!limit) return usage_error(o, "--limit");
    f.limit = static_cast<int>(*limit);
    auto rs = db.list_requests(f);
    if (!rs) return fail(o, rs.error());
    if (o.json) {
      json arr = json::array();
      for (const auto& r : *rs) arr.push_back(request_json(r, false));
      o.out << shown_json(arr, -1) << "\n";
      return kExitOk;
    }
    for (const auto& r : *rs)
      o.out << shown(r.id) << "  kiosk " << r.kiosk_id << " #" << r.kiosk_seq << "  "
            << shown(r.ticket) << "  " << shown(r.service_id) << "  " << shown(r.state) << "  "
            << fmt_time(r.created_at_ms) << "\n";
    return kExitOk;
  }
  if (sub == "show" || sub == "resolve") {
    if (a.words.size() != 1) return usage_error(o, "request " + sub + " ID");
    auto r = one_request(a, db, a.words[0]);
    if (!r) {
      if (r.error().kind == ErrorKind::Usage) return usage_error(o, r.error().field);
      return fail(o, r.error());
    }
    if (sub == "show" && r->unopenable)
      return fail(o, Error{ErrorKind::StoreDamaged, tr("hub.at_rest.unopenable"), "",
                           "the sealed body does not open with at-rest.key"});
    if (sub == "resolve") {
      const std::string note = a.get("--note");
      const auto chars = utf8_length(note);
      if (!chars || *chars > 200) return usage_error(o, "--note (200 characters at most)");
      auto st = db.resolve_request(r->kiosk_id, r->id, note, unix_now_ms());
      if (!st) return fail(o, st.error());
      auto again = db.find_request(r->kiosk_id, r->id);
      if (again) *r = *again;
    }
    if (o.json) {
      o.out << shown_json(request_json(*r, sub == "show"), -1) << "\n";
    } else if (sub == "show") {
      o.out << shown_json(request_json(*r, true), 2) << "\n";
    } else {
      const Text t = trf("hub.cli.resolved", {{"id", plain(shown(r->id))}, {"ticket", plain(shown(r->ticket))}});
      o.out << t.zh << "\n" << t.en << "\n";
    }
    return kExitOk;
  }
  return usage_error(o, "request " + sub);
}

}  // namespace kiosk::hubcli
