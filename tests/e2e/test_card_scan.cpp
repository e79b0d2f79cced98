// Member cards and tickets at the real kiosk under Xvfb, with an image
// folder as the camera (--scan-source images:DIR) and xdotool typing as a
// hand-held scanner (a HID keyboard wedge: a burst of keys and Enter):
//   1. a members-only service asks for the card; an EXPIRED card typed by
//      the scanner is refused (the scan screen stays);
//   2. a valid card appears before the camera: the form opens, filled in
//      from the card; the request is submitted and carries the card's number;
//   3. the scanner reads the ticket's QR text on the home screen: "check my
//      request" opens.
// Registered by tests/card/CMakeLists.txt (label e2e).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "process.hpp"
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "kiosk/scan/codes.hpp"
#include "kiosk/scan/ticket_code.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kKiosk = KIOSK_CLI;
const std::string kShots = std::string(KIOSK_BINARY_DIR) + "/test-artifacts/screens/card-scan";

using e2e::exited;
using e2e::run;
using e2e::spawn;
using e2e::stop;
using Xvfb = e2e::Xvfb;

struct Target {
  float x = 0, y = 0, w = 0, h = 0;
};

class Kiosk {
 public:
  Kiosk(const Xvfb& x, const fs::path& data, const fs::path& scan_dir) : display_(x.display), data_(data) {
    auto_file_ = (data / "automation.json").string();
    fs::create_directories(data);
    fs::create_directories(kShots);
    pid_ = spawn({kKiosk, "--data-dir", data.string(), "--lang", "zh", "--automation-file", auto_file_,
                  "--scan-source", "images:" + scan_dir.string(), "--idle-timeout", "120"},
                 env(), (data / "kiosk.log").string());
    REQUIRE(pid_ > 0);
  }
  ~Kiosk() { stop(pid_); }
  std::map<std::string, std::string> env() const {
    return {{"DISPLAY", display_}, {"SDL_VIDEODRIVER", "x11"}, {"LIBGL_ALWAYS_SOFTWARE", "1"}};
  }
  json state() const {
    std::ifstream f(auto_file_);
    if (!f) return json::object();
    json j = json::parse(f, nullptr, false);
    return j.is_discarded() ? json::object() : j;
  }
  std::string screen() const { return state().value("screen", ""); }
  bool wait_screen(const std::string& name, double seconds = 15) {
    auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      REQUIRE_MESSAGE(!exited(pid_), "union-kiosk exited; see " << (data_ / "kiosk.log"));
      if (screen() == name) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  std::optional<Target> wait_target(const std::string& id, double seconds = 10) {
    auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      json s = state();
      for (const auto& t : s.value("targets", json::array()))
        if (t.value("id", "") == id)
          return Target{t["x"].get<float>(), t["y"].get<float>(), t["w"].get<float>(), t["h"].get<float>()};
      std::this_thread::sleep_for(50ms);
    }
    return std::nullopt;
  }
  std::optional<Target> find_now(const std::string& id) const {
    json s = state();
    for (const auto& t : s.value("targets", json::array()))
      if (t.value("id", "") == id)
        return Target{t["x"].get<float>(), t["y"].get<float>(), t["w"].get<float>(), t["h"].get<float>()};
    return std::nullopt;
  }
  void tap(const std::string& id, double pause = 0.6) {
    auto t = wait_target(id, 2);
    // Below or above the fold: the page's "down"/"up" buttons, as a worker would.
    for (const char* dir : {"form.scroll.down", "form.scroll.up"}) {
      for (int i = 0; i < 10 && !t; ++i) {
        auto b = find_now(dir);
        if (!b) break;
        int bx = int(b->x + b->w / 2), by = int(b->y + b->h / 2);
        REQUIRE(run({"xdotool", "mousemove", std::to_string(bx), std::to_string(by), "mousedown", "1", "sleep",
                     "0.04", "mouseup", "1"},
                    env()) == 0);
        std::this_thread::sleep_for(700ms);
        t = find_now(id);
      }
    }
    if (!t) t = wait_target(id, 5);
    REQUIRE_MESSAGE(t.has_value(), "no '" << id << "' on screen '" << screen() << "'");
    int x = int(t->x + t->w / 2), y = int(t->y + t->h / 2);
    REQUIRE(run({"xdotool", "mousemove", std::to_string(x), std::to_string(y), "mousedown", "1", "sleep", "0.04",
                 "mouseup", "1"},
                env()) == 0);
    std::this_thread::sleep_for(std::chrono::duration<double>(pause));
  }
  void keys(const std::string& s) {
    for (char c : s) tap(std::string("kbd.key.") + c, 0.12);
  }
  void field(const std::string& id, const std::string& k) {
    tap("form.field." + id);
    keys(k);
    tap("kbd.ok");
  }
  // The hand-held scanner: the whole text in a burst (2 ms a key), then Enter.
  void wedge(const std::string& text) {
    REQUIRE(run({"xdotool", "type", "--delay", "2", text}, env()) == 0);
    REQUIRE(run({"xdotool", "key", "Return"}, env()) == 0);
  }
  void shot(const std::string& name) {
    std::this_thread::sleep_for(250ms);
    run({"import", "-display", display_, "-window", "root", kShots + "/" + name + ".png"});
  }
  std::string cli(const std::vector<std::string>& args) const {
    std::vector<std::string> a = {kKiosk, "--data-dir", data_.string(), "--json"};
    a.insert(a.end(), args.begin(), args.end());
    std::string out;
    run(a, {}, &out);
    return out;
  }

 private:
  std::string display_;
  fs::path data_;
  std::string auto_file_;
  pid_t pid_ = -1;
};

fs::path temp_dir() {
  std::random_device rd;
  fs::path p = fs::temp_directory_path() / ("kiosk-card-e2e-" + std::to_string(rd()));
  fs::create_directories(p);
  return p;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

TEST_CASE("e2e: scan member cards (camera folder and scanner) and a ticket at the kiosk under Xvfb") {
  REQUIRE_MESSAGE(fs::exists(kKiosk), "build union-kiosk first");
  REQUIRE(run({"sh", "-c", "command -v Xvfb && command -v xdotool"}) == 0);
  fs::path work = temp_dir();
  fs::path scan = work / "scan", staging = work / "staging";
  fs::create_directories(scan);
  fs::create_directories(staging);

  // Cards signed with the demo key, which the embedded content trusts.
  std::string key = (work / "demo.key").string();
  REQUIRE(run({kKiosk, "card", "keygen", "--kid", "demo-2026", "--out", key, "--seed-hex", std::string(64, '1')}) == 0);
  auto now = std::to_string(std::time(nullptr));
  std::string expired, valid;
  REQUIRE(run({kKiosk, "card", "issue", "--key", key, "--sub", "22010054321", "--name", "王芳", "--iat",
               std::to_string(std::time(nullptr) - 400 * 86400), "--exp", std::to_string(std::time(nullptr) - 86400)},
              {}, &expired) == 0);
  REQUIRE(run({kKiosk, "card", "issue", "--key", key, "--sub", "22010012345", "--name", "陈静", "--org",
               "长春市第一机床厂工会", "--days", "365", "--png", (staging / "card.png").string()},
              {}, &valid) == 0);
  expired = first_line(expired);
  valid = first_line(valid);

  Xvfb x;
  REQUIRE_MESSAGE(!x.display.empty(), "could not start Xvfb");
  Kiosk k(x, work / "data", scan);
  REQUIRE_MESSAGE(k.wait_screen("attract", 60), "the kiosk did not draw its attract screen");
  k.tap("attract.start");
  REQUIRE(k.wait_screen("home"));
  k.tap("home.service.mixer");  // members only: asks for the card
  REQUIRE(k.wait_screen("scan_card"));
  k.shot("1-scan-no-camera");

  // 1. The scanner reads an expired card: refused, the scan screen stays.
  k.wedge(expired);
  std::this_thread::sleep_for(1500ms);
  CHECK(k.screen() == "scan_card");
  k.shot("2-expired");

  // 2. A valid card before the camera (the folder source picks it up).
  fs::rename(staging / "card.png", scan / "card.png");
  REQUIRE_MESSAGE(k.wait_screen("form", 20), "the camera folder's card did not open the form");
  k.shot("3-form-filled");
  k.tap("form.pick.event.M-202612");
  k.tap("form.next");
  k.shot("3b-about");
  k.tap("form.choice.gender.f");
  k.field("birth_year", "1995");
  k.field("phone", "13712345678");
  k.tap("form.next");
  REQUIRE(k.wait_screen("review"));
  k.shot("4-review");
  k.tap("form.next");
  REQUIRE(k.wait_screen("consent"));
  k.tap("consent.single_declaration");
  k.tap("consent.consent");
  k.tap("form.submit");
  REQUIRE(k.wait_screen("ticket"));
  k.shot("5-ticket");
  fs::remove(scan / "card.png");

  json q = json::parse(k.cli({"queue", "list"}), nullptr, false);
  REQUIRE_FALSE(q.is_discarded());
  const json& items = q.is_array() ? q : q.value("requests", json::array());
  REQUIRE(items.size() == 1);
  std::string id = items[0].value("id", ""), ticket = items[0].value("ticket", "");
  REQUIRE_FALSE(ticket.empty());
  // The request carries what the card told: the member number and the name.
  std::string shown = k.cli({"queue", "show", ticket, "--with-answers"});
  CHECK(shown.find("22010012345") != std::string::npos);
  CHECK(shown.find("陈静") != std::string::npos);

  // 3. The scanner reads the ticket's QR text on the home screen.
  k.tap("ticket.done");
  REQUIRE(k.wait_screen("attract"));
  k.tap("attract.start");
  REQUIRE(k.wait_screen("home"));
  std::string code = kiosk::scan::make_ticket_code({id, ticket});
  REQUIRE_FALSE(code.empty());
  k.wedge(code);
  CHECK_MESSAGE(k.wait_screen("check_request", 10), "the ticket code did not open check my request");
  k.shot("6-check-request");
  k.tap("nav.home");
  fs::remove_all(work);
}
