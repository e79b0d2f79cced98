// union-hub's HTTP(S) front: the /v1 routes of docs/sync-protocol.md over
// HubDb. HTTPS when given a certificate and key; plain HTTP only when
// explicitly allowed AND bound to loopback. Usable in-process by tests.
// The HTTP machinery (libmicrohttpd, limits, TLS) is in http_server.hpp.
#pragma once
#include <memory>
#include <set>
#include <string>

#include "kiosk/base/expected.hpp"
#include "sync/hub/hub_db.hpp"

namespace kiosk::hub {

struct HubOptions {
  std::string data_dir;           // holds hub.db; made 0700, its files 0600, at every start
  std::string key_dir;            // box.key, at-rest.key, hash.key; "": <data_dir>/keys
  std::string bind = "127.0.0.1";
  int port = 8443;                // 0: any free port (see port())
  std::string cert_file, key_file;
  bool allow_plain_http = false;  // refused unless `bind` is loopback
  // Service ids a request may name. Empty: those of the content the hub was
  // built with (the kiosks' embedded bundle), never a list written out here.
  std::set<std::string> services;
  QuotaLimits quota;    // per kiosk and hour (429 + Retry-After beyond)
  EnrollLimits enroll;  // enrollment tries per address, in all, per code
  int threads = 64;               // handler threads (at most 256), and one event loop per 16
  // Requests waiting for a handler thread; past it 503 busy, Retry-After: 1.
  size_t max_queued = 1024;
  bool quiet = false;             // no per-request log lines
  // Connection limits (docs/sync-protocol.md, "Limits"): the time one
  // request may take to arrive (headers + body), however it trickles; how
  // long a connection may send nothing; how many may be open at once.
  int request_deadline_ms = 30000;
  unsigned idle_timeout_s = 15;
  unsigned connection_limit = 2000;
};


class HubServer {
 public:
  // Makes the data and key directories private (0700, files 0600), loads
  // or makes the keys (a bad key file is refused: the hub does not start),
  // opens the database and binds the socket; errors name the bad option.
  static Expected<std::unique_ptr<HubServer>> create(const HubOptions& opts);
  ~HubServer();
  HubServer(const HubServer&) = delete;
  HubServer& operator=(const HubServer&) = delete;

  int port() const;
  bool tls() const;
  void run();   // blocks until stop()
  void stop();  // from any thread
  HubDb& db();
  // Connections cut because a request took longer than request_deadline_ms.
  int64_t deadline_cuts() const;
  // Requests waiting for a handler thread now.
  size_t queued_requests() const;

 private:
  struct Impl;
  explicit HubServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::hub
