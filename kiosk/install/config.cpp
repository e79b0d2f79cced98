// Reads data-dir/config.json. Strict on purpose: a typo in a key or a value of
// the wrong type is an error naming the key, not a silently ignored setting.
#include "kiosk/install/config.hpp"
#include "kiosk/base/base64url.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kiosk/base/strings.hpp"
#include "kiosk/domain/validate.hpp"
#include "kiosk/store/store_detail.hpp"

namespace kiosk {

namespace {

using nlohmann::json;

// `expected`: what the key takes, from the string table (config.expect.*).
Error bad_value(const std::string& key, const Text& expected) {
  Error e;
  e.kind = ErrorKind::ConfigBadValue;
  e.field = key;
  e.message = fill(tr("config.bad_value"),
                   {{"key", key}, {"expected_zh", expected.zh}, {"expected_en", expected.en}});
  e.detail = "config key " + key;
  return e;
}

std::optional<Error> read_string(const json& j, const char* key, std::string& out) {
  if (!j.contains(key)) return std::nullopt;
  if (!j[key].is_string()) return bad_value(key, tr("config.expect.string"));
  out = j[key].get<std::string>();
  return std::nullopt;
}

std::optional<Error> read_bool(const json& j, const char* key, bool& out) {
  if (!j.contains(key)) return std::nullopt;
  if (!j[key].is_boolean()) return bad_value(key, tr("config.expect.bool"));
  out = j[key].get<bool>();
  return std::nullopt;
}

std::optional<Error> read_int(const json& j, const char* key, int lo, int hi, int& out) {
  if (!j.contains(key)) return std::nullopt;
  const auto& v = j[key];
  const std::string range = std::to_string(lo) + " - " + std::to_string(hi);
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
    return bad_value(key, fill(tr("config.expect.int_range"), {{"range", range}}));
  out = v.get<int>();
  return std::nullopt;
}

}  // namespace

Expected<KioskConfig> load_config(const std::string& path) {
  KioskConfig cfg;
  struct stat sb {};
  if (::stat(path.c_str(), &sb) != 0 && errno == ENOENT) return cfg;
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  if (in) ss << in.rdbuf();
  if (!in || in.bad()) {
    Error e;
    e.kind = ErrorKind::ConfigUnreadable;
    e.message = fill(tr("config.unreadable"), {{"file", path}});
    e.detail = std::strerror(errno);
    return e;
  }
  json j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    std::string detail = "not a JSON object";
    try {
      [[maybe_unused]] json again = json::parse(ss.str());
    } catch (const json::parse_error& pe) {
      detail = "byte " + std::to_string(pe.byte);
    }
    Error e;
    e.kind = ErrorKind::ConfigMalformed;
    e.message = fill(tr("config.malformed"), {{"file", path}, {"detail", detail}});
    e.detail = detail;
    return e;
  }
  return parse_config(j);
}

Expected<KioskConfig> parse_config(const json& j) {
  KioskConfig cfg;
  if (!j.is_object()) {
    Error e;
    e.kind = ErrorKind::ConfigMalformed;
    e.message = fill(tr("config.malformed"), {{"file", "config.json"}, {"detail", "not a JSON object"}});
    e.detail = "not a JSON object";
    return e;
  }
  static const char* known[] = {"kiosk_name",        "hub_url",        "kiosk_id",
                                "hub_ca_file",       "allow_plain_http_loopback",
                                "idle_timeout_s",    "idle_countdown_s",
                                "retention_days",    "scan_source",
                                "sync_interval_s",   "sync_backoff_max_s",
                                "extra_trusted_keys", "extra_revoked_members",
                                "demo",             "hub_box_public_key"};
  for (const auto& [key, _] : j.items()) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) {
      Error e;
      e.kind = ErrorKind::ConfigUnknownKey;
      e.field = key;
      e.message = fill(tr("config.unknown_key"), {{"key", key}});
      e.detail = "unknown config key";
      return e;
    }
  }
  std::optional<Error> err;
  if ((err = read_string(j, "kiosk_name", cfg.kiosk_name)) ||
      (err = read_string(j, "hub_url", cfg.hub_url)) ||
      (err = read_string(j, "hub_ca_file", cfg.hub_ca_file)) ||
      (err = read_string(j, "kiosk_id", cfg.kiosk_id)) ||
      (err = read_bool(j, "allow_plain_http_loopback", cfg.allow_plain_http_loopback)) ||
      (err = read_bool(j, "demo", cfg.demo)) ||
      (err = read_int(j, "idle_timeout_s", 10, 3600, cfg.idle_timeout_s)) ||
      (err = read_int(j, "idle_countdown_s", 3, 300, cfg.idle_countdown_s)) ||
      (err = read_int(j, "retention_days", 0, 3650, cfg.retention_days)) ||
      (err = read_int(j, "sync_interval_s", 5, 3600, cfg.sync_interval_s)) ||
      (err = read_int(j, "sync_backoff_max_s", 5, 3600, cfg.sync_backoff_max_s)) ||
      (err = read_string(j, "scan_source", cfg.scan_source)))
    return *err;
  if (!cfg.hub_url.empty() && cfg.hub_url.rfind("https://", 0) != 0 &&
      cfg.hub_url.rfind("http://", 0) != 0)
    return bad_value("hub_url", tr("config.expect.url"));
  if (j.contains("extra_trusted_keys")) {
    const auto& a = j["extra_trusted_keys"];
    if (!a.is_array())
      return bad_value("extra_trusted_keys", tr("config.expect.key_list"));
    for (size_t i = 0; i < a.size(); ++i) {
      const auto& k = a[i];
      const std::string key = "extra_trusted_keys[" + std::to_string(i) + "]";
      if (!k.is_object() || !k.contains("kid") || !k["kid"].is_string() ||
          !k.contains("public_key_b64url") || !k["public_key_b64url"].is_string() ||
          k["kid"].get<std::string>().empty())
        return bad_value(key, tr("config.expect.key_object"));
      // A key that cannot verify anything would only fail later, at a worker's card.
      auto raw = base64url_decode(k["public_key_b64url"].get<std::string>());
      if (!raw || raw->size() != 32)
        return bad_value(key + ".public_key_b64url", tr("config.expect.public_key"));
      cfg.extra_trusted_keys.push_back(
          {k["kid"].get<std::string>(), k["public_key_b64url"].get<std::string>()});
    }
  }
  if (j.contains("hub_box_public_key")) {
    // The X25519 key answers are sealed to: one that cannot be a key is refused
    // here, not found out at the first request.
    const auto& k = j["hub_box_public_key"];
    auto raw = k.is_string() ? base64url_decode(k.get<std::string>()) : std::nullopt;
    if (!raw || raw->size() != 32) return bad_value("hub_box_public_key", tr("config.expect.box_key"));
    cfg.hub_box_public_key = std::move(*raw);
  }
  if (j.contains("extra_revoked_members")) {
    const auto& a = j["extra_revoked_members"];
    if (!a.is_array()) return bad_value("extra_revoked_members", tr("config.expect.string_list"));
    for (size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_string())
        return bad_value("extra_revoked_members[" + std::to_string(i) + "]", tr("config.expect.string"));
      cfg.extra_revoked_members.push_back(a[i].get<std::string>());
    }
  }
  return cfg;
}

}  // namespace kiosk
