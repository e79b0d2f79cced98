// How fast enrollment codes may be tried (docs/sync-protocol.md,
// "Enrollment limits"): a token bucket per client address (an IPv6 address
// counts by its /64, which one host can fill alone) and one for the whole
// hub, in memory. A burst is logged once when it starts being refused, not a
// line per attempt. No clock of its own: every call says what time it is.
// The per-code side (a code retired after a few wrong tries naming it) is in
// HubDb::enroll, which knows the codes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace kiosk::hub {

struct EnrollLimits {
  // A technician types a code once; a few typing mistakes are allowed for.
  double per_address_burst = 10;
  double per_address_per_minute = 6;
  double global_burst = 60;
  double global_per_minute = 60;
  int code_failures = 5;        // wrong tries naming one code before it is retired
  std::size_t max_addresses = 4096;  // addresses remembered (idle ones are forgotten first)
};

struct EnrollDecision {
  bool allowed = true;
  int retry_after_s = 0;       // when refused (>= 1)
  bool global = false;         // refused by the hub-wide bucket
};

class EnrollLimiter {
 public:
  explicit EnrollLimiter(EnrollLimits limits = {});

  // One attempt from `remote_addr` at `now_ms`: takes a token from its
  // address's bucket and from the hub's, or says how long to wait.
  EnrollDecision admit(const std::string& remote_addr, int64_t now_ms);

  const EnrollLimits& limits() const { return limits_; }

  // The key an address is counted under: IPv4 as is, IPv6 by its /64
  // ("2001:db8:1:2::/64"), an IPv4-mapped IPv6 as its IPv4; anything that
  // does not parse counts as one key ("?").
  static std::string address_key(const std::string& remote_addr);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t at_ms = 0;
    bool logged = false;  // this burst was logged; cleared once the bucket is full again
  };
  static void refill(Bucket& b, double burst, double per_minute, int64_t now_ms);
  void forget_idle(int64_t now_ms);

  EnrollLimits limits_;
  std::mutex mu_;
  Bucket global_;
  std::map<std::string, Bucket> by_address_;
};

}  // namespace kiosk::hub
