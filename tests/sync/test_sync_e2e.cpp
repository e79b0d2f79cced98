// The kiosk's queue against a real union-hub on loopback, through real
// failures. Every scenario ends the same way: the hub holds exactly the
// requests the kiosk queued (none lost, none twice, in order) and the
// kiosk's queue is drained.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/sync/support/fault_proxy.hpp"
#include "kiosk/store/store.hpp"
#include "tests/sync/support/support.hpp"

using namespace kiosk::synctest;
using nlohmann::json;

namespace {

struct Fixture {
  TempDir tmp;
  std::string hub_dir = tmp.path + "/hub";
  std::string kiosk_dir = tmp.path + "/kiosk";
};

// True once the hub holds more than `n` requests while the kiosk `k` is
// still sending; false if the kiosk finished first or nothing came. The
// bound only fails a hung sync: a busy machine just takes longer.
bool held_soon(const std::string& hub_dir, size_t n, Proc& k) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < end) {
    if (hub_view(hub_dir).ids.size() > n) return true;
    if (!k.running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace

TEST_CASE("hub down at start, then up") {
  Fixture f;
  int port = free_port();
  HubProcess hub(f.hub_dir, port);
  hub.start();
  enroll(f.kiosk_dir, hub, hub.url());
  hub.stop();
  auto ids = queue_requests(f.kiosk_dir, 120);
  auto r = run_kiosk(f.kiosk_dir, fast_sync_args());
  CHECK(r.code == 4);  // retry later
  CHECK(kiosk_view(f.kiosk_dir).queued == 120);
  auto st = run_kiosk(f.kiosk_dir, {"--json", "sync", "status"});
  CHECK(json::parse(st.out)["last_error"] == "offline");
  hub.start();
  CHECK(sync_until_ok(f.kiosk_dir, 3) == 1);
  check_exactly_once(f.hub_dir, ids, {f.kiosk_dir});
}

TEST_CASE("hub killed with SIGKILL in the middle of a batch, then restarted") {
  Fixture f;
  HubProcess hub(f.hub_dir, free_port());
  hub.start();
  enroll(f.kiosk_dir, hub, hub.url());
  auto ids = queue_requests(f.kiosk_dir, 3000);
  // Small batches so the kill lands between and inside many of them.
  std::vector<std::string> args = fast_sync_args();
  args.insert(args.end(), {"--batch-items", "20"});
  std::vector<std::string> argv = {kiosk_binary(), "--data-dir", f.kiosk_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  Proc k = spawn(argv, f.tmp.path + "/kiosk.log");
  // Wait until the hub has part of the backlog, then kill it.
  REQUIRE(held_soon(f.hub_dir, 300, k));
  hub.kill9();
  int code = k.wait();
  CHECK(code == 4);
  size_t held = hub_view(f.hub_dir).ids.size();
  MESSAGE("hub held " << held << " of " << ids.size() << " when killed");
  CHECK(held > 0);
  CHECK(held < ids.size());
  hub.start();
  CHECK(sync_until_ok(f.kiosk_dir, 3) == 1);
  check_exactly_once(f.hub_dir, ids, {f.kiosk_dir});
}

TEST_CASE("network faults through a proxy: reset, slow, trickle, 500, 503, not JSON") {
  Fixture f;
  HubProcess hub(f.hub_dir);
  hub.start();
  FaultProxy proxy(hub.port());
  enroll(f.kiosk_dir, hub, "http://127.0.0.1:" + std::to_string(proxy.port()));
  std::vector<std::string> all;

  struct Case {
    const char* name;
    Fault fault;
    int times;
  };
  const Case cases[] = {
      {"reset mid-response", Fault::ResetMidResponse, 2},
      {"response slower than the timeout", Fault::SlowResponse, 1},
      {"trickle of one byte a second", Fault::Trickle, 1},
      {"500", Fault::Status500, 2},
      {"503 with Retry-After", Fault::Status503, 2},
      {"200 with a body that is not JSON", Fault::NotJson, 2},
  };
  for (const auto& c : cases) {
    std::string name = c.name;
    CAPTURE(name);
    auto ids = queue_requests(f.kiosk_dir, 40);
    all.insert(all.end(), ids.begin(), ids.end());
    proxy.inject(c.fault, c.times, /*delay_ms=*/3000, /*retry_after_s=*/7);
    int before = proxy.faulted();
    auto r = run_kiosk(f.kiosk_dir, {"--json", "sync", "--once", "--connect-timeout-ms", "500", "--timeout-ms",
                                 "2000", "--low-speed-time-s", "1", "--low-speed-bytes", "100"});
    CHECK(r.code == 4);
    CHECK(proxy.faulted() > before);
    json j = json::parse(r.out);
    if (c.fault == Fault::Status503) CHECK(j["retry_after_s"] == 7);
    if (c.fault == Fault::NotJson) CHECK(j["error"] == "bad_response");
    if (c.fault == Fault::SlowResponse) CHECK(j["error"] == "timeout");
    CHECK(sync_until_ok(f.kiosk_dir, 4) <= 4);
    CHECK(proxy.faults_left() == 0);
  }
  check_exactly_once(f.hub_dir, all, {f.kiosk_dir});
}

TEST_CASE("a revoked kiosk is refused, keeps its queue, and drains after re-enrollment") {
  Fixture f;
  HubProcess hub(f.hub_dir);
  hub.start();
  std::string kiosk_id;
  std::string code = hub.add_kiosk("长春市工人文化宫 1号机", &kiosk_id);
  REQUIRE(run_kiosk(f.kiosk_dir, {"enroll", "--hub", hub.url(), "--code", code, "--allow-plain-http-loopback"}).code == 0);
  // The code was for one use.
  TempDir other;
  CHECK(run_kiosk(other.path, {"enroll", "--hub", hub.url(), "--code", code, "--allow-plain-http-loopback"}).code == 1);
  auto ids = queue_requests(f.kiosk_dir, 30);
  REQUIRE(hub.revoke(kiosk_id) == 0);
  auto r = run_kiosk(f.kiosk_dir, {"--json", "sync", "--once"});
  CHECK(r.code == 1);
  CHECK(json::parse(r.out)["error"] == "revoked");
  CHECK(hub_view(f.hub_dir).ids.empty());  // nothing stored
  CHECK(kiosk_view(f.kiosk_dir).queued == 30);
  enroll(f.kiosk_dir, hub, hub.url(), "长春市工人文化宫 1号机 (新)");
  CHECK(sync_until_ok(f.kiosk_dir, 2) == 1);
  check_exactly_once(f.hub_dir, ids, {f.kiosk_dir});
}

TEST_CASE("a week offline: 10,000 requests queued, then the hub appears") {
  Fixture f;
  int port = free_port();
  HubProcess hub(f.hub_dir, port, {"--quiet"});
  hub.start();
  enroll(f.kiosk_dir, hub, hub.url());
  hub.stop();
  auto ids = queue_requests(f.kiosk_dir, 10000);
  CHECK(run_kiosk(f.kiosk_dir, fast_sync_args()).code == 4);
  hub.start();
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_kiosk(f.kiosk_dir, {"--json", "sync", "--once"});
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("10,000 requests drained in " << ms << " ms");
  CHECK(r.code == 0);
  CHECK(json::parse(r.out)["accepted"] == 10000);
  check_exactly_once(f.hub_dir, ids, {f.kiosk_dir});
}

TEST_CASE("two kiosks at once") {
  Fixture f;
  std::string k2 = f.tmp.path + "/kiosk2";
  HubProcess hub(f.hub_dir);
  hub.start();
  enroll(f.kiosk_dir, hub, hub.url(), "1号机");
  enroll(k2, hub, hub.url(), "2号机");
  auto a = queue_requests(f.kiosk_dir, 1500);
  auto b = queue_requests(k2, 1500);
  std::vector<std::string> args = {"sync", "--once", "--batch-items", "100"};
  std::vector<std::string> a1 = {kiosk_binary(), "--data-dir", f.kiosk_dir}, a2 = {kiosk_binary(), "--data-dir", k2};
  a1.insert(a1.end(), args.begin(), args.end());
  a2.insert(a2.end(), args.begin(), args.end());
  Proc p1 = spawn(a1, f.tmp.path + "/k1.log"), p2 = spawn(a2, f.tmp.path + "/k2.log");
  CHECK(p1.wait() == 0);
  CHECK(p2.wait() == 0);
  a.insert(a.end(), b.begin(), b.end());
  check_exactly_once(f.hub_dir, a, {f.kiosk_dir, k2});
}

TEST_CASE("the kiosk killed with SIGKILL mid-sync, then restarted") {
  Fixture f;
  HubProcess hub(f.hub_dir, 0, {"--quiet"});
  hub.start();
  enroll(f.kiosk_dir, hub, hub.url());
  auto ids = queue_requests(f.kiosk_dir, 4000);
  std::vector<std::string> argv = {kiosk_binary(), "--data-dir", f.kiosk_dir, "sync", "--once", "--batch-items", "20"};
  Proc k = spawn(argv, f.tmp.path + "/kiosk.log");
  REQUIRE(held_soon(f.hub_dir, 400, k));
  k.kill_now(SIGKILL);
  size_t held = hub_view(f.hub_dir).ids.size();
  MESSAGE("hub held " << held << " of " << ids.size() << " when the kiosk was killed");
  CHECK(held > 0);
  CHECK(held < ids.size());
  CHECK(sync_until_ok(f.kiosk_dir, 2) == 1);
  check_exactly_once(f.hub_dir, ids, {f.kiosk_dir});
}

TEST_CASE("a request the hub rejects is quarantined with the reason, the rest go through") {
  Fixture f;
  HubProcess hub(f.hub_dir, 0, {"--services", "legal,hardship"});
  hub.start();
  enroll(f.kiosk_dir, hub, hub.url());
  auto a = queue_requests(f.kiosk_dir, 10);
  auto bad = queue_requests(f.kiosk_dir, 1, "no_such_service");
  auto b = queue_requests(f.kiosk_dir, 10, "hardship");
  auto r = run_kiosk(f.kiosk_dir, {"--json", "sync", "--once"});
  CHECK(r.code == 0);
  CHECK(json::parse(r.out)["quarantined"] == 1);
  auto st = run_kiosk(f.kiosk_dir, {"--json", "sync", "status"});
  json s = json::parse(st.out);
  REQUIRE(s["quarantined_requests"].size() == 1);
  CHECK(s["quarantined_requests"][0]["id"] == bad[0]);
  CHECK(s["quarantined_requests"][0]["reason"] == "hub_rejected:unknown_service");
  a.insert(a.end(), b.begin(), b.end());
  CHECK(kiosk_view(f.kiosk_dir).quarantined == 1);
  HubView h = hub_view(f.hub_dir);
  CHECK(h.ids == a);
}

TEST_CASE("staff decisions flow down: resolve on the hub, handled with the note on the kiosk") {
  Fixture f;
  HubProcess hub(f.hub_dir);
  hub.start();
  enroll(f.kiosk_dir, hub, hub.url());
  auto ids = queue_requests(f.kiosk_dir, 5);
  REQUIRE(run_kiosk(f.kiosk_dir, {"sync", "--once"}).code == 0);
  CHECK(hub.resolve(ids[1], "请于周三上午9点带劳动合同到法律服务站") == 0);
  CHECK(hub.resolve(ids[3], "已受理") == 0);
  auto r = run_kiosk(f.kiosk_dir, {"--json", "sync", "--once"});
  CHECK(json::parse(r.out)["handled"] == 2);
  auto store = kiosk::RequestStore::open(f.kiosk_dir + "/requests.db");
  REQUIRE(store.ok());
  auto rec = (*store)->find(ids[1]);
  REQUIRE(rec);
  CHECK(rec->state == kiosk::RequestState::Handled);
  CHECK(rec->staff_note == "请于周三上午9点带劳动合同到法律服务站");
  // The cursor moved: nothing comes twice.
  CHECK(json::parse(run_kiosk(f.kiosk_dir, {"--json", "sync", "--once"}).out)["handled"] == 0);
  // The heartbeat reached the hub: kiosk list shows it.
  auto list = run({hub_binary(), "kiosk", "list", "--json", "--data-dir", f.hub_dir});
  json k = json::parse(list.out);
  REQUIRE(k.size() == 1);
  CHECK(k[0]["last_heartbeat_ms"].get<int64_t>() > 0);
  CHECK(k[0]["heartbeat"]["queue_depth"] == 0);
  CHECK(k[0]["heartbeat"]["app_version"] == KIOSK_VERSION);
  check_exactly_once(f.hub_dir, ids, {f.kiosk_dir});
}

TEST_CASE("TLS: the kiosk verifies the hub against its CA and refuses a wrong one") {
  Fixture f;
  namespace fs = std::filesystem;
  std::string d = f.tmp.path + "/pki";
  fs::create_directories(d);
  auto sh = [](const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); };
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  REQUIRE(sh("openssl req -x509 " + ec + " -keyout " + d + "/ca.key -out " + d + "/ca.pem -days 2 -subj /CN=UnionTestCA") == 0);
  REQUIRE(sh("openssl req -x509 " + ec + " -keyout " + d + "/evil.key -out " + d + "/evil.pem -days 2 -subj /CN=EvilCA") == 0);
  REQUIRE(sh("openssl req " + ec + " -keyout " + d + "/hub.key -out " + d + "/hub.csr -subj /CN=127.0.0.1") == 0);
  {
    std::ofstream ext(d + "/ext.cnf");
    ext << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  }
  REQUIRE(sh("openssl x509 -req -in " + d + "/hub.csr -CA " + d + "/ca.pem -CAkey " + d + "/ca.key -CAcreateserial -out " +
             d + "/hub.pem -days 2 -extfile " + d + "/ext.cnf") == 0);
  HubProcess hub(f.hub_dir, 0, {"--cert", d + "/hub.pem", "--key", d + "/hub.key"});
  hub.start();
  // Plain http:// to a TLS hub is refused by policy before any byte is sent.
  std::string code = hub.add_kiosk("TLS 测试机");
  CHECK(run_kiosk(f.kiosk_dir, {"enroll", "--hub", "http://127.0.0.1:" + std::to_string(hub.port()), "--code", code}).code == 3);
  // A CA that did not sign the hub: refused.
  CHECK(run_kiosk(f.kiosk_dir, {"enroll", "--hub", hub.url(), "--code", code, "--ca", d + "/evil.pem"}).code == 3);
  // Its own CA: accepted (the code was not spent by the refused attempts).
  REQUIRE(run_kiosk(f.kiosk_dir, {"enroll", "--hub", hub.url(), "--code", code, "--ca", d + "/ca.pem"}).code == 0);
  auto ids = queue_requests(f.kiosk_dir, 25);
  CHECK(run_kiosk(f.kiosk_dir, {"sync", "--once"}).code == 0);
  // Swap the kiosk's CA for the wrong one: the next cycle stops, nothing sent.
  auto more = queue_requests(f.kiosk_dir, 5);
  fs::copy_file(d + "/evil.pem", f.kiosk_dir + "/hub-ca.pem", fs::copy_options::overwrite_existing);
  auto r = run_kiosk(f.kiosk_dir, {"--json", "sync", "--once"});
  CHECK(r.code == 3);
  CHECK(json::parse(r.out)["error"] == "tls_failed");
  CHECK(kiosk_view(f.kiosk_dir).queued == 5);
  fs::copy_file(d + "/ca.pem", f.kiosk_dir + "/hub-ca.pem", fs::copy_options::overwrite_existing);
  CHECK(run_kiosk(f.kiosk_dir, {"sync", "--once"}).code == 0);
  ids.insert(ids.end(), more.begin(), more.end());
  check_exactly_once(f.hub_dir, ids, {f.kiosk_dir});
}

TEST_CASE("the device token is kept 0600 and plain http to a non-loopback host is refused") {
  Fixture f;
  HubProcess hub(f.hub_dir);
  hub.start();
  namespace fs = std::filesystem;
  fs::create_directories(f.kiosk_dir);
  {
    std::ofstream cfg(f.kiosk_dir + "/config.json");
    cfg << R"({"kiosk_name": "长春市工人文化宫 1号机", "idle_timeout_s": 90})";
  }
  enroll(f.kiosk_dir, hub, hub.url());
  // Enrollment records the hub in config.json and keeps the installer's keys.
  std::ifstream in(f.kiosk_dir + "/config.json");
  json cfg = json::parse(in);
  CHECK(cfg["hub_url"] == hub.url());
  CHECK(cfg["idle_timeout_s"] == 90);
  CHECK(cfg["kiosk_name"] == "长春市工人文化宫 1号机");
  auto perms = fs::status(f.kiosk_dir + "/device-token").permissions();
  CHECK((perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
  std::string code = hub.add_kiosk("x");
  TempDir other;
  CHECK(run_kiosk(other.path, {"enroll", "--hub", "http://union-hub.invalid:8443", "--code", code,
                           "--allow-plain-http-loopback"}).code == 3);
  CHECK(!fs::exists(other.path + "/device-token"));
}

TEST_CASE("a batch refused as a whole is split, only the poisoned item is quarantined") {
  Fixture f;
  HubProcess hub(f.hub_dir);
  hub.start();
  FaultProxy proxy(hub.port());
  enroll(f.kiosk_dir, hub, "http://127.0.0.1:" + std::to_string(proxy.port()));
  auto ids = queue_requests(f.kiosk_dir, 10);
  // The batch of 10 gets 400, then the first item sent alone gets 400 too.
  proxy.inject(Fault::Status400, 2);
  auto r = run_kiosk(f.kiosk_dir, {"--json", "sync", "--once"});
  CHECK(r.code == 0);
  json j = json::parse(r.out);
  CHECK(j["quarantined"] == 1);
  CHECK(j["accepted"] == 9);
  auto st = json::parse(run_kiosk(f.kiosk_dir, {"--json", "sync", "status"}).out);
  REQUIRE(st["quarantined_requests"].size() == 1);
  CHECK(st["quarantined_requests"][0]["id"] == ids[0]);
  CHECK(st["quarantined_requests"][0]["reason"] == "hub_rejected:bad_json");
  CHECK(kiosk_view(f.kiosk_dir).queued == 0);
  HubView h = hub_view(f.hub_dir);
  CHECK(h.ids == std::vector<std::string>(ids.begin() + 1, ids.end()));
  CHECK(h.seq_contiguous);
}
