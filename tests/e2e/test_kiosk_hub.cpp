// A hall with a hub: the real kiosk under Xvfb, enrolled with a real
// union-hub on loopback, as a worker and the union's staff would use them.
//  1. The hub is up: the corner says online; a worker books a legal
//     consultation by touch; the ticket says it is being sent, and the hub
//     then holds it (the submit wakes the sync thread; with the short cycle
//     below the next cycle would send it too, so the wake itself is shown
//     by the SyncService tests, not here).
//  2. Staff resolve it on the hub with a note; "check my request" shows it
//     handled, with the note.
//  3. The hub goes down: the corner says offline; a second request's ticket
//     says it is saved and will be sent; the corner counts one waiting.
//  4. The hub comes back: the request is delivered with nobody touching the
//     kiosk, and the hub holds exactly the two requests.
// Screenshots: build/test-artifacts/screens/hub-<lang>/.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "kiosk_driver.hpp"
#include "service_flows.hpp"

namespace {

using namespace e2e;

const std::string kHub = KIOSK_UNION_HUB;

// union-hub serving plain HTTP on loopback (allowed only there, only with
// the flag), on the same port after a restart.
class Hub {
 public:
  explicit Hub(fs::path dir) : dir_(std::move(dir)) { fs::create_directories(dir_); }
  ~Hub() { stop(); }
  void start() {
    const fs::path port_file = dir_ / "port";
    fs::remove(port_file);
    pid_ = spawn({kHub, "serve", "--data-dir", dir_.string(), "--port", std::to_string(port_),
                  "--port-file", port_file.string(), "--allow-plain-http"},
                 {}, (dir_ / "hub.log").string());
    REQUIRE(pid_ > 0);
    // It writes the port file once it listens.
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(kBoundS);
    while (std::chrono::steady_clock::now() < end) {
      REQUIRE_MESSAGE(!exited(pid_), "union-hub exited; see " << (dir_ / "hub.log"));
      std::ifstream in(port_file);
      int p = 0;
      if (in >> p && p > 0) {
        port_ = p;
        return;
      }
      std::this_thread::sleep_for(20ms);
    }
    FAIL("union-hub did not start; see " << (dir_ / "hub.log"));
  }
  void stop() {
    if (pid_ > 0) e2e::stop(pid_);
    pid_ = -1;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  json admin(std::vector<std::string> args) const {
    args.insert(args.begin(), kHub);
    args.insert(args.end(), {"--data-dir", dir_.string(), "--json"});
    std::string out;
    const int rc = run(args, {}, &out);
    REQUIRE_MESSAGE(rc == 0, out);
    return json::parse(out);
  }
  json requests() const { return admin({"request", "list"}); }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// The id of the first target whose id starts with `prefix`, once the kiosk shows one.
std::string wait_prefix(Kiosk& k, const std::string& prefix) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(kBoundS);
  std::string last;
  while (std::chrono::steady_clock::now() < end) {
    const json s = k.state();
    if (s.contains("targets"))
      for (const auto& t : s["targets"]) {
        const std::string id = t.value("id", "");
        if (id.rfind(prefix, 0) == 0) return id;
        if (id.rfind("status.", 0) == 0) last = id;
      }
    std::this_thread::sleep_for(100ms);
  }
  return "none (status: " + last + ")";
}

bool wait_hub_count(const Hub& hub, size_t n) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(kBoundS);
  while (std::chrono::steady_clock::now() < end) {
    if (hub.requests().size() == n) return true;
    std::this_thread::sleep_for(250ms);
  }
  return hub.requests().size() == n;
}

void run_hub(const std::string& lang) {
  REQUIRE_MESSAGE(fs::exists(kKiosk), "build union-kiosk first");
  REQUIRE_MESSAGE(fs::exists(kHub), "build union-hub first");
  Xvfb x;
  REQUIRE_MESSAGE(!x.display.empty(), "could not start Xvfb");
  const fs::path work = temp_dir("hub-" + lang);
  RemoveDir cleanup{work};
  const fs::path data = work / "data";
  fs::create_directories(work / "scan");
  fs::create_directories(data);
  fs::permissions(data, fs::perms::owner_all, fs::perm_options::replace);

  Hub hub(work / "hub");
  hub.start();
  // The admin makes a one-time code; the technician enrolls the kiosk.
  const json added = hub.admin({"kiosk", "add", "--name", "长春市工人文化宫 1号机"});
  std::string out;
  REQUIRE_MESSAGE(run({kKiosk, "--data-dir", data.string(), "enroll", "--hub", hub.url(), "--code",
                       added.at("code").get<std::string>(), "--allow-plain-http-loopback"},
                      {}, &out) == 0,
                  out);
  // A short sync cycle and retry cap (install settings) so that staff
  // decisions come down, and a hub back up is noticed, in seconds rather
  // than the defaults' half minute and five minutes (the test waits for
  // each event, bounded only to fail a hung kiosk).
  {
    std::ifstream in(data / "config.json");
    json cfg = json::parse(in);
    cfg["sync_interval_s"] = 5;
    // Retries after failures wait at most this long (default 300 s).
    cfg["sync_backoff_max_s"] = 10;
    std::ofstream(data / "config.json") << cfg.dump(2);
  }

  Kiosk k(x, lang, data, work / "scan", "hub-" + lang);
  REQUIRE_MESSAGE(k.wait_screen("attract"), "the kiosk did not draw its attract screen");
  k.tap("attract.start");
  REQUIRE(k.wait_screen("home"));
  CHECK(wait_prefix(k, "status.online.waiting.0") == "status.online.waiting.0");
  k.shot("home-online");

  // 1. A request while the hub is up: the ticket says it is being sent.
  legal_to_ticket(k);
  CHECK(k.find_now("ticket.note.sending").has_value());
  CHECK_FALSE(k.find_now("ticket.note.offline").has_value());
  k.tap("ticket.done");
  REQUIRE(k.wait_screen("attract"));
  CHECK_MESSAGE(wait_hub_count(hub, 1), "the request did not reach the hub after submit");
  json reqs = hub.requests();
  REQUIRE(reqs.size() == 1);
  const std::string id = reqs[0].at("id").get<std::string>();
  const std::string ticket = reqs[0].at("ticket").get<std::string>();
  CHECK(reqs[0].at("service_id") == "legal");

  // 2. Staff handle it on the hub; the kiosk shows it with the note.
  const std::string note = lang == "zh" ? "请于周三上午9点带劳动合同到法律服务站"
                                        : "Please bring your labour contract on Wednesday at 9:00.";
  hub.admin({"request", "resolve", id, "--note", note});
  std::string state;
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(kBoundS);
  while (state != "handled" && std::chrono::steady_clock::now() < end) {
    std::string shown;
    run({kKiosk, "--data-dir", data.string(), "--json", "queue", "show", ticket}, {}, &shown);
    try {
      state = json::parse(shown).value("state", "");
    } catch (...) {
    }
    if (state != "handled") std::this_thread::sleep_for(250ms);
  }
  CHECK_MESSAGE(state == "handled", "the staff's decision did not come down: " << state);
  k.check_request(ticket);
  CHECK(k.wait_target("check.state.handled").has_value());
  CHECK(k.wait_target("check.staff_note").has_value());
  k.shot("check-handled-with-note");
  k.tap("nav.home");

  // 3. The hub goes away (a cable pulled, a hub restarted).
  hub.stop();
  REQUIRE(k.wait_screen("home"));
  // The kiosk finds out at its next exchange (at most one sync interval).
  CHECK(wait_prefix(k, "status.offline").rfind("status.offline", 0) == 0);
  k.shot("home-offline");
  legal_to_ticket(k, 1);
  CHECK(k.find_now("ticket.note.offline").has_value());
  CHECK_FALSE(k.find_now("ticket.note.sending").has_value());
  k.tap("ticket.done");
  REQUIRE(k.wait_screen("attract"));
  k.tap("attract.start");
  REQUIRE(k.wait_screen("home"));
  CHECK(wait_prefix(k, "status.offline.waiting.1") == "status.offline.waiting.1");
  k.shot("home-offline-one-waiting");
  CHECK(hub.requests().size() == 1);

  // 4. The hub is back: the kiosk sends on its own (backoff, then a cycle).
  hub.start();
  CHECK_MESSAGE(wait_hub_count(hub, 2), "the waiting request was not sent after the hub came back");
  CHECK(wait_prefix(k, "status.online.waiting.0") == "status.online.waiting.0");
  k.shot("home-online-again");
  reqs = hub.requests();
  REQUIRE(reqs.size() == 2);
  std::set<std::string> ids;
  for (const auto& r : reqs) ids.insert(r.at("id").get<std::string>());
  CHECK(ids.size() == 2);  // none twice
  const json q = k.queue();
  const json& items = q.is_array() ? q : q.value("requests", json::array());
  CHECK(items.size() == 2);
  for (const auto& r : items) CHECK(ids.count(r.value("id", "")) == 1);
}

}  // namespace

TEST_CASE("e2e: the kiosk with a hub under Xvfb, in Chinese") { run_hub("zh"); }
TEST_CASE("e2e: the kiosk with a hub under Xvfb, in English") { run_hub("en"); }
