// The kiosk's background sync thread: uploads the queue, pulls staff
// decisions, sends heartbeats. The UI polls status() once a frame; it never
// blocks on the network. Stable, tiny contract: add fields, never rename.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "kiosk/install/install.hpp"

namespace kiosk::sync {

// A snapshot, copied out under a lock: cheap enough for every frame.
struct SyncStatus {
  bool hub_configured = false;  // a hub URL and device token exist
  bool online = false;          // the last exchange with the hub succeeded
  bool stopped = false;         // refused (revoked / not enrolled / bad TLS): waits for a technician
  int waiting = 0;              // requests not yet delivered (queued + sending)
  int quarantined = 0;          // rejected by the hub, kept with the reason
  std::string last_error;       // short code ("offline", "revoked", ...); "" if none
  int64_t last_success_ms = 0;  // unix ms of the last full successful cycle
  int64_t next_attempt_ms = 0;  // unix ms of the next planned attempt
  int64_t cycles = 0;           // cycles run since start(): a test waits on it
  int connections = 0;          // TCP connections the client opened to the hub so far
};

struct SyncServiceOptions {
  int idle_interval_s = 30;       // a cycle this often when all is well
  int heartbeat_interval_s = 60;
  int backoff_base_ms = 2000;     // first retry delay; doubles, with jitter
  int backoff_max_ms = 300000;
  int connect_timeout_ms = 5000;
  int total_timeout_ms = 60000;
};

// The install's sync_interval_s and sync_backoff_max_s, the rest as above.
SyncServiceOptions sync_service_options(const Install& install);

class SyncService {
 public:
  // Opens its own connection to the install's queue, with the install's
  // options, when started; one client (one keep-alive connection to the hub)
  // lives as long as the hub's settings do. The install's clock stamps the
  // queue; waits run on the monotonic clock.
  explicit SyncService(const Install& install, SyncServiceOptions opts = {});
  // The same for the install at data_dir.
  explicit SyncService(std::string data_dir, SyncServiceOptions opts = {});
  ~SyncService();  // stop()
  SyncService(const SyncService&) = delete;
  SyncService& operator=(const SyncService&) = delete;

  void start();
  void stop();      // wakes the thread, abandons an exchange in flight, joins
  // Safe to start with no hub configured: it idles and looks again for an
  // enrollment (config.json / device-token) every idle interval.
  void send_now();  // wake up and run a cycle now (also clears a backoff wait)
  SyncStatus status() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::sync
