// retention_days holds on every path that delivers: the background sync
// thread and `sync --once` open the queue through the Install, so a request
// delivered to a real hub loses its answers one configured day later. The
// day passes on an injected clock; nothing here waits on the wall clock.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "kiosk/install/install.hpp"
#include "kiosk/store/store.hpp"
#include "sync/client/sync_service.hpp"
#include "tests/sync/support/support.hpp"

using namespace kiosk;
using namespace kiosk::synctest;
using nlohmann::json;

namespace {

constexpr int64_t kHourMs = 3600LL * 1000;
constexpr int64_t kDayMs = 24 * kHourMs;

// enroll wrote the hub into config.json; the installer then sets retention.
void set_retention_days(const std::string& dir, int days) {
  const std::string path = dir + "/config.json";
  std::ifstream in(path);
  json cfg = json::parse(in);
  cfg["retention_days"] = days;
  std::ofstream(path) << cfg.dump(2);
}

// Answers still held, per id, read as the kiosk would.
std::vector<bool> answers_held(const std::string& dir, const std::vector<std::string>& ids) {
  auto store = open_kiosk_store(dir);
  std::vector<bool> held;
  for (const auto& id : ids) {
    auto r = store->find(id);
    REQUIRE(r);
    CHECK((r->state == RequestState::Delivered || r->state == RequestState::Handled));
    held.push_back(r->has_answers());
  }
  return held;
}

// Guards against a hang only: what is checked is the store, not the time taken.
template <class F>
bool eventually(F f) {
  for (int i = 0; i < 3000; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return f();
}

int sync_once(const std::string& dir, int64_t now) {
  cli::CommandTable table;
  cli::register_sync_commands(table);
  std::ostringstream out, err;
  cli::CliEnv env;
  env.data_dir = dir;
  env.clock = [now] { return now; };
  env.args = {"--once", "--connect-timeout-ms", "2000", "--timeout-ms", "10000"};
  env.out = &out;
  env.err = &err;
  const int code = table.find("sync")->run(env);
  INFO(err.str());
  return code;
}

}  // namespace

TEST_CASE("retention_days 1: the sync thread purges a delivered request's answers a day later") {
  TempDir tmp;
  const std::string hub_dir = tmp.path + "/hub", kdir = tmp.path + "/kiosk";
  HubProcess hub(hub_dir);
  hub.start();
  enroll(kdir, hub, hub.url());
  set_retention_days(kdir, 1);
  const int64_t t0 = unix_now_ms();
  std::atomic<int64_t> now{t0};
  auto install = Install::open(kdir, [&] { return now.load(); });
  REQUIRE(install.ok());
  auto ids = queue_requests(kdir, 3, "legal", t0);

  sync::SyncServiceOptions o;
  o.idle_interval_s = 3600;  // only send_now() starts a cycle
  sync::SyncService svc(*install, o);
  svc.start();
  auto cycles_reach = [&](int64_t n) { return eventually([&] { return svc.status().cycles >= n; }); };
  REQUIRE(cycles_reach(1));
  REQUIRE(svc.status().waiting == 0);
  CHECK(svc.status().last_error.empty());
  CHECK(answers_held(kdir, ids) == std::vector<bool>{true, true, true});

  // Not yet a day after delivery: kept.
  now = t0 + kDayMs - 2 * kHourMs;
  svc.send_now();
  REQUIRE(cycles_reach(2));
  CHECK(answers_held(kdir, ids) == std::vector<bool>{true, true, true});

  // A day and an hour on: gone, though nothing new was delivered (with the
  // default 30 days they would stay).
  now = t0 + kDayMs + kHourMs;
  svc.send_now();
  REQUIRE(cycles_reach(3));
  svc.stop();
  CHECK(answers_held(kdir, ids) == std::vector<bool>{false, false, false});
  check_exactly_once(hub_dir, ids, {kdir});
}

TEST_CASE("retention_days 1: sync --once purges a delivered request's answers a day later") {
  TempDir tmp;
  const std::string hub_dir = tmp.path + "/hub", kdir = tmp.path + "/kiosk";
  HubProcess hub(hub_dir);
  hub.start();
  enroll(kdir, hub, hub.url());
  set_retention_days(kdir, 1);
  const int64_t t0 = unix_now_ms();
  auto ids = queue_requests(kdir, 2, "legal", t0);

  REQUIRE(sync_once(kdir, t0) == 0);
  CHECK(answers_held(kdir, ids) == std::vector<bool>{true, true});
  REQUIRE(sync_once(kdir, t0 + kDayMs - kHourMs) == 0);
  CHECK(answers_held(kdir, ids) == std::vector<bool>{true, true});

  // A request delivered on the second day keeps its answers while the
  // first day's go.
  auto later = queue_requests(kdir, 1, "legal", t0 + kDayMs);
  REQUIRE(sync_once(kdir, t0 + kDayMs) == 0);
  REQUIRE(sync_once(kdir, t0 + kDayMs + kHourMs) == 0);
  CHECK(answers_held(kdir, ids) == std::vector<bool>{false, false});
  CHECK(answers_held(kdir, later) == std::vector<bool>{true});
  ids.insert(ids.end(), later.begin(), later.end());
  check_exactly_once(hub_dir, ids, {kdir});
}
