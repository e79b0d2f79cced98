#include "sync/hub/enroll_limit.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "kiosk/base/log.hpp"

namespace kiosk::hub {

EnrollLimiter::EnrollLimiter(EnrollLimits limits) : limits_(limits) {
  global_.tokens = limits_.global_burst;
  global_.at_ms = -1;
}

std::string EnrollLimiter::address_key(const std::string& remote_addr) {
  unsigned char a[16];
  if (inet_pton(AF_INET, remote_addr.c_str(), a) == 1) return remote_addr;
  if (inet_pton(AF_INET6, remote_addr.c_str(), a) != 1) return "?";
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char buf[64];
  if (std::equal(a, a + 12, kMapped)) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%x:%x:%x:%x::/64", (a[0] << 8) | a[1], (a[2] << 8) | a[3],
                (a[4] << 8) | a[5], (a[6] << 8) | a[7]);
  return buf;
}

void EnrollLimiter::refill(Bucket& b, double burst, double per_minute, int64_t now_ms) {
  if (b.at_ms < 0) {  // new: full
    b.tokens = burst;
  } else if (now_ms > b.at_ms) {
    b.tokens = std::min(burst, b.tokens + per_minute * static_cast<double>(now_ms - b.at_ms) / 60000.0);
  }
  b.at_ms = std::max(b.at_ms, now_ms);
  if (b.tokens >= burst) b.logged = false;
}

void EnrollLimiter::forget_idle(int64_t now_ms) {
  // Full again (idle long enough): forgetting it changes nothing.
  for (auto it = by_address_.begin(); it != by_address_.end();) {
    const Bucket& b = it->second;
    const double would = b.tokens + limits_.per_address_per_minute *
                                        static_cast<double>(std::max<int64_t>(0, now_ms - b.at_ms)) / 60000.0;
    if (would >= limits_.per_address_burst) it = by_address_.erase(it);
    else ++it;
  }
  // Still full of busy addresses (a spread attack): the stalest go; the
  // hub-wide bucket still holds them all back.
  while (by_address_.size() >= limits_.max_addresses) {
    auto oldest = std::min_element(by_address_.begin(), by_address_.end(),
                                   [](const auto& x, const auto& y) { return x.second.at_ms < y.second.at_ms; });
    by_address_.erase(oldest);
  }
}

EnrollDecision EnrollLimiter::admit(const std::string& remote_addr, int64_t now_ms) {
  std::lock_guard lock(mu_);
  const std::string key = address_key(remote_addr);
  if (!by_address_.count(key) && by_address_.size() >= limits_.max_addresses) forget_idle(now_ms);
  auto [it, fresh] = by_address_.try_emplace(key);
  Bucket& mine = it->second;
  if (fresh) mine.at_ms = -1;
  refill(mine, limits_.per_address_burst, limits_.per_address_per_minute, now_ms);
  refill(global_, limits_.global_burst, limits_.global_per_minute, now_ms);

  auto wait_s = [](const Bucket& b, double per_minute) {
    const double need = 1.0 - b.tokens;
    const double s = per_minute > 0 ? std::ceil(need * 60.0 / per_minute) : 3600.0;
    return static_cast<int>(std::clamp(s, 1.0, 3600.0));
  };
  if (mine.tokens < 1.0) {
    if (!mine.logged) {
      mine.logged = true;
      log::event(log::Level::Warn, "hub", "enroll attempts limited",
                 {{"scope", "address"}, {"addr", key}});
    }
    return {false, wait_s(mine, limits_.per_address_per_minute), false};
  }
  if (global_.tokens < 1.0) {
    if (!global_.logged) {
      global_.logged = true;
      log::event(log::Level::Warn, "hub", "enroll attempts limited", {{"scope", "global"}});
    }
    return {false, wait_s(global_, limits_.global_per_minute), true};
  }
  mine.tokens -= 1.0;
  global_.tokens -= 1.0;
  return {};
}

}  // namespace kiosk::hub
