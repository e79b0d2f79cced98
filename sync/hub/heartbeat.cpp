#include "sync/hub/heartbeat.hpp"

#include <cctype>
#include <string>

#include "kiosk/base/json_limited.hpp"
#include "kiosk/base/strings.hpp"

namespace kiosk::hub {

namespace {

using nlohmann::json;

constexpr int64_t kTenYearsS = 10LL * 366 * 24 * 3600;
constexpr int64_t kMaxCount = 10'000'000;         // requests in one kiosk's queue
constexpr int64_t kMaxDiskBytes = int64_t{1} << 50;  // 1 PiB

Error bad(const std::string& field, std::string detail) {
  return Error{ErrorKind::BadField, tr("sync.bad_field"), field, std::move(detail)};
}

// Versions and error codes: short, printable ASCII of the kinds the kiosk
// writes ("0.1.0", "2026.11", "store_disk_full", "hub_rejected:invalid").
bool plain_code(const std::string& s, size_t max) {
  if (s.size() > max) return false;
  for (unsigned char c : s)
    if (!(std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '+' || c == ':')) return false;
  return true;
}

}  // namespace

Expected<sync::Heartbeat> parse_heartbeat_bounded(std::string_view body) {
  JsonLimits lim;
  lim.max_depth = 2;
  lim.max_bytes = static_cast<size_t>(kMaxHeartbeatBytes);
  lim.reject_duplicate_keys = true;
  JsonParse p = parse_json_limited(body, lim);
  if (!p.value) return Error{ErrorKind::BadJson, tr("sync.bad_json"), "", "heartbeat: " + p.why};
  const json& j = *p.value;
  if (!j.is_object()) return Error{ErrorKind::BadJson, tr("sync.bad_json"), "", "not a JSON object"};

  sync::Heartbeat h;
  for (const auto& [key, v] : j.items()) {
    if (v.is_null()) continue;  // every field is optional
    auto text = [&](std::string& out, size_t max) -> Status {
      if (!v.is_string() || !plain_code(v.get<std::string>(), max))
        return bad(key, "not a short code");
      out = v.get<std::string>();
      return ok_status();
    };
    auto number = [&](int64_t& out, int64_t max) -> Status {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > max)
        return bad(key, "not an integer in 0.." + std::to_string(max));
      out = v.get<int64_t>();
      return ok_status();
    };
    int64_t n = 0;
    Status st = ok_status();
    if (key == "app_version") st = text(h.app_version, 32);
    else if (key == "content_version") st = text(h.content_version, 32);
    else if (key == "last_sync_error") st = text(h.last_sync_error, 64);
    else if (key == "queue_depth") { st = number(n, kMaxCount); h.queue_depth = static_cast<int>(n); }
    else if (key == "quarantined") { st = number(n, kMaxCount); h.quarantined = static_cast<int>(n); }
    else if (key == "oldest_queued_age_s") st = number(h.oldest_queued_age_s, kTenYearsS);
    else if (key == "uptime_s") st = number(h.uptime_s, kTenYearsS);
    else if (key == "free_disk_bytes") st = number(h.free_disk_bytes, kMaxDiskBytes);
    // An unknown key is named only by its position: it is the sender's text.
    else return bad("heartbeat", "unknown key");
    if (!st) return st.error();
  }
  return h;
}

}  // namespace kiosk::hub
