// The background SyncService: drains the queue without anyone waiting on
// it, wakes on send_now(), honours Retry-After, stops on a revoked token.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/sync/support/fault_proxy.hpp"
#include "tests/sync/support/support.hpp"
#include "sync/client/sync_client.hpp"
#include "sync/client/sync_service.hpp"

using namespace kiosk::synctest;
using kiosk::sync::SyncService;
using kiosk::sync::SyncServiceOptions;

namespace {
template <class F>
bool eventually(F f, int ms) {
  for (int i = 0; i < ms / 20; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return f();
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
  auto t0 = std::chrono::steady_clock::now();
  svc.start();
  CHECK(eventually([&] { return svc.status().last_error == "hub_busy"; }, 3000));
  auto s = svc.status();
  CHECK(s.hub_configured);
  CHECK(s.waiting == 50);
  CHECK(s.next_attempt_ms - kiosk::sync::unix_ms() > 1000);  // Retry-After: 2 s, not 200 ms
  CHECK(eventually([&] { return svc.status().online && svc.status().waiting == 0; }, 6000));
  auto waited = std::chrono::steady_clock::now() - t0;
  CHECK(waited >= std::chrono::milliseconds(1900));
  check_exactly_once(hub_dir, ids, {kdir});

  auto more = queue_requests(kdir, 7);
  // The UI sees the new requests waiting without any sync (refreshed every 2 s).
  CHECK(eventually([&] { return svc.status().waiting == 7; }, 3000));
  svc.send_now();
  CHECK(eventually([&] { return svc.status().waiting == 0 && svc.status().online; }, 3000));
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
  CHECK(eventually([&] { return svc.status().stopped; }, 3000));
  int seen = proxy.forwarded();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // two idle intervals
  CHECK(proxy.forwarded() == seen);
  CHECK(svc.status().last_error == "revoked");
  CHECK(svc.status().waiting == 3);
  // A technician re-enrolls: the service notices the new token and drains.
  enroll(kdir, hub, "http://127.0.0.1:" + std::to_string(proxy.port()));
  CHECK(eventually([&] { return svc.status().waiting == 0 && !svc.status().stopped; }, 5000));
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
  proxy.inject(Fault::SlowResponse, 1, /*delay_ms=*/20000);
  SyncServiceOptions o;
  o.total_timeout_ms = 60000;
  const int before = proxy.forwarded();
  auto svc = std::make_unique<SyncService>(kdir, o);
  svc->start();
  // (forwarded() already counts the enrollment: wait for the held answer itself.)
  CHECK(eventually([&] { return proxy.faulted() == 1 && proxy.forwarded() > before; }, 3000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto t0 = std::chrono::steady_clock::now();
  svc->stop();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  // The batch it abandoned went through at the hub; the next run finds it a duplicate.
  auto r = run_kiosk(kdir, {"--json", "sync", "--once"});
  CHECK_MESSAGE(r.code == 0, r.out);
  CHECK(nlohmann::json::parse(r.out)["duplicates"] == 5);
  check_exactly_once(hub_dir, ids, {kdir});
}
