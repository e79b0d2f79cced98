// The kiosk's only libcurl user: one HTTP exchange with the hub, and the
// one place where a failure is classified. Callers decide from `kind`
// alone: retry later, quarantine the item(s), or stop and report.
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "kiosk/base/expected.hpp"

namespace kiosk::sync {

enum class NetKind {
  Ok,             // 2xx
  Transient,      // offline, timeout, reset, slow, 408/425/429/5xx: retry with backoff
  Rejected,       // 400/413/415/422: the body itself is refused: quarantine (bisect first)
  Refused,        // 401/403: token unknown or kiosk revoked: stop, do not hammer
  Misconfigured,  // TLS verification, bad URL, http:// not allowed, 404, 3xx: stop and report
};
std::string_view to_string(NetKind k);

// Whether an exchange reached the hub at all, classified beside the kind:
// what the sync status calls "online". A 503 is Transient and Up; a refused
// connection is Transient and Down.
enum class Reach {
  Unknown,  // no exchange was tried (the URL was refused before sending)
  Down,     // no HTTP answer: cannot resolve or connect, timeout, reset
  Up,       // an HTTP status came back
};

struct HubEndpoint {
  std::string url;      // "https://hub.example:8443" (no trailing path)
  std::string ca_file;  // PEM the hub must chain to; empty: the system's CAs
  bool allow_plain_http_loopback = false;
  std::string token;    // device token; empty for enrollment
};

struct TransportOptions {
  int connect_timeout_ms = 5000;
  int total_timeout_ms = 60000;      // the whole exchange
  int low_speed_bytes_per_s = 256;   // slower than this ...
  int low_speed_time_s = 15;         // ... for this long: abandoned as transient
  const std::atomic<bool>* abort = nullptr;  // set: the exchange in flight ends at once
  // A reply body longer than this is not read on: the exchange ends as
  // Misconfigured, error "reply_too_large" (a hub never sends that much).
  int64_t max_reply_bytes = 16 << 20;  // sync::kMaxReplyBytes
};

struct HubReply {
  NetKind kind = NetKind::Transient;
  long status = 0;         // HTTP status, 0 if none arrived
  std::string body;
  Reach reach = Reach::Unknown;
  int retry_after_s = -1;  // Retry-After, if the hub sent one (capped at 1 h)
  std::string error;       // short code for logs and the UI: "offline", "timeout", ...
  std::string detail;      // technical detail, no personal data
};

// http:// only to a loopback host and only when allowed; https:// otherwise.
Status check_hub_url(const std::string& url, bool allow_plain_http_loopback);

class HubTransport {
 public:
  HubTransport(HubEndpoint endpoint, TransportOptions options);
  ~HubTransport();
  HubTransport(const HubTransport&) = delete;
  HubTransport& operator=(const HubTransport&) = delete;

  HubReply post(std::string_view path, const std::string& json_body);
  HubReply get(std::string_view path_and_query);
  const HubEndpoint& endpoint() const;
  // TCP connections opened so far: one for the life of the transport while
  // the hub keeps the connection alive.
  int connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes a query value.
std::string url_escape(std::string_view s);

}  // namespace kiosk::sync
