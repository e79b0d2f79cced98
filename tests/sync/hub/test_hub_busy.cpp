// A hub whose handlers are all busy answers 503 busy with Retry-After: 1
// (sync/hub/handler_pool.hpp); the real kiosk takes it as "retry later",
// keeps its queue and delivers once the hub has room.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "kiosk/base/clock.hpp"
#include "sync/client/transport.hpp"
#include "sync/hub/hub_server.hpp"
#include "tests/sync/support/support.hpp"

using namespace kiosk;
using namespace kiosk::synctest;

namespace {

template <class F>
bool eventually(F f) {
  for (int i = 0; i < 1000; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return f();
}

std::unique_ptr<hub::HubServer> serve(const std::string& dir, int port, size_t max_queued) {
  hub::HubOptions o;
  o.data_dir = dir;
  o.port = port;
  o.allow_plain_http = true;
  o.quiet = true;
  o.threads = 1;
  o.max_queued = max_queued;
  auto s = hub::HubServer::create(o);
  REQUIRE(s.ok());
  return std::move(*s);
}

}  // namespace

TEST_CASE("hub busy: a kiosk facing 503 with Retry-After keeps its queue and delivers later") {
  TempDir hub_dir, kiosk_dir;
  auto hub = serve(hub_dir.path, 0, 1);
  const int port = hub->port();
  std::thread loop([&] { hub->run(); });
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  auto code = hub->db().add_kiosk("忙碌测试", unix_now_ms(), 3600000);
  REQUIRE(code.ok());
  REQUIRE(run_kiosk(kiosk_dir.path, {"enroll", "--hub", url, "--code", code->code,
                                     "--allow-plain-http-loopback"}).code == 0);
  auto other = hub->db().add_kiosk("占用", unix_now_ms(), 3600000);
  REQUIRE(other.ok());
  sync::HubTransport enrolling({url, "", true, ""}, {});
  auto e = sync::parse_enroll_response(
      enrolling.post(sync::kPathEnroll, sync::to_json(sync::EnrollRequest{other->code, "t"})).body);
  REQUIRE(e.ok());
  auto ids = queue_requests(kiosk_dir.path, 3);

  // Another writer holds hub.db: the one handler thread waits in its commit
  // and the one place in the queue is taken.
  sqlite3* lock = nullptr;
  REQUIRE(sqlite3_open((hub_dir.path + "/hub.db").c_str(), &lock) == SQLITE_OK);
  REQUIRE(sqlite3_exec(lock, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  std::atomic<int> held_done{0};
  std::vector<std::thread> holders;
  for (int i = 0; i < 2; ++i) {
    holders.emplace_back([&] {
      sync::HubTransport t({url, "", true, e->token}, {});
      (void)t.post(sync::kPathHeartbeat, R"({"queue_depth":1})");
      ++held_done;
    });
    if (i == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(eventually([&] { return hub->queued_requests() == 1; }));

  RunResult busy = run_kiosk(kiosk_dir.path, {"--json", "sync", "--once", "--connect-timeout-ms", "500",
                                              "--timeout-ms", "2000"});
  sqlite3_exec(lock, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(lock);
  CHECK(busy.code == 4);  // retry later
  auto j = nlohmann::json::parse(busy.out, nullptr, false);
  CHECK(j.value("retry_after_s", -1) == 1);
  KioskView v = kiosk_view(kiosk_dir.path);
  CHECK(v.queued == 3);
  CHECK(v.delivered == 0);
  CHECK(v.quarantined == 0);
  for (auto& t : holders) t.join();
  CHECK(held_done == 2);

  // The handlers are free again: the kiosk delivers all three.
  CHECK(sync_until_ok(kiosk_dir.path, 3) >= 1);
  CHECK(kiosk_view(kiosk_dir.path).delivered == 3);
  CHECK(hub->db().count_requests() == 3);
  hub->stop();
  loop.join();
}
