// One kiosk install: its data directory, its validated settings
// (config.json, the hub's address included) and the factories every entry
// point (the touch UI, each CLI command, the sync thread, the tests) builds
// its parts with, so that every path opens the queue with the same options.
//
//   auto install = Install::open(dir);      // reads + checks config.json once
//   auto store = install->open_store();     // retention_days from the config
//   auto content = install->active_content();
//   auto hub = install->hub();              // + the device token (0600)
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "kiosk/base/clock.hpp"
#include "kiosk/base/expected.hpp"
#include "kiosk/install/active_content.hpp"
#include "kiosk/install/config.hpp"
#include "kiosk/install/paths.hpp"
#include "kiosk/store/store.hpp"

namespace kiosk {

// Unix milliseconds. The wall clock unless a test injects another (to move
// a day on and watch the retention purge, say).
using WallClock = std::function<int64_t()>;  // default: unix_now_ms (kiosk/base/clock)

// Where the hub is and who this kiosk is, as the sync client needs it.
struct HubSettings {
  std::string hub_url;
  std::string hub_ca_file;
  bool allow_plain_http_loopback = false;
  std::string kiosk_id;
  std::string kiosk_name;
  std::string token;
  bool configured() const { return !hub_url.empty() && !token.empty(); }
  bool operator==(const HubSettings&) const = default;
};

// What `enroll` learnt from the hub.
struct Enrollment {
  std::string hub_url;
  std::string hub_ca_file;  // the copy in the data dir, "" for the system's CAs
  bool allow_plain_http_loopback = false;
  std::string kiosk_id;
  std::string kiosk_name;
  std::string token;
  std::string hub_box_public_key;  // 32 raw bytes, "" from an older hub
  std::string hash_key;            // 32 raw bytes, "" from an older hub
};

class Install {
 public:
  // Reads and checks data_dir/config.json (a missing file is the defaults)
  // and, once, folds the hub.json older versions wrote into it. Nothing is
  // created. An empty data_dir is default_data_dir(). Errors: config_*.
  static Expected<Install> open(std::string data_dir, WallClock clock = {});
  // The embedded defaults for data_dir: what the touch UI runs on when
  // config.json is broken (it must start, and says which key is wrong).
  static Install defaults(std::string data_dir, WallClock clock = {});

  const DataDir& dir() const { return dir_; }
  const std::string& root() const { return dir_.root; }
  const KioskConfig& config() const { return config_; }
  const WallClock& clock() const { return clock_; }
  int64_t now_ms() const { return clock_(); }

  // The data directory, created 0700 if missing, and everything in it made
  // private (directories 0700, files 0600). Errors: "read_only".
  Status ensure_dir() const;
  StoreOptions store_options() const;
  // The request queue with the config's options and the sealing keys: the
  // hub's box key when known, else the kiosk's own pair (local-box.key,
  // made once). With the hub's key known, rows still sealed to the local key
  // are re-sealed to it and local-box.key is deleted. create_if_missing also
  // creates the data directory. Errors: the store's ("store_missing", ...).
  Expected<std::unique_ptr<RequestStore>> open_store(bool create_if_missing = true) const;
  // The pushed bundle if it checks clean, else the embedded one.
  Expected<ActiveContent> active_content() const;
  // The hub from the config and the token from device-token; a token file
  // others can read is tightened to 0600 first. Not enrolled is not an
  // error (configured() is false). Errors: "token_unsafe".
  Expected<HubSettings> hub() const;
  // The token (0600) and the hub's keys into config.json, each atomically;
  // the installer's other keys stay as they are. Errors: "io", "config".
  // With the hub's box key: hub-box.pub and hash.key too (0600), then the
  // queue's answers re-sealed to it (see open_store).
  Status record_enrollment(const Enrollment& e);

  // The hub's X25519 box public key (32 bytes): enrollment's hub-box.pub,
  // else config.json's hub_box_public_key, else none.
  std::optional<std::string> hub_box_public_key() const;
  // The 32-byte key for keyed hashes of ID numbers (hash.key), if enrolled
  // with a hub that sent one.
  std::optional<std::string> hash_key() const;
  // The key attendance.json is matched under (RuleContext::id_hash_key):
  // hash.key; without one, in demo mode the built-in content's public demo
  // key; else "" (attendance is then left to the hub).
  std::string id_hash_key(bool demo) const;

 private:
  Install(DataDir dir, KioskConfig config, WallClock clock);
  DataDir dir_;
  KioskConfig config_;
  WallClock clock_;
};

}  // namespace kiosk
