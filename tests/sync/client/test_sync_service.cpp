// The background SyncService: drains the queue without anyone waiting on
// it, wakes on send_now(), honours Retry-After, stops on a revoked token.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "sync/client/sync_client.hpp"
#include "sync/client/sync_service.hpp"
#include "tests/sync/support/fault_proxy.hpp"
#include "tests/sync/support/support.hpp"

using namespace kiosk::synctest;
using kiosk::sync::SyncService;
using kiosk::sync::SyncServiceOptions;

namespace {
// Waits for what the service reports. The bound only fails a hung service:
// no test here says how fast anything must happen.
constexpr auto kBound = std::chrono::seconds(60);

template <class F>
bool eventually(F f) {
  const auto end = std::chrono::steady_clock::now() + kBound;
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return f();
}

// Waits until the service has planned `n` more attempts from now (each
// pass of its loop publishes the time of the next one).
bool passes(SyncService& svc, int n) {
  int64_t last = svc.status().next_attempt_ms;
  for (int i = 0; i < n; ++i) {
    if (!eventually([&] { return svc.status().next_attempt_ms != last; })) return false;
    last = svc.status().next_attempt_ms;
  }
  return true;
}
}  // namespace

TEST_CASE("SyncService drains in the background, wakes on send_now, honours Retry-After") {
  TempDir tmp;
  std::string hub_dir = tmp.path + "/hub", kdir = tmp.path + "/kiosk";
  HubProcess hub(hub_dir);
  hub.start();
  FaultProxy proxy(hub.port());
  enroll(kdir, hub, "http://127.0.0.1:" + std::to_string(proxy.port()));
  auto ids = queue_requests(kdir, 50);
  SyncServiceOptions o;
  o.idle_interval_s = 3600;  // only send_now() or a retry can start a cycle
  o.backoff_base_ms = 200;
  o.connect_timeout_ms = 500;
  o.total_timeout_ms = 2000;
  SyncService svc(kdir, o);
  proxy.inject(Fault::Status503, 1, 0, /*retry_after_s=*/2);
  // The 503 comes after this instant, so a retry that honours Retry-After
  // is planned at least 2 s after it (the 200 ms backoff would be far
  // earlier): the service's own times, not how long the test waited.
  const int64_t before_ms = kiosk::unix_now_ms();
  svc.start();
  CHECK(eventually([&] { return svc.status().last_error == "hub_busy"; }));
  auto s = svc.status();
  CHECK(s.hub_configured);
  CHECK(s.waiting == 50);
  CHECK(s.next_attempt_ms >= before_ms + 2000);
  CHECK(eventually([&] { return svc.status().online && svc.status().waiting == 0; }));
  // It did not go before its plan.
  CHECK(svc.status().last_success_ms >= s.next_attempt_ms);
  check_exactly_once(hub_dir, ids, {kdir});

  auto more = queue_requests(kdir, 7);
  // The UI sees the new requests waiting without any sync (refreshed every 2 s).
  CHECK(eventually([&] { return svc.status().waiting == 7; }));
  // The idle interval is an hour: only send_now() can start this cycle.
  svc.send_now();
  CHECK(eventually([&] { return svc.status().waiting == 0 && svc.status().online; }));
  ids.insert(ids.end(), more.begin(), more.end());
  svc.stop();
  check_exactly_once(hub_dir, ids, {kdir});
}

TEST_CASE("SyncService stops on a revoked kiosk instead of hammering the hub") {
  TempDir tmp;
  std::string hub_dir = tmp.path + "/hub", kdir = tmp.path + "/kiosk";
  HubProcess hub(hub_dir);
  hub.start();
  FaultProxy proxy(hub.port());
  std::string kiosk_id;
  std::string code = hub.add_kiosk("x", &kiosk_id);
  REQUIRE(run_kiosk(kdir, {"enroll", "--hub", "http://127.0.0.1:" + std::to_string(proxy.port()), "--code", code,
                       "--allow-plain-http-loopback"}).code == 0);
  REQUIRE(hub.revoke(kiosk_id) == 0);
  auto ids = queue_requests(kdir, 3);
  SyncServiceOptions o;
  o.idle_interval_s = 1;
  o.backoff_base_ms = 100;
  SyncService svc(kdir, o);
  svc.start();
  CHECK(eventually([&] { return svc.status().stopped; }));
  int seen = proxy.forwarded();
  // Two more passes of its loop (idle intervals as the service counts
  // them), and the hub heard nothing from it.
  CHECK(passes(svc, 2));
  CHECK(proxy.forwarded() == seen);
  CHECK(svc.status().last_error == "revoked");
  CHECK(svc.status().waiting == 3);
  // A technician re-enrolls: the service notices the new token and drains.
  enroll(kdir, hub, "http://127.0.0.1:" + std::to_string(proxy.port()));
  CHECK(eventually([&] { return svc.status().waiting == 0 && !svc.status().stopped; }));
  svc.stop();
  check_exactly_once(hub_dir, ids, {kdir});
}

TEST_CASE("SyncService::stop() abandons an exchange in flight at once") {
  TempDir tmp;
  std::string hub_dir = tmp.path + "/hub", kdir = tmp.path + "/kiosk";
  HubProcess hub(hub_dir);
  hub.start();
  FaultProxy proxy(hub.port());
  enroll(kdir, hub, "http://127.0.0.1:" + std::to_string(proxy.port()));
  auto ids = queue_requests(kdir, 5);
  // The hub's answer is held far longer than anything else here takes.
  constexpr int kHeldMs = 20000;
  proxy.inject(Fault::SlowResponse, 1, kHeldMs);
  SyncServiceOptions o;
  o.total_timeout_ms = 60000;
  const int before = proxy.forwarded();
  auto svc = std::make_unique<SyncService>(kdir, o);
  svc->start();
  // (forwarded() already counts the enrollment: wait for the held answer itself.)
  REQUIRE(eventually([&] { return proxy.faulted() == 1 && proxy.forwarded() > before; }));
  // The request reached the hub and its answer is being held: stop() now
  // is in flight. It returns before the answer is let go; that it never
  // got the answer shows below (the batch comes back as duplicates).
  svc->stop();
  // Returned while the answer was still held: an event, not a stopwatch.
  CHECK(proxy.released() == 0);
  // The batch it abandoned went through at the hub; the next run finds it a duplicate.
  auto r = run_kiosk(kdir, {"--json", "sync", "--once"});
  CHECK_MESSAGE(r.code == 0, r.out);
  CHECK(nlohmann::json::parse(r.out)["duplicates"] == 5);
  check_exactly_once(hub_dir, ids, {kdir});
}
