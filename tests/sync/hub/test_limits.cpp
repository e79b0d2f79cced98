// What one kiosk's token, or anyone on the network, may cost the hub: the
// per-kiosk quota and the enrollment limiter on their own, with a clock the
// test moves (no waiting), and the bounded heartbeat.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kiosk/base/log.hpp"
#include "sync/hub/enroll_limit.hpp"
#include "sync/hub/heartbeat.hpp"
#include "sync/hub/quota.hpp"

using namespace kiosk;
using namespace kiosk::hub;

namespace {
constexpr int64_t kT0 = 1'800'000'000'000;  // a minute boundary
constexpr int64_t kMin = 60'000;
}  // namespace

TEST_CASE("quota: requests per hour per kiosk, all or nothing, with the wait until there is room") {
  KioskQuota q(QuotaLimits{10, 1 << 20});
  CHECK(q.reserve(1, 6, 100, kT0).allowed);
  CHECK(q.reserve(1, 4, 100, kT0 + 10 * kMin).allowed);
  QuotaDecision d = q.reserve(1, 1, 1, kT0 + 20 * kMin);
  CHECK(!d.allowed);
  // The 6 of minute 0 leave the window at minute 60: 40 minutes from now.
  CHECK(d.retry_after_s == 40 * 60);
  CHECK(q.used(1, kT0 + 20 * kMin).requests == 10);
  // Another kiosk has its own hour.
  CHECK(q.reserve(2, 10, 100, kT0 + 20 * kMin).allowed);
  // Refused claims hold nothing; at minute 60 the first 6 are gone.
  CHECK(q.used(1, kT0 + 60 * kMin).requests == 4);
  CHECK(q.reserve(1, 6, 100, kT0 + 60 * kMin).allowed);
  CHECK(!q.reserve(1, 1, 1, kT0 + 60 * kMin).allowed);
}

TEST_CASE("quota: bytes per hour, and a claim larger than the whole limit waits for an empty window") {
  KioskQuota q(QuotaLimits{1000, 1000});
  CHECK(q.reserve(7, 1, 900, kT0).allowed);
  QuotaDecision d = q.reserve(7, 1, 200, kT0 + 5 * kMin);
  CHECK(!d.allowed);
  CHECK(d.retry_after_s == 55 * 60);
  QuotaDecision big = q.reserve(8, 1, 5000, kT0);
  CHECK(!big.allowed);
  CHECK(big.retry_after_s >= 1);
  // The whole of 16,500 requests in 10 s, as the attack did: 600 get through.
  KioskQuota dflt;
  int allowed = 0;
  for (int i = 0; i < 16500; ++i)
    if (dflt.reserve(3, 1, 15000 / 16500 + 1, kT0 + i * 10000 / 16500).allowed) ++allowed;
  CHECK(allowed == 600);
}

TEST_CASE("enroll limiter: a burst per address, then one try every ten seconds, other addresses unaffected") {
  std::vector<std::string> lines;
  log::set_sink([&](std::string_view l) { lines.emplace_back(l); });
  EnrollLimiter lim;  // burst 10, 6 a minute per address
  int ok = 0;
  EnrollDecision last;
  for (int i = 0; i < 1000; ++i) {
    last = lim.admit("192.0.2.7", kT0 + i);  // a thousand tries in one second
    if (last.allowed) ++ok;
  }
  CHECK(ok == 10);
  CHECK(!last.allowed);
  CHECK(!last.global);
  CHECK(last.retry_after_s == 10);
  // One line for the burst, not a line per refused try.
  int limited = 0;
  for (const auto& l : lines)
    if (l.find("enroll attempts limited") != std::string::npos) ++limited;
  CHECK(limited == 1);
  CHECK(lim.admit("192.0.2.8", kT0 + 1000).allowed);
  CHECK(lim.admit("192.0.2.7", kT0 + 11'000).allowed);  // refilled one
  CHECK(!lim.admit("192.0.2.7", kT0 + 11'001).allowed);
  log::set_sink(nullptr);
}

TEST_CASE("enroll limiter: the whole hub has a ceiling, an IPv6 host counts by its /64") {
  EnrollLimits l;
  l.global_burst = 20;
  l.global_per_minute = 20;
  EnrollLimiter lim(l);
  int ok = 0;
  EnrollDecision last;
  for (int i = 0; i < 200; ++i) {  // 200 addresses, 1 try each
    last = lim.admit("198.51.100." + std::to_string(i % 250), kT0);
    if (last.allowed) ++ok;
  }
  CHECK(ok == 20);
  CHECK(last.global);
  CHECK(last.retry_after_s == 3);
  CHECK(EnrollLimiter::address_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64");
  CHECK(EnrollLimiter::address_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64");
  CHECK(EnrollLimiter::address_key("::ffff:192.0.2.1") == "192.0.2.1");
  CHECK(EnrollLimiter::address_key("not an address") == "?");
}

TEST_CASE("enroll limiter: the address table stays bounded under a spread of addresses") {
  EnrollLimits l;
  l.max_addresses = 64;
  l.global_burst = 1e9;
  l.global_per_minute = 1e9;
  EnrollLimiter lim(l);
  for (int i = 0; i < 5000; ++i)
    for (int k = 0; k < 11; ++k)
      (void)lim.admit("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250), kT0 + i);
  // A fresh address still gets its tries; the latest busy one is still held back.
  CHECK(lim.admit("10.200.0.1", kT0 + 5000).allowed);
  CHECK(!lim.admit("10.0.19.249", kT0 + 5000).allowed);
}

TEST_CASE("heartbeat: known fields within bounds, a 7 MiB string, a huge count or another key is refused") {
  auto ok = parse_heartbeat_bounded(
      R"({"app_version":"0.1.0","content_version":"2026.11","queue_depth":3,"quarantined":0,)"
      R"("oldest_queued_age_s":5400,"last_sync_error":"hub_rejected:invalid","free_disk_bytes":52613349376,"uptime_s":86400})");
  REQUIRE(ok.ok());
  CHECK(ok->queue_depth == 3);
  CHECK(ok->last_sync_error == "hub_rejected:invalid");
  CHECK(parse_heartbeat_bounded("{}").ok());
  CHECK(parse_heartbeat_bounded(R"({"queue_depth":null})").ok());

  const std::string huge(7u << 20, 'a');
  CHECK(parse_heartbeat_bounded(R"({"last_sync_error":")" + huge + "\"}").error().kind == ErrorKind::BadJson);
  CHECK(parse_heartbeat_bounded(R"({"last_sync_error":")" + std::string(65, 'a') + "\"}").error().field == "last_sync_error");
  CHECK(parse_heartbeat_bounded(R"({"app_version":"\u001b[31m"})").error().field == "app_version");
  CHECK(parse_heartbeat_bounded(R"({"queue_depth":1099511627776})").error().field == "queue_depth");
  CHECK(parse_heartbeat_bounded(R"({"queue_depth":-1})").error().field == "queue_depth");
  CHECK(parse_heartbeat_bounded(R"({"uptime_s":"1"})").error().field == "uptime_s");
  CHECK(parse_heartbeat_bounded(R"({"note":"hello"})").error().kind == ErrorKind::BadField);
  CHECK(parse_heartbeat_bounded(R"({"queue_depth":1,"queue_depth":2})").error().kind == ErrorKind::BadJson);
  CHECK(parse_heartbeat_bounded(R"({"a":{"b":[1]}})").error().kind == ErrorKind::BadJson);
  CHECK(parse_heartbeat_bounded("[1]").error().kind == ErrorKind::BadJson);
}
