#include "sync/protocol/protocol.hpp"

#include <cctype>
#include <limits>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/json_limited.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/base/utf8.hpp"

namespace kiosk::sync {

using nlohmann::json;

namespace {

Error bad_json(std::string detail) {
  return Error{ErrorKind::BadJson, tr("sync.bad_json"), "", std::move(detail)};
}

Error bad_field(const std::string& field, std::string detail = {}) {
  return Error{ErrorKind::BadField, tr("sync.bad_field"), field, std::move(detail)};
}

// Parses an object body with the nesting and size limits held while
// parsing (a SAX parse): 100,000 nested arrays cost one refusal, not a
// recursive copy that overflows the stack.
Expected<json> parse_object(std::string_view body, int64_t max_bytes = kMaxBodyBytes) {
  JsonLimits limits;
  limits.max_depth = kMaxJsonDepth;
  limits.max_bytes = static_cast<size_t>(max_bytes);
  JsonParse p = parse_json_limited(body, limits);
  if (!p.value) {
    if (p.refusal == JsonRefusal::TooDeep)
      return Error{ErrorKind::TooDeep, tr("sync.too_deep"), "", p.why};
    return bad_json(p.why);
  }
  if (!p.value->is_object()) return bad_json("not a JSON object");
  return std::move(*p.value);
}

// Cuts `s` to at most `max_chars` characters, never inside one.
void cut_chars(std::string& s, int max_chars) {
  int n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (n++ == max_chars) {
      s.resize(i);
      return;
    }
  }
}

bool get_string(const json& j, const char* key, std::string& out, bool required = true) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return !required;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

bool get_int(const json& j, const char* key, int64_t& out, bool required = true) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return !required;
  if (!it->is_number_integer()) return false;
  out = it->get<int64_t>();
  return true;
}

}  // namespace

std::string_view to_string(ItemResult r) {
  switch (r) {
    case ItemResult::Accepted: return "accepted";
    case ItemResult::Duplicate: return "duplicate";
    case ItemResult::Rejected: return "rejected";
  }
  return "rejected";
}

json wire_request_json(const WireRequest& r) {
  json j{{"id", r.id},
         {"ticket", r.ticket},
         {"service_id", r.service_id},
         {"content_version", r.content_version},
         {"created_at_ms", r.created_at_ms}};
  if (!r.answers_sealed.empty())
    j["answers_sealed"] = r.answers_sealed;
  else
    j["answers"] = r.answers;
  return j;
}

std::string to_json(const WireRequest& r) { return wire_request_json(r).dump(); }

std::string to_json(const UploadBatch& b) {
  json arr = json::array();
  for (const auto& r : b.requests) arr.push_back(wire_request_json(r));
  return json{{"kiosk_time_ms", b.kiosk_time_ms}, {"requests", std::move(arr)}}.dump();
}

std::string to_json(const UploadResponse& r) {
  json arr = json::array();
  for (const auto& o : r.results) {
    json item{{"id", o.id}, {"result", std::string(to_string(o.result))}};
    if (o.result == ItemResult::Rejected) item["reason"] = o.reason;
    arr.push_back(std::move(item));
  }
  return json{{"results", std::move(arr)}, {"hub_time_ms", r.hub_time_ms}}.dump();
}

std::string to_json(const StatusPage& p) {
  json arr = json::array();
  for (const auto& c : p.changes)
    arr.push_back(json{{"id", c.id},
                       {"ticket", c.ticket},
                       {"state", c.state},
                       {"staff_note", c.staff_note},
                       {"at_ms", c.at_ms}});
  return json{{"changes", std::move(arr)}, {"cursor", p.cursor}, {"more", p.more}}.dump();
}

std::string to_json(const Heartbeat& h) {
  return json{{"app_version", h.app_version},
              {"content_version", h.content_version},
              {"queue_depth", h.queue_depth},
              {"quarantined", h.quarantined},
              {"oldest_queued_age_s", h.oldest_queued_age_s},
              {"last_sync_error", h.last_sync_error},
              {"free_disk_bytes", h.free_disk_bytes},
              {"uptime_s", h.uptime_s}}
      .dump();
}

std::string to_json(const EnrollRequest& e) {
  return json{{"code", e.code}, {"app_version", e.app_version}}.dump();
}

std::string to_json(const EnrollResponse& e) {
  json j{{"kiosk_id", e.kiosk_id}, {"kiosk_name", e.kiosk_name}, {"token", e.token}};
  if (!e.box_public_key.empty()) j["box_public_key"] = base64url_encode(e.box_public_key);
  if (!e.hash_key.empty()) j["hash_key"] = base64url_encode(e.hash_key);
  return j.dump();
}

std::string to_json(const HubError& e) {
  return json{{"error", e.error}, {"message", json{{"zh", e.message_zh}, {"en", e.message_en}}}}
      .dump();
}

Expected<WireRequest> parse_wire_request(const json& j) {
  if (!j.is_object()) return bad_field("requests[]", "item is not an object");
  WireRequest r;
  if (!get_string(j, "id", r.id)) return bad_field("id");
  if (!get_string(j, "ticket", r.ticket)) return bad_field("ticket");
  if (!get_string(j, "service_id", r.service_id)) return bad_field("service_id");
  if (!get_string(j, "content_version", r.content_version, false)) return bad_field("content_version");
  if (!get_int(j, "created_at_ms", r.created_at_ms)) return bad_field("created_at_ms");
  // Either the answers in clear or sealed to the hub's box key, not both.
  auto a = j.find("answers");
  auto sealed = j.find("answers_sealed");
  if (sealed != j.end()) {
    if (a != j.end()) return bad_field("answers_sealed", "both answers and answers_sealed");
    if (!sealed->is_string() || sealed->get_ref<const std::string&>().empty() ||
        !is_base64url(sealed->get_ref<const std::string&>()))
      return bad_field("answers_sealed");
    r.answers_sealed = sealed->get<std::string>();
    r.answers = json::object();
    return r;
  }
  if (a == j.end() || !a->is_object()) return bad_field("answers");
  r.answers = *a;
  return r;
}

Expected<UploadBatch> parse_upload_batch(std::string_view body) {
  auto j = parse_object(body);
  if (!j) return j.error();
  UploadBatch b;
  if (!get_int(*j, "kiosk_time_ms", b.kiosk_time_ms, false)) return bad_field("kiosk_time_ms");
  auto reqs = j->find("requests");
  if (reqs == j->end() || !reqs->is_array()) return bad_field("requests");
  b.requests.reserve(reqs->size());
  // Items are parsed one by one by the hub so that one bad item is rejected
  // alone; here only the shape of the envelope is checked.
  for (const auto& item : *reqs) {
    WireRequest r;
    if (item.is_object()) {
      auto p = parse_wire_request(item);
      if (p) {
        r = std::move(*p);
      } else {
        // Keep the id if there is one so the hub can answer for the item.
        get_string(item, "id", r.id);
        r.service_id.clear();
        r.created_at_ms = -1;  // marks it invalid for the hub
      }
    } else {
      r.created_at_ms = -1;
    }
    b.requests.push_back(std::move(r));
  }
  return b;
}

Expected<UploadResponse> parse_upload_response(std::string_view body) {
  auto j = parse_object(body, kMaxReplyBytes);
  if (!j) return j.error();
  UploadResponse r;
  get_int(*j, "hub_time_ms", r.hub_time_ms, false);
  auto res = j->find("results");
  if (res == j->end() || !res->is_array()) return bad_field("results");
  for (const auto& item : *res) {
    if (!item.is_object()) return bad_field("results[]");
    ItemOutcome o;
    std::string result;
    if (!get_string(item, "id", o.id) || !get_string(item, "result", result))
      return bad_field("results[]");
    if (result == "accepted") {
      o.result = ItemResult::Accepted;
    } else if (result == "duplicate") {
      o.result = ItemResult::Duplicate;
    } else if (result == "rejected") {
      o.result = ItemResult::Rejected;
      get_string(item, "reason", o.reason, false);
      if (o.reason.empty()) o.reason = "rejected";
    } else {
      return bad_field("results[].result", result);
    }
    r.results.push_back(std::move(o));
  }
  return r;
}

Expected<StatusPage> parse_status_page(std::string_view body) {
  auto j = parse_object(body, kMaxReplyBytes);
  if (!j) return j.error();
  StatusPage p;
  if (!get_string(*j, "cursor", p.cursor)) return bad_field("cursor");
  auto more = j->find("more");
  p.more = more != j->end() && more->is_boolean() && more->get<bool>();
  auto ch = j->find("changes");
  if (ch == j->end() || !ch->is_array()) return bad_field("changes");
  for (const auto& item : *ch) {
    if (!item.is_object()) return bad_field("changes[]");
    StatusChange c;
    if (!get_string(item, "id", c.id) || !get_string(item, "state", c.state) ||
        !get_string(item, "ticket", c.ticket, false) ||
        !get_string(item, "staff_note", c.staff_note, false) ||
        !get_int(item, "at_ms", c.at_ms, false))
      return bad_field("changes[]");
    p.changes.push_back(std::move(c));
  }
  return p;
}

Expected<Heartbeat> parse_heartbeat(std::string_view body) {
  auto j = parse_object(body);
  if (!j) return j.error();
  Heartbeat h;
  int64_t qd = 0, qn = 0;
  if (!get_string(*j, "app_version", h.app_version, false) ||
      !get_string(*j, "content_version", h.content_version, false) ||
      !get_int(*j, "queue_depth", qd, false) || !get_int(*j, "quarantined", qn, false) ||
      !get_int(*j, "oldest_queued_age_s", h.oldest_queued_age_s, false) ||
      !get_string(*j, "last_sync_error", h.last_sync_error, false) ||
      !get_int(*j, "free_disk_bytes", h.free_disk_bytes, false) ||
      !get_int(*j, "uptime_s", h.uptime_s, false))
    return bad_field("heartbeat");
  // Counts: 0..INT_MAX, refused otherwise (2^40 must not become 0).
  if (qd < 0 || qd > std::numeric_limits<int>::max()) return bad_field("queue_depth");
  if (qn < 0 || qn > std::numeric_limits<int>::max()) return bad_field("quarantined");
  h.queue_depth = static_cast<int>(qd);
  h.quarantined = static_cast<int>(qn);
  cut_chars(h.last_sync_error, kMaxHeartbeatErrorChars);
  return h;
}

Expected<EnrollRequest> parse_enroll_request(std::string_view body) {
  auto j = parse_object(body);
  if (!j) return j.error();
  EnrollRequest e;
  if (!get_string(*j, "code", e.code)) return bad_field("code");
  if (!get_string(*j, "app_version", e.app_version, false)) return bad_field("app_version");
  return e;
}

Expected<EnrollResponse> parse_enroll_response(std::string_view body) {
  auto j = parse_object(body, kMaxReplyBytes);
  if (!j) return j.error();
  EnrollResponse e;
  if (!get_string(*j, "kiosk_id", e.kiosk_id) || !get_string(*j, "token", e.token) ||
      !get_string(*j, "kiosk_name", e.kiosk_name, false) || e.token.empty())
    return bad_field("enroll");
  // Both optional (older hubs send neither); present, each is exactly 32 bytes.
  for (auto [key, out] : {std::pair{"box_public_key", &e.box_public_key}, std::pair{"hash_key", &e.hash_key}}) {
    std::string text;
    if (!get_string(*j, key, text, false)) return bad_field(key);
    if (!j->contains(key) || (*j)[key].is_null()) continue;
    auto raw = base64url_decode(text);
    if (!raw || raw->size() != 32) return bad_field(key, "not base64url of 32 bytes");
    *out = std::move(*raw);
  }
  return e;
}

std::optional<HubError> parse_hub_error(std::string_view body) {
  auto j = parse_object(body, kMaxReplyBytes);
  if (!j) return std::nullopt;
  HubError e;
  if (!get_string(*j, "error", e.error)) return std::nullopt;
  auto m = j->find("message");
  if (m != j->end() && m->is_object()) {
    get_string(*m, "en", e.message_en, false);
    get_string(*m, "zh", e.message_zh, false);
  }
  return e;
}

bool is_valid_ticket(std::string_view ticket) {
  if (ticket.empty()) return false;
  auto cps = utf8_decode(ticket);
  if (!cps || cps->size() > static_cast<size_t>(kMaxTicketChars)) return false;
  for (char32_t c : *cps)
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) return false;
  return true;
}

bool is_uuid_v7(std::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (id[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(id[i]))) {
      return false;
    }
  }
  return id[14] == '7';
}

std::string store_failure_code(ErrorKind kind) {
  const std::string& name = to_string(kind);
  return name.rfind("store_", 0) == 0 ? name : "store_" + name;
}

std::string normalize_enroll_code(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (u == 'O') u = '0';
    if (u == 'I' || u == 'L') u = '1';
    out.push_back(u);
  }
  return out;
}

}  // namespace kiosk::sync
