#include "sync/hub/quota.hpp"

#include <algorithm>

namespace kiosk::hub {

namespace {
constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kWindowMinutes = 60;
}  // namespace

KioskQuota::KioskQuota(QuotaLimits limits) : limits_(limits) {}

// A bucket of minute m counts while now is before the end of minute m + 60.
void KioskQuota::expire(Window& w, int64_t now_ms) {
  const int64_t now_minute = now_ms / kMinuteMs;
  while (!w.empty() && w.front().minute + kWindowMinutes <= now_minute) w.pop_front();
}

QuotaDecision KioskQuota::reserve(int64_t kiosk_id, int64_t requests, int64_t bytes,
                                  int64_t now_ms) {
  std::lock_guard lock(mu_);
  Window& w = windows_[kiosk_id];
  expire(w, now_ms);
  int64_t used_n = 0, used_b = 0;
  for (const auto& b : w) {
    used_n += b.requests;
    used_b += b.bytes;
  }
  const bool too_big = requests > limits_.requests_per_hour || bytes > limits_.bytes_per_hour;
  if (!too_big && used_n + requests <= limits_.requests_per_hour &&
      used_b + bytes <= limits_.bytes_per_hour) {
    const int64_t minute = now_ms / kMinuteMs;
    if (w.empty() || w.back().minute != minute) w.push_back(Bucket{minute, 0, 0});
    w.back().requests += requests;
    w.back().bytes += bytes;
    return {};
  }
  // The oldest buckets leave first: the claim fits once enough have left.
  int64_t free_at_ms = now_ms + kMinuteMs;  // an empty window, or a claim too big for any
  for (const auto& b : w) {
    used_n -= b.requests;
    used_b -= b.bytes;
    free_at_ms = (b.minute + kWindowMinutes) * kMinuteMs;
    if (!too_big && used_n + requests <= limits_.requests_per_hour &&
        used_b + bytes <= limits_.bytes_per_hour)
      break;
  }
  const int64_t wait_ms = std::max<int64_t>(free_at_ms - now_ms, 1000);
  return {false, static_cast<int>((wait_ms + 999) / 1000)};
}

KioskQuota::Usage KioskQuota::used(int64_t kiosk_id, int64_t now_ms) const {
  std::lock_guard lock(mu_);
  Usage u;
  auto it = windows_.find(kiosk_id);
  if (it == windows_.end()) return u;
  expire(it->second, now_ms);
  for (const auto& b : it->second) {
    u.requests += b.requests;
    u.bytes += b.bytes;
  }
  return u;
}

}  // namespace kiosk::hub
