// The install's configuration (data-dir/config.json); every key optional,
// the defaults are the kiosk's embedded defaults (no hub, built-in content).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/base/expected.hpp"
#include "kiosk/domain/content.hpp"

namespace kiosk {

struct KioskConfig {
  std::string kiosk_name;                 // "长春市工人文化宫 1号机"
  std::string hub_url;                    // empty: no hub, offline only
  std::string hub_ca_file;                // PEM bundle the hub is verified against
  std::string kiosk_id;                   // the hub's id for this kiosk, written by enroll
  bool allow_plain_http_loopback = false; // tests only
  int idle_timeout_s = 60;                // "still there?" after this long untouched
  int idle_countdown_s = 15;              // then the session is wiped
  int retention_days = 30;                // answers kept after delivery
  int sync_interval_s = 30;               // a sync cycle this often while all is well
  int sync_backoff_max_s = 300;           // longest wait between retries after failures
  std::string scan_source;                // "v4l2:/dev/video0", "images:DIR", "" = auto
  bool demo = false;                      // demo mode: trust content's demo card keys, show 演示模式
  std::vector<TrustedKey> extra_trusted_keys;  // installer-set card keys
  std::vector<std::string> extra_revoked_members;
  std::string hub_box_public_key;         // installer-set hub box key (32 raw bytes); enrollment's wins
};

// A missing file is the defaults; a malformed one is an Error naming the key.
// Install::open is the one caller outside tests: everything else asks the Install.
Expected<KioskConfig> load_config(const std::string& path);
// The same checks on an already parsed object (a config about to be written).
Expected<KioskConfig> parse_config(const nlohmann::json& j);

}  // namespace kiosk
