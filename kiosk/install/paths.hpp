// Where the kiosk keeps its data: --data-dir, else $UNION_KIOSK_DATA_DIR,
// else $XDG_DATA_HOME/union-kiosk, else ~/.local/share/union-kiosk.
// Layout: requests.db, content/ (pushed bundle), config.json, device-token,
// hub-box.pub and hash.key (from enrollment), local-box.key (before it),
// dedup.key (the store's key for its duplicate checks, made with requests.db).
#pragma once
#include <string>

namespace kiosk {

std::string default_data_dir();
// Creates the directory (0700) if missing; error text if it cannot.
bool ensure_dir(const std::string& dir, std::string* error);

struct DataDir {
  std::string root;
  std::string requests_db() const { return root + "/requests.db"; }
  std::string content_dir() const { return root + "/content"; }
  std::string config_file() const { return root + "/config.json"; }
  std::string device_token_file() const { return root + "/device-token"; }
  std::string hub_box_key_file() const { return root + "/hub-box.pub"; }
  std::string hash_key_file() const { return root + "/hash.key"; }
  std::string local_box_key_file() const { return root + "/local-box.key"; }
};

}  // namespace kiosk
