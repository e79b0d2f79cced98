// Install::open is the one place config.json is read; hub.json, which
// enrollment used to write beside it, is folded into it here once.
#include "kiosk/install/install.hpp"

#include <sys/stat.h>
#include <unistd.h>


#include <nlohmann/json.hpp>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/domain/id_hash.hpp"
#include "kiosk/install/files.hpp"
#include "kiosk/store/store_detail.hpp"

namespace kiosk {

using nlohmann::json;

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr mode_t kConfigMode = 0600;  // everything in the data dir is the kiosk user's alone

std::string legacy_hub_file(const DataDir& d) { return d.root + "/hub.json"; }

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// config.json as an object (a missing file is {}), for writing keys into it.
Expected<json> read_config_object(const DataDir& d) {
  bool exists = false;
  const std::string text = read_whole_file(d.config_file(), &exists);
  if (!exists) return json::object();
  json j = json::parse(text, nullptr, false);
  if (!j.is_object())
    return Error{ErrorKind::Config, tr("sync.error.config"), "config.json", "config.json is not a JSON object"};
  return j;
}

// The old hub.json's keys under the config's, with the precedence the two
// files had: an installer's hub_url in config.json won over enrollment's.
json merge_legacy_hub(json cfg, const json& hub) {
  if (str(cfg, "hub_url").empty() && !str(hub, "hub_url").empty()) {
    cfg["hub_url"] = str(hub, "hub_url");
    if (str(cfg, "hub_ca_file").empty()) cfg["hub_ca_file"] = str(hub, "hub_ca_file");
    cfg["allow_plain_http_loopback"] =
        hub.contains("allow_plain_http_loopback") && hub["allow_plain_http_loopback"].is_boolean() &&
        hub["allow_plain_http_loopback"].get<bool>();
  }
  if (str(cfg, "kiosk_id").empty() && !str(hub, "kiosk_id").empty()) cfg["kiosk_id"] = str(hub, "kiosk_id");
  if (str(cfg, "kiosk_name").empty() && !str(hub, "kiosk_name").empty())
    cfg["kiosk_name"] = str(hub, "kiosk_name");
  return cfg;
}

// Folds hub.json into config.json: written first, then hub.json removed, so
// a crash in between only means the same fold again next time. When the
// directory cannot be written the merged settings still hold for this run.
Expected<KioskConfig> open_config(const DataDir& d) {
  bool has_hub = false;
  const std::string hub_text = read_whole_file(legacy_hub_file(d), &has_hub);
  if (!has_hub) return load_config(d.config_file());
  auto base = load_config(d.config_file());
  if (!base) return base.error();  // a broken config.json is reported, not overwritten
  json hub = json::parse(hub_text, nullptr, false);
  if (!hub.is_object()) {
    log::event(log::Level::Warn, "install", "hub.json unreadable, ignored");
    return base;
  }
  auto cfg_obj = read_config_object(d);
  if (!cfg_obj) return cfg_obj.error();
  json merged = merge_legacy_hub(*cfg_obj, hub);
  auto merged_cfg = parse_config(merged);
  if (!merged_cfg) {
    // hub.json held what config.json cannot take: keep the config as it is.
    log::event(log::Level::Warn, "install", "hub.json not migrated",
               {{"field", merged_cfg.error().field}});
    return base;
  }
  if (auto st = write_file_atomic(d.config_file(), merged.dump(2) + "\n", kConfigMode); !st) {
    log::event(log::Level::Warn, "install", "hub.json not migrated", {{"detail", st.error().detail}});
    return merged_cfg;
  }
  ::unlink(legacy_hub_file(d).c_str());
  log::event(log::Level::Info, "install", "hub.json migrated into config.json");
  return merged_cfg;
}

// A key file: one line of base64url of exactly 32 bytes; nullopt otherwise.
std::optional<std::string> read_key_file(const std::string& path) {
  bool exists = false;
  const std::string text = trim(read_whole_file(path, &exists));
  if (!exists) return std::nullopt;
  auto raw = base64url_decode(text);
  if (!raw || raw->size() != kBoxKeyBytes) {
    log::event(log::Level::Error, "install", "key_file_unreadable", {{"path", path}});
    return std::nullopt;
  }
  return raw;
}

Status write_key_file(const std::string& path, std::string_view raw) {
  return write_file_atomic(path, base64url_encode(raw) + "\n", 0600);
}

// The kiosk's own box pair: read from local-box.key, else (make_new) made and
// written there first, so a row is never sealed to a key that is not on disk.
std::optional<BoxKeyPair> local_box(const DataDir& d, bool make_new) {
  if (auto sk = read_key_file(d.local_box_key_file())) return box_keypair_from_secret(*sk);
  bool exists = false;
  read_whole_file(d.local_box_key_file(), &exists);
  if (exists || !make_new) return std::nullopt;  // a damaged file is kept for a technician
  auto kp = make_box_keypair();
  if (!kp) return std::nullopt;
  if (!write_key_file(d.local_box_key_file(), kp->secret_key)) return std::nullopt;
  log::event(log::Level::Info, "install", "local_box_key_made");
  return kp;
}

}  // namespace

Install::Install(DataDir dir, KioskConfig config, WallClock clock)
    : dir_(std::move(dir)), config_(std::move(config)), clock_(std::move(clock)) {
  if (!clock_) clock_ = unix_now_ms;
}

Expected<Install> Install::open(std::string data_dir, WallClock clock) {
  if (data_dir.empty()) data_dir = default_data_dir();
  DataDir d{std::move(data_dir)};
  // An install made before the kiosk kept it private (0755 dirs, 0644 files).
  struct stat sb {};
  if (::stat(d.root.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode)) make_private_tree(d.root);
  auto cfg = open_config(d);
  if (!cfg) return cfg.error();
  return Install(std::move(d), std::move(*cfg), std::move(clock));
}

Install Install::defaults(std::string data_dir, WallClock clock) {
  if (data_dir.empty()) data_dir = default_data_dir();
  return Install(DataDir{std::move(data_dir)}, KioskConfig{}, std::move(clock));
}

Status Install::ensure_dir() const {
  std::string why;
  if (!kiosk::ensure_dir(dir_.root, &why)) return store_detail::store_error(ErrorKind::ReadOnly, why);
  make_private_tree(dir_.root);
  return ok_status();
}

StoreOptions Install::store_options() const {
  StoreOptions o;
  o.retention_ms = int64_t{config_.retention_days} * kDayMs;
  return o;
}

Expected<std::unique_ptr<RequestStore>> Install::open_store(bool create_if_missing) const {
  StoreOptions o = store_options();
  o.create_if_missing = create_if_missing;
  if (create_if_missing) {
    if (auto st = ensure_dir(); !st) return st.error();
  } else {
    make_private_tree(dir_.root);
  }
  const auto hub_key = hub_box_public_key();
  if (hub_key) o.hub_box_public_key = *hub_key;
  // Before enrollment the kiosk's own pair; after it, the same pair (if still
  // there) so that what was sealed to it is re-sealed to the hub.
  std::optional<BoxKeyPair> local = local_box(dir_, !hub_key);
  if (local) o.local_box = *local;
  auto store = RequestStore::open(dir_.requests_db(), o);
  if (store && hub_key && local && (*store)->hub_box_public_key() == *hub_key &&
      (*store)->count_sealed_to(local->public_key) == 0) {
    // Nothing left that only this key opens: it goes. (A crash before this
    // line only means the same check at the next open.)
    if (::unlink(dir_.local_box_key_file().c_str()) == 0)
      log::event(log::Level::Info, "install", "local_box_key_deleted");
  }
  for (char& c : o.local_box.secret_key) c = '\0';
  if (local)
    for (char& c : local->secret_key) c = '\0';
  make_private_tree(dir_.root);  // -wal and -shm, created by the open
  return store;
}

std::optional<std::string> Install::hub_box_public_key() const {
  if (auto k = read_key_file(dir_.hub_box_key_file())) return k;
  if (config_.hub_box_public_key.size() == kBoxKeyBytes) return config_.hub_box_public_key;
  return std::nullopt;
}

std::optional<std::string> Install::hash_key() const { return read_key_file(dir_.hash_key_file()); }

std::string Install::id_hash_key(bool demo) const {
  if (auto k = hash_key()) return *k;
  return demo ? std::string(kDemoIdHashKey) : std::string();
}

Expected<ActiveContent> Install::active_content() const { return load_active_content(dir_); }

Expected<HubSettings> Install::hub() const {
  HubSettings s;
  s.hub_url = config_.hub_url;
  s.hub_ca_file = config_.hub_ca_file;
  s.allow_plain_http_loopback = config_.allow_plain_http_loopback;
  s.kiosk_id = config_.kiosk_id;
  s.kiosk_name = config_.kiosk_name;
  struct stat st {};
  const std::string token_file = dir_.device_token_file();
  if (::stat(token_file.c_str(), &st) == 0) {
    if ((st.st_mode & 077) != 0) {
      // Someone loosened it: tighten rather than refuse, and say so.
      if (::chmod(token_file.c_str(), 0600) != 0)
        return Error{ErrorKind::TokenUnsafe, tr("sync.token_unsafe"), "", "device-token is readable by others"};
      log::event(log::Level::Warn, "sync", "device-token mode tightened to 0600");
    }
    s.token = trim(read_whole_file(token_file));
  }
  return s;
}

Status Install::record_enrollment(const Enrollment& e) {
  auto obj = read_config_object(dir_);
  if (!obj) return obj.error();
  json& cfg = *obj;
  cfg["hub_url"] = e.hub_url;
  cfg["hub_ca_file"] = e.hub_ca_file;
  cfg["allow_plain_http_loopback"] = e.allow_plain_http_loopback;
  cfg["kiosk_id"] = e.kiosk_id;
  // The installer's name for the kiosk stays; the hub's fills an empty one.
  if (str(cfg, "kiosk_name").empty() && !e.kiosk_name.empty()) cfg["kiosk_name"] = e.kiosk_name;
  auto checked = parse_config(cfg);
  if (!checked) return checked.error();
  // The token first: a config naming the hub without a token would be an
  // enrollment that cannot sync; a token without the config is not used.
  if (auto st = write_file_atomic(dir_.device_token_file(), e.token + "\n", 0600); !st) return st;
  // The hub's keys before the config: the config is what makes the kiosk sync.
  if (!e.hub_box_public_key.empty()) {
    if (e.hub_box_public_key.size() != kBoxKeyBytes)
      return Error{ErrorKind::BadResponse, tr("sync.error.bad_response"), "", "hub box key not 32 bytes"};
    if (auto st = write_key_file(dir_.hub_box_key_file(), e.hub_box_public_key); !st) return st;
  }
  if (!e.hash_key.empty()) {
    if (e.hash_key.size() != kBoxKeyBytes)
      return Error{ErrorKind::BadResponse, tr("sync.error.bad_response"), "", "hash key not 32 bytes"};
    if (auto st = write_key_file(dir_.hash_key_file(), e.hash_key); !st) return st;
  }
  if (auto st = write_file_atomic(dir_.config_file(), cfg.dump(2) + "\n", kConfigMode); !st) return st;
  ::unlink(legacy_hub_file(dir_).c_str());  // an older enrollment's, now superseded
  config_ = std::move(*checked);
  // Re-seal now what waited for the hub's key (a queue not made yet waits
  // for nothing). A failure is logged: the next open_store tries again.
  struct stat sb {};
  if (!e.hub_box_public_key.empty() && ::stat(dir_.requests_db().c_str(), &sb) == 0) {
    if (auto store = open_store(false); !store)
      log::event(log::Level::Warn, "install", "reseal_deferred", {{"code", store.error().name()}});
  }
  return ok_status();
}

}  // namespace kiosk
