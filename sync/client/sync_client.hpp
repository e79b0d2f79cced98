// One sync cycle against the hub, run by the background SyncService (one
// client for the life of the thread, so its connection is kept alive) and by
// `union-kiosk sync --once`: upload the queue in batches, pull the staff's
// decisions since the last cursor, send a heartbeat. No threads here.
//   sync_client.cpp  the cycle, status pull, heartbeat
//   upload.cpp       batches, bisecting a refused one, quarantine
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "kiosk/base/expected.hpp"
#include "kiosk/install/install.hpp"
#include "kiosk/store/store.hpp"
#include "sync/client/cycle_report.hpp"
#include "sync/client/transport.hpp"
#include "sync/protocol/protocol.hpp"

namespace kiosk::sync {

using kiosk::HubSettings;

struct BatchLimits {
  int max_items = 200;
  int64_t max_bytes = 512 * 1024;  // of answers; one huge request still goes alone
};

// Keys in the store's settings.
inline constexpr const char* kSettingCursor = "sync.status_cursor";
inline constexpr const char* kSettingLastError = "sync.last_error";
inline constexpr const char* kSettingLastSuccess = "sync.last_success_ms";
inline constexpr const char* kSettingLastAttempt = "sync.last_attempt_ms";

class SyncClient {
 public:
  // `clock` stamps the queue's rows (delivered_at, ...) and drives the
  // retention purge; the wall clock if empty.
  SyncClient(RequestStore& store, HubSettings hub, TransportOptions t = {}, BatchLimits b = {},
             WallClock clock = {});

  // Takes data-dir/sync.lock (other processes' cycles) first; a cycle that
  // cannot get it returns Transient "busy". Runs the retention purge (at
  // most hourly), so answers go after retention_days even on a kiosk where
  // nothing new is delivered.
  CycleReport run_cycle(const std::string& data_dir, bool send_heartbeat = true);

  // The parts, for tests and the benchmark (no lock taken).
  // max_batches > 0: stop after that many POSTs (uploaded_all stays false).
  CycleReport upload_all(int max_batches = 0);
  CycleReport pull_status();
  CycleReport send_heartbeat(const std::string& data_dir);

  const HubSettings& hub() const { return hub_; }
  // TCP connections made to the hub by this client so far.
  int connections_opened() const { return transport_.connections_opened(); }

 private:
  std::string content_version(const std::string& data_dir);

  RequestStore& store_;
  HubSettings hub_;
  HubTransport transport_;
  BatchLimits limits_;
  WallClock clock_;
  int batch_items_;  // shrinks after a transient failure, grows back after success
  int64_t last_purge_ms_ = 0;
  // The bundle's version when the UI has not recorded it: loaded again only
  // when the content directory changes.
  std::string content_version_;
  int64_t content_stamp_ = -1;
};

}  // namespace kiosk::sync
