// The attacks of issue 10 against a real union-hub process on loopback.
// During each one, a watcher asks /v1/health again and again (each answer
// must come within health_deadline_ms()), a real kiosk (sync-kiosk, the kiosk's own `sync
// --once`) delivers its queue, and the hub's memory (VmHWM from /proc, the
// peak over its whole life) stays under kMemoryBoundKiB.
//
// The default run is the attacks' shape, shortened (HUB_ATTACK_SECONDS,
// default 4; slowloris lines every 1 s, silent waves every 1.5 s). The
// `long` ctest entry runs them as measured in the issue (30 s, a header
// line every 3 s, a wave of 80 every 9 s).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/client/transport.hpp"
#include "sync/protocol/protocol.hpp"
#include "tests/sync/support/raw_http.hpp"
#include "tests/sync/support/support.hpp"

using namespace kiosk;
using namespace kiosk::sync;
using namespace kiosk::synctest;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The hub's peak resident memory during any attack: 64 MiB.
constexpr long kMemoryBoundKiB = 64 * 1024;

int attack_seconds() {
  const char* s = std::getenv("HUB_ATTACK_SECONDS");
  int n = s ? std::atoi(s) : 0;
  return n > 0 ? n : 4;
}
bool full_shape() { return attack_seconds() >= 30; }

// How long one health answer may take. The promise is 1 s, and the `long`
// entry holds the hub to it (HUB_ATTACK_HEALTH_MS=1000) on a quiet machine.
// The default run shares two cores with the Xvfb tests and the fuzzers, so
// it allows 5 s: what it shows is that the hub is not stalled (the old hub
// answered none of them at all).
int health_deadline_ms() {
  const char* s = std::getenv("HUB_ATTACK_HEALTH_MS");
  int n = s ? std::atoi(s) : 0;
  return n > 0 ? n : 5000;
}

using Clock = std::chrono::steady_clock;

struct Bed {
  TempDir tmp;
  std::string hub_dir = tmp.path + "/hub", kiosk_dir = tmp.path + "/kiosk", pki = tmp.path + "/pki";
  bool tls;
  std::unique_ptr<HubProcess> hub;
  std::string token;  // a second kiosk's, for authenticated attacks

  explicit Bed(bool use_tls) : tls(use_tls) {
    std::vector<std::string> extra = {"--quiet"};
    if (tls) {
      make_test_pki(pki);
      extra = {"--cert", pki + "/hub.pem", "--key", pki + "/hub.key", "--quiet"};
    }
    hub = std::make_unique<HubProcess>(hub_dir, 0, extra);
    hub->start();
    std::string code = hub->add_kiosk("攻击测试 1号机");
    std::vector<std::string> args = {"enroll", "--hub", hub->url(), "--code", code};
    if (tls) args.insert(args.end(), {"--ca", pki + "/ca.pem"});
    else args.push_back("--allow-plain-http-loopback");
    REQUIRE(run_kiosk(kiosk_dir, args).code == 0);
    HubTransport t(endpoint(""), {});
    auto r = t.post(kPathEnroll, to_json(EnrollRequest{hub->add_kiosk("攻击者"), "x"}));
    REQUIRE(r.status == 200);
    token = parse_enroll_response(r.body)->token;
  }
  HubEndpoint endpoint(const std::string& tok) const {
    return HubEndpoint{hub->url(), tls ? pki + "/ca.pem" : "", true, tok};
  }
};

struct Watch {
  int health_total = 0, health_ok = 0;
  int sync_code = -1;
  long hwm_kib = -1;
  bool hub_alive = false;
};

// Runs `attack` (which sets `ready` once it is in full swing and returns
// when `stop` is set) while the watcher checks health, one kiosk sync, and
// the hub's memory.
Watch watch_during(Bed& bed, const std::function<void(std::atomic<bool>&, std::atomic<bool>&)>& attack) {
  std::atomic<bool> stop{false}, ready{false};
  std::thread t([&] { attack(stop, ready); });
  // Waits for the attack to be in place (bounded: a stuck attack fails below).
  for (int i = 0; i < 600 && !ready; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Watch w;
  auto ids = queue_requests(bed.kiosk_dir, 5);
  const auto end = Clock::now() + std::chrono::seconds(attack_seconds());
  bool synced = false;
  while (Clock::now() < end || !synced) {
    TransportOptions o;
    o.connect_timeout_ms = health_deadline_ms();
    o.total_timeout_ms = health_deadline_ms();
    HubTransport health(bed.endpoint(""), o);
    ++w.health_total;
    if (health.get(kPathHealth).kind == NetKind::Ok) ++w.health_ok;
    if (!synced) {
      w.sync_code = run_kiosk(bed.kiosk_dir, {"sync", "--once", "--connect-timeout-ms", "2000",
                                              "--timeout-ms", "10000"}).code;
      synced = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  w.hwm_kib = proc_memory(bed.hub->pid()).hwm_kib;
  w.hub_alive = w.hwm_kib > 0;
  stop = true;
  t.join();
  CHECK(ready.load());
  check_exactly_once(bed.hub_dir, ids, {bed.kiosk_dir});
  return w;
}

void check_watch(const Watch& w) {
  MESSAGE("health " << w.health_ok << "/" << w.health_total << ", sync exit " << w.sync_code
                    << ", hub VmHWM " << w.hwm_kib / 1024 << " MiB");
  CHECK(w.hub_alive);
  CHECK(w.health_total >= 3);
  CHECK(w.health_ok == w.health_total);
  CHECK(w.sync_code == 0);
  CHECK(w.hwm_kib < kMemoryBoundKiB);
}

// Streams up to `total` bytes after `head` on one connection; returns what
// was sent before the hub stopped taking it, and its reply.
struct Flood {
  int64_t sent = 0;
  int status = 0;
};
Flood flood(int port, const std::string& head, const std::string& block, int64_t total,
            const std::string& tail, const std::atomic<bool>& stop) {
  Flood f;
  int fd = connect_loopback(port, 3000);
  if (fd < 0) return f;
  bool ok = send_all(fd, head);
  while (ok && f.sent < total && !stop) {
    ok = send_all(fd, block);
    if (ok) f.sent += static_cast<int64_t>(block.size());
  }
  if (ok) send_all(fd, tail);
  f.status = reply_status(read_reply(fd, 3000));
  close_fd(fd);
  return f;
}

}  // namespace

TEST_CASE("attack: slowloris, 70 connections trickling header lines") {
  Bed bed(false);
  const int every_ms = full_shape() ? 3000 : 1000;
  std::atomic<int> reconnects{0};
  Watch w = watch_during(bed, [&](std::atomic<bool>& stop, std::atomic<bool>& ready) {
    std::vector<int> fds(70, -1);
    auto open = [&](int& fd) {
      fd = connect_loopback(bed.hub->port(), 2000);
      if (fd >= 0) send_all(fd, "GET /v1/health HTTP/1.1\r\nHost: hub\r\n");
    };
    for (auto& fd : fds) open(fd);
    ready = true;
    int line = 0;
    while (!stop) {
      for (auto& fd : fds) {
        if (fd < 0 || !send_all(fd, "X-Slow-" + std::to_string(line) + ": 1\r\n")) {
          close_fd(fd);
          open(fd);  // a persistent attacker comes back
          ++reconnects;
        }
      }
      ++line;
      for (int i = 0; i < every_ms / 50 && !stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (int fd : fds) close_fd(fd);
  });
  check_watch(w);
}

TEST_CASE("attack: waves of 80 silent TCP connections over TLS") {
  Bed bed(true);
  const int wave_ms = full_shape() ? 9000 : 1500;
  int opened = 0;
  Watch w = watch_during(bed, [&](std::atomic<bool>& stop, std::atomic<bool>& ready) {
    std::vector<int> fds;
    while (!stop) {
      // Each wave stays open; the oldest go once 480 are held (the test's
      // own descriptors), as the hub's idle timeout would have cut them.
      while (fds.size() > 400) {
        close_fd(fds.front());
        fds.erase(fds.begin());
      }
      for (int i = 0; i < 80; ++i) {
        int fd = connect_loopback(bed.hub->port(), 2000);
        if (fd >= 0) {
          fds.push_back(fd);
          ++opened;
        }
      }
      ready = true;
      for (int i = 0; i < wave_ms / 50 && !stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (int fd : fds) close_fd(fd);
  });
  MESSAGE(opened << " silent connections opened");
  CHECK(opened >= 80);
  check_watch(w);
}

TEST_CASE("attack: a 256 MiB chunked body to /v1/enroll") {
  Bed bed(false);
  int64_t max_sent = 0;
  int floods = 0, answered_413 = 0;
  Watch w = watch_during(bed, [&](std::atomic<bool>& stop, std::atomic<bool>& ready) {
    const std::string block = "10000\r\n" + std::string(0x10000, '[') + "\r\n";
    while (!stop) {
      ready = true;
      Flood f = flood(bed.hub->port(),
                      "POST /v1/enroll HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n",
                      block, 256ll << 20, "0\r\n\r\n", stop);
      max_sent = std::max(max_sent, f.sent);
      ++floods;
      if (f.status == 413) ++answered_413;
    }
  });
  MESSAGE(floods << " floods, " << answered_413 << " answered 413, at most " << (max_sent >> 20) << " MiB sent");
  CHECK(answered_413 >= 1);
  check_watch(w);
}

TEST_CASE("attack: a body with no length") {
  Bed bed(false);
  int64_t max_sent = 0;
  int floods = 0;
  Watch w = watch_during(bed, [&](std::atomic<bool>& stop, std::atomic<bool>& ready) {
    const std::string block(0x10000, '[');
    while (!stop) {
      ready = true;
      for (const char* version : {"HTTP/1.1", "HTTP/1.0"}) {
        Flood f = flood(bed.hub->port(),
                        std::string("POST /v1/enroll ") + version +
                            "\r\nHost: hub\r\nContent-Type: application/json\r\n\r\n",
                        block, 256ll << 20, "", stop);
        max_sent = std::max(max_sent, f.sent);
        ++floods;
      }
    }
  });
  MESSAGE(floods << " floods, at most " << (max_sent >> 20) << " MiB taken before the hub closed");
  // With no length there is no body: what follows is read as the next
  // request, refused, and the connection closed long before 256 MiB.
  CHECK(max_sent < (64ll << 20));
  check_watch(w);
}

TEST_CASE("attack: a gzip body of 254 KiB that inflates to 256 MiB") {
  Bed bed(false);
  std::string bomb_path = bed.tmp.path + "/bomb.gz";
  REQUIRE(std::system(("head -c 268435456 /dev/zero | gzip -9 > " + bomb_path).c_str()) == 0);
  std::ifstream in(bomb_path, std::ios::binary);
  std::string bomb((std::istreambuf_iterator<char>(in)), {});
  MESSAGE("gzip body " << bomb.size() / 1024 << " KiB");
  REQUIRE(bomb.size() < (300u << 10));
  int sent = 0, refused_415 = 0;
  Watch w = watch_during(bed, [&](std::atomic<bool>& stop, std::atomic<bool>& ready) {
    while (!stop) {
      ready = true;
      auto x = raw_exchange(bed.hub->port(),
                            "POST /v1/enroll HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
                            "Content-Encoding: gzip\r\nConnection: close\r\nContent-Length: " +
                                std::to_string(bomb.size()) + "\r\n\r\n" + bomb);
      ++sent;
      if (x.status == 415) ++refused_415;
    }
  });
  MESSAGE(sent << " bombs, " << refused_415 << " refused 415");
  CHECK(sent >= 1);
  CHECK(refused_415 == sent);
  check_watch(w);
}

TEST_CASE("attack: 64 MiB of headers") {
  Bed bed(false);
  int64_t max_sent = 0;
  int floods = 0, refused = 0;
  Watch w = watch_during(bed, [&](std::atomic<bool>& stop, std::atomic<bool>& ready) {
    const std::string line = "X-Pad: " + std::string(1000, 'a') + "\r\n";
    std::string block;
    for (int i = 0; i < 64; ++i) block += line;
    while (!stop) {
      ready = true;
      Flood f = flood(bed.hub->port(), "GET /v1/health HTTP/1.1\r\nHost: hub\r\n", block, 64ll << 20,
                      "\r\n", stop);
      max_sent = std::max(max_sent, f.sent);
      // A flood cut short by the stop ends its headers early: a small,
      // valid request the hub rightly answers. Not a flood; not counted.
      if (stop) break;
      ++floods;
      if (f.status == 431 || f.status == 413 || f.status == 0) ++refused;
    }
  });
  MESSAGE(floods << " floods, at most " << (max_sent >> 10) << " KiB of headers taken");
  CHECK(refused == floods);
  CHECK(max_sent < (16ll << 20));
  check_watch(w);
}

TEST_CASE("attack: answers nested 100,000 deep, with a kiosk's token") {
  Bed bed(false);
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string body = R"({"requests":[{"id":"0190a3b4-0000-7000-8000-000000000001","ticket":"F-0001",)"
                     R"("service_id":"legal","created_at_ms":1,"answers":{"a":)" + deep + "}}]}";
  int sent = 0, too_deep = 0;
  Watch w = watch_during(bed, [&](std::atomic<bool>& stop, std::atomic<bool>& ready) {
    HubTransport t(bed.endpoint(bed.token), {});
    while (!stop) {
      ready = true;
      auto r = t.post(kPathRequests, body);
      ++sent;
      auto e = parse_hub_error(r.body);
      if (r.status == 400 && e && e->error == "too_deep") ++too_deep;
    }
  });
  MESSAGE(sent << " deep uploads, " << too_deep << " refused 400 too_deep");
  CHECK(sent >= 1);
  CHECK(too_deep == sent);
  check_watch(w);
}

TEST_CASE("TLS: only TLS 1.2/1.3 with AEAD suites (openssl s_client)") {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
    MESSAGE("openssl not installed: skipped");
    return;
  }
  Bed bed(true);
  auto s_client = [&](const std::string& args) {
    std::string out = bed.tmp.path + "/s_client.out";
    std::string cmd = "echo | timeout 10 openssl s_client -connect 127.0.0.1:" + std::to_string(bed.hub->port()) +
                      " -CAfile " + bed.pki + "/ca.pem " + args + " > " + out + " 2>&1";
    int rc = std::system(cmd.c_str());
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    return std::make_pair(rc, text);
  };
  for (const char* refused : {"-cipher AES128-SHA -tls1_2", "-cipher ECDHE-ECDSA-AES128-SHA -tls1_2",
                              "-cipher ECDHE-ECDSA-AES256-SHA384 -tls1_2", "-tls1_1", "-tls1"}) {
    CAPTURE(refused);
    auto [rc, text] = s_client(refused);
    CHECK(rc != 0);
    // s_client prints "Cipher is (NONE)" when no suite was agreed.
    auto at = text.find("Cipher is ");
    CHECK((at == std::string::npos || text.compare(at, 16, "Cipher is (NONE)") == 0));
  }
  for (const char* taken : {"-cipher ECDHE-ECDSA-AES128-GCM-SHA256 -tls1_2",
                            "-cipher ECDHE-ECDSA-CHACHA20-POLY1305 -tls1_2", "-tls1_3"}) {
    CAPTURE(taken);
    auto [rc, text] = s_client(taken);
    CHECK(rc == 0);
    CHECK(text.find("Verify return code: 0 (ok)") != std::string::npos);
  }
}

TEST_CASE("log: a request path cannot forge a log line or write a NUL") {
  TempDir tmp;
  HubProcess hub(tmp.path + "/hub");  // not quiet: every 4xx is a log line
  hub.start();
  auto a = raw_exchange(hub.port(), "GET /v1/x%0Aunion-hub:%20enrolled%20kiosk%2099%0A HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  auto b = raw_exchange(hub.port(), "GET /v1/y%1B[31m%00z HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  CHECK(a.status == 404);
  CHECK(b.status == 404);
  hub.stop();
  std::ifstream in(tmp.path + "/hub/hub.log", std::ios::binary);
  std::string log((std::istreambuf_iterator<char>(in)), {});
  CHECK(log.find("GET /v1/x\\x0aunion-hub: enrolled kiosk 99\\x0a -> 404") != std::string::npos);
  CHECK(log.find("\nunion-hub: enrolled kiosk 99") == std::string::npos);
  CHECK(log.find('\0') == std::string::npos);
  CHECK(log.find('\x1b') == std::string::npos);
}
