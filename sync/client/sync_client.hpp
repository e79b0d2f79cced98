// One sync cycle against the hub, run by the background SyncService and by
// `union-kiosk sync --once`: upload the queue in batches, pull the staff's
// decisions since the last cursor, send a heartbeat. No threads here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "kiosk/base/expected.hpp"
#include "kiosk/store/store.hpp"
#include "sync/client/transport.hpp"
#include "sync/protocol/protocol.hpp"

namespace kiosk::sync {

// Where the hub is and who this kiosk is: data-dir/hub.json (written by
// enroll), overridden by data-dir/config.json where that sets hub_url, plus
// the token in data-dir/device-token (0600).
struct HubSettings {
  std::string hub_url;
  std::string hub_ca_file;
  bool allow_plain_http_loopback = false;
  std::string kiosk_id;
  std::string kiosk_name;
  std::string token;
  bool configured() const { return !hub_url.empty() && !token.empty(); }
};

// Errors: "config" (config.json malformed), "token_unsafe" (file readable by others).
// A kiosk that was never enrolled is not an error: configured() is false.
Expected<HubSettings> load_hub_settings(const std::string& data_dir);

// POST /v1/enroll, then the token (0600), hub.json and a copy of the CA are
// written to data_dir. Errors carry the NetKind's code ("invalid_code", ...).
Expected<EnrollResponse> enroll_kiosk(const std::string& data_dir, const std::string& hub_url,
                                      const std::string& code, const std::string& ca_file,
                                      bool allow_plain_http_loopback, TransportOptions t = {});

struct BatchLimits {
  int max_items = 200;
  int64_t max_bytes = 512 * 1024;  // of answers; one huge request still goes alone
};

struct CycleReport {
  NetKind outcome = NetKind::Ok;  // what stopped the cycle, Ok if nothing did
  std::string error;              // short code, "" if none
  std::string detail;
  int retry_after_s = -1;
  int batches = 0, accepted = 0, duplicates = 0, quarantined = 0, handled = 0;
  bool uploaded_all = false, status_pulled = false, heartbeat_sent = false;
  bool ok() const { return outcome == NetKind::Ok && uploaded_all && status_pulled && heartbeat_sent; }
};

// Keys in the store's settings.
inline constexpr const char* kSettingCursor = "sync.status_cursor";
inline constexpr const char* kSettingLastError = "sync.last_error";
inline constexpr const char* kSettingLastSuccess = "sync.last_success_ms";
inline constexpr const char* kSettingLastAttempt = "sync.last_attempt_ms";

class SyncClient {
 public:
  SyncClient(RequestStore& store, HubSettings hub, TransportOptions t = {}, BatchLimits b = {});

  // Takes data-dir/sync.lock (other processes' cycles) first; a cycle that
  // cannot get it returns Transient "busy".
  CycleReport run_cycle(const std::string& data_dir, bool send_heartbeat = true);

  // The parts, for tests and the benchmark (no lock taken).
  // max_batches > 0: stop after that many POSTs (uploaded_all stays false).
  CycleReport upload_all(int max_batches = 0);
  CycleReport pull_status();
  CycleReport send_heartbeat(const std::string& data_dir);

 private:
  RequestStore& store_;
  HubSettings hub_;
  HubTransport transport_;
  BatchLimits limits_;
  int batch_items_;  // shrinks after a transient failure, grows back after success
};

int64_t unix_ms();

}  // namespace kiosk::sync
