// Per-kiosk upload quotas: what one device token may store in an hour, in
// requests and in bytes (docs/sync-protocol.md, "Quotas"). A sliding window
// of one hour kept in one-minute buckets, in memory (a restart of the hub
// forgets it; an hour's worth is the most it can cost). No clock of its own:
// every call says what time it is, so tests move time on without waiting.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>

namespace kiosk::hub {

struct QuotaLimits {
  int64_t requests_per_hour = 600;     // a busy hall sends a few dozen an hour
  int64_t bytes_per_hour = 8 << 20;    // canonical item bytes (answers included)
};

struct QuotaDecision {
  bool allowed = true;
  int retry_after_s = 0;  // when refused: seconds until the window has room (>= 1)
};

class KioskQuota {
 public:
  explicit KioskQuota(QuotaLimits limits = {});

  // Holds `requests` and `bytes` for the kiosk when they fit in its last
  // hour, all or nothing; else says how long until they will. A claim larger
  // than the whole limit never fits: it is told to wait for an empty window
  // (the kiosk halves its batch after a 429, so a smaller one comes next).
  QuotaDecision reserve(int64_t kiosk_id, int64_t requests, int64_t bytes, int64_t now_ms);

  // What the kiosk holds in its last hour (for tests and the admin).
  struct Usage {
    int64_t requests = 0, bytes = 0;
  };
  Usage used(int64_t kiosk_id, int64_t now_ms) const;

  const QuotaLimits& limits() const { return limits_; }

 private:
  struct Bucket {
    int64_t minute = 0;  // now_ms / 60000
    int64_t requests = 0, bytes = 0;
  };
  using Window = std::deque<Bucket>;
  static void expire(Window& w, int64_t now_ms);

  QuotaLimits limits_;
  mutable std::mutex mu_;
  mutable std::map<int64_t, Window> windows_;
};

}  // namespace kiosk::hub
