// One long-lived client per sync thread: five cycles go over one TCP
// connection (counted at the proxy, on the hub's side of the wire), and the
// heartbeat reports the content version the UI recorded.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "kiosk/install/install.hpp"
#include "kiosk/store/store.hpp"
#include "sync/client/sync_service.hpp"
#include "sync/hub/hub_db.hpp"
#include "tests/sync/support/fault_proxy.hpp"
#include "tests/sync/support/support.hpp"

using namespace kiosk;
using namespace kiosk::synctest;

namespace {

// Guards against a hang only; the checks are on counts.
template <class F>
bool eventually(F f) {
  for (int i = 0; i < 3000; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return f();
}

}  // namespace

TEST_CASE("the sync thread keeps one connection to the hub alive over five cycles") {
  TempDir tmp;
  const std::string hub_dir = tmp.path + "/hub", kdir = tmp.path + "/kiosk";
  HubProcess hub(hub_dir);
  hub.start();
  FaultProxy proxy(hub.port());
  enroll(kdir, hub, "http://127.0.0.1:" + std::to_string(proxy.port()));
  const int enroll_connections = proxy.accepted();
  auto install = Install::open(kdir);
  REQUIRE(install.ok());
  // What the touch UI records at start: the bundle it shows.
  REQUIRE(open_kiosk_store(kdir)->set_setting(kSettingContentVersion, "2026.12-shown").ok());

  sync::SyncServiceOptions o;
  o.idle_interval_s = 3600;     // only send_now() starts a cycle
  o.heartbeat_interval_s = 0;   // a heartbeat every cycle: three exchanges each
  sync::SyncService svc(*install, o);
  std::vector<std::string> ids;
  for (int cycle = 1; cycle <= 5; ++cycle) {
    auto more = queue_requests(kdir, 2);
    ids.insert(ids.end(), more.begin(), more.end());
    if (cycle == 1) svc.start();  // its first cycle runs at once
    else svc.send_now();
    REQUIRE(eventually([&] { return svc.status().cycles >= cycle; }));
    auto s = svc.status();
    REQUIRE(s.last_error.empty());
    CHECK(s.online);
    CHECK(s.waiting == 0);
  }
  const auto s = svc.status();
  svc.stop();
  CHECK(proxy.forwarded() >= 15);  // upload, status, heartbeat, five times
  CHECK(proxy.accepted() - enroll_connections == 1);
  CHECK(s.connections == 1);
  check_exactly_once(hub_dir, ids, {kdir});

  auto db = hub::HubDb::open(hub_dir + "/hub.db");
  REQUIRE(db.ok());
  auto kiosks = (*db)->list_kiosks();
  REQUIRE(kiosks.ok());
  REQUIRE(kiosks->size() == 1);
  auto hb = nlohmann::json::parse(kiosks->front().heartbeat_json);
  CHECK(hb["content_version"] == "2026.12-shown");
}
