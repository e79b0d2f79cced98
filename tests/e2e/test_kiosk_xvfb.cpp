// The real kiosk in a real X window: starts Xvfb on a free display, runs
// union-kiosk fullscreen on it, taps through each of the four services with
// xdotool (real X pointer events at the rectangles the widgets report via
// --automation-file), types a Chinese name with the pinyin keyboard,
// submits, and checks with `union-kiosk queue list --json` that the
// requests are queued. One run in Chinese, one in English; a screenshot of
// every screen goes to build/test-artifacts/screens/<lang>/.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <optional>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "process.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kKiosk = KIOSK_UNION_KIOSK;
const std::string kArtifacts = std::string(KIOSK_BINARY_DIR) + "/test-artifacts/screens";

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
  Kiosk(const Xvfb& x, const std::string& lang, const fs::path& data, const fs::path& scan_dir)
      : display_(x.display), lang_(lang), data_(data) {
    fs::create_directories(data);
    fs::permissions(data, fs::perms::owner_all, fs::perm_options::replace);
    auto_file_ = (data / "automation.json").string();
    fs::create_directories(kArtifacts + "/" + lang);
    pid_ = spawn({kKiosk, "--data-dir", data.string(), "--lang", lang, "--automation-file",
                  auto_file_, "--scan-source", "images:" + scan_dir.string(), "--idle-timeout",
                  "10", "--idle-countdown", "5"},
                 env(), (data / "kiosk.log").string());
    REQUIRE(pid_ > 0);
  }
  ~Kiosk() {
    stop(pid_);
    // The kiosk's log (no personal data by design) stays with the screenshots.
    std::error_code ec;
    fs::copy_file(data_ / "kiosk.log", kArtifacts + "/" + lang_ + "/kiosk.log",
                  fs::copy_options::overwrite_existing, ec);
  }

  std::map<std::string, std::string> env() const {
    return {{"DISPLAY", display_}, {"SDL_VIDEODRIVER", "x11"}, {"LIBGL_ALWAYS_SOFTWARE", "1"}};
  }

  // The automation file: {"screen": ..., "targets": [{id,x,y,w,h}...]}.
  json state() const {
    std::ifstream f(auto_file_);
    if (!f) return json::object();
    json j;
    try {
      j = json::parse(f);
    } catch (...) {
      return json::object();
    }
    observe(j.value("screen", ""));
    return j;
  }

  // A new screen ignores taps for its first 0.45 s (the second tap of a
  // double tap must not act on it). The test notes when it first saw each
  // screen, which is never earlier than the kiosk entered it, and does not
  // tap before 0.7 s have passed since.
  void observe(const std::string& screen) const {
    if (screen == seen_screen_) return;
    seen_screen_ = screen;
    seen_at_ = std::chrono::steady_clock::now();
  }
  void wait_armed() const {
    state();
    const auto ready = seen_at_ + 700ms;
    const auto now = std::chrono::steady_clock::now();
    if (now < ready) std::this_thread::sleep_for(ready - now);
  }
  std::string screen() const { return state().value("screen", ""); }

  // Waits until the automation file stops changing: the kiosk has drawn
  // the result of the last tap (layouts move, e.g. when candidates appear).
  void wait_stable(double max_s = 2.0) {
    auto read = [&] {
      std::ifstream f(auto_file_);
      std::stringstream ss;
      ss << f.rdbuf();
      return ss.str();
    };
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(max_s);
    std::string last = read();
    while (std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(90ms);
      std::string now = read();
      if (now == last) return;
      last = std::move(now);
    }
  }

  bool wait_screen(const std::string& name, double seconds = 15) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      REQUIRE_MESSAGE(!exited(pid_), "union-kiosk exited; see " << (data_ / "kiosk.log"));
      if (screen() == name) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::optional<Target> wait_target(const std::string& id, double seconds = 10) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      REQUIRE_MESSAGE(!exited(pid_), "union-kiosk exited; see " << (data_ / "kiosk.log"));
      json s = state();
      if (s.contains("targets")) {
        for (const auto& t : s["targets"]) {
          if (t.value("id", "") == id)
            return Target{t["x"].get<float>(), t["y"].get<float>(), t["w"].get<float>(),
                          t["h"].get<float>()};
        }
      }
      std::this_thread::sleep_for(50ms);
    }
    return std::nullopt;
  }

  // A real pointer click in the middle of the target. `pause` lets the
  // screen settle (a new screen ignores taps for its first moments).
  std::optional<Target> find_now(const std::string& id) const {
    json s = state();
    if (s.contains("targets"))
      for (const auto& t : s["targets"])
        if (t.value("id", "") == id)
          return Target{t["x"].get<float>(), t["y"].get<float>(), t["w"].get<float>(),
                        t["h"].get<float>()};
    return std::nullopt;
  }

  void click(const Target& t) {
    const int x = static_cast<int>(t.x + t.w / 2), y = static_cast<int>(t.y + t.h / 2);
    REQUIRE(run({"xdotool", "mousemove", std::to_string(x), std::to_string(y), "mousedown", "1",
                 "sleep", "0.04", "mouseup", "1"},
                env()) == 0);
  }

  void tap(const std::string& id, double pause = 0.5) {
    auto t = wait_target(id, 1);
    // Below or above the fold: the page's "down"/"up" buttons, as a worker would.
    for (const char* dir : {"form.scroll.down", "form.scroll.up"}) {
      for (int i = 0; i < 10 && !t; ++i) {
        auto b = find_now(dir);
        if (!b) break;
        click(*b);
        std::this_thread::sleep_for(600ms);
        wait_stable();
        t = find_now(id);
      }
    }
    if (!t) t = wait_target(id, 5);
    REQUIRE_MESSAGE(t.has_value(), "no '" << id << "' on screen '" << screen() << "' (" << lang_ << ")");
    const std::string before = seen_screen_;
    wait_armed();
    if (seen_screen_ != before) t = wait_target(id, 5);  // it moved on meanwhile
    REQUIRE_MESSAGE(t.has_value(), "no '" << id << "' on screen '" << screen() << "' (" << lang_ << ")");
    const int x = static_cast<int>(t->x + t->w / 2), y = static_cast<int>(t->y + t->h / 2);
    REQUIRE(run({"xdotool", "mousemove", std::to_string(x), std::to_string(y), "mousedown", "1",
                 "sleep", "0.04", "mouseup", "1"},
                env()) == 0);
    std::this_thread::sleep_for(std::chrono::duration<double>(pause));
    wait_stable();
  }

  void keys(const std::string& s) {
    for (char c : s) tap(std::string("kbd.key.") + c, 0.05);
  }
  // The automation file names candidates by place only (what they show can
  // be what a worker typed). For "zhangwei" the best one is 张伟; the test
  // checks at the end that the queued answers hold it.
  void pinyin(const std::string& letters) {
    keys(letters);
    wait_stable();
    // Nothing the worker typed is in the automation file, only places.
    std::ifstream f(auto_file_);
    const std::string raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    CHECK_MESSAGE(raw.find("kbd.cand.0") != std::string::npos, "no candidates shown");
    for (unsigned char c : raw) REQUIRE_MESSAGE(c < 0x80, "the automation file holds typed text");
    tap("kbd.cand.0", 0.3);
  }
  // Taps a field and waits for its keyboard; a tap the kiosk did not take
  // (it was busy drawing under load) is repeated, as a person would.
  void open_field(const std::string& id) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      tap("form.field." + id);
      if (wait_target("kbd.ok", 3)) return;
    }
    FAIL("the keyboard did not open for " << id << " (" << lang_ << ")");
  }
  void field(const std::string& id, const std::string& k) {
    open_field(id);
    keys(k);
    tap("kbd.ok");
  }
  void name_field(const std::string& id) {
    open_field(id);
    pinyin("zhangwei");
    tap("kbd.ok");
  }

  void shot(const std::string& name) {
    std::this_thread::sleep_for(250ms);
    char num[16];
    std::snprintf(num, sizeof num, "%02d", ++shots_);
    const std::string file = kArtifacts + "/" + lang_ + "/" + num + "-" + name + ".png";
    CHECK(run({"import", "-display", display_, "-window", "root", file}, {}) == 0);
  }

  json queue() const {
    std::string out;
    run({kKiosk, "--data-dir", data_.string(), "--json", "queue", "list"}, {}, &out);
    try {
      return json::parse(out);
    } catch (...) {
      FAIL("queue list --json printed: " << out);
      return {};
    }
  }

 private:
  std::string display_, lang_;
  fs::path data_;
  std::string auto_file_;
  pid_t pid_ = -1;
  int shots_ = 0;
  mutable std::string seen_screen_;
  mutable std::chrono::steady_clock::time_point seen_at_{};
};

fs::path temp_dir(const std::string& tag) {
  std::random_device rd;
  fs::path p = fs::temp_directory_path() / ("kiosk-e2e-" + tag + "-" + std::to_string(rd()));
  fs::create_directories(p);
  fs::permissions(p, fs::perms::owner_all, fs::perm_options::replace);
  return p;
}

// A demo member card as a PNG in `dir`, for --scan-source images:DIR.
void make_card(const fs::path& work, const fs::path& dir, const std::string& name, const std::string& sub) {
  const std::string key = (work / "demo.key").string();
  if (!fs::exists(key))
    REQUIRE(run({kKiosk, "card", "keygen", "--kid", "demo-2026", "--out", key, "--seed-hex",
                 std::string(64, '1')},
                {}) == 0);
  fs::create_directories(dir);
  std::string out;
  REQUIRE_MESSAGE(run({kKiosk, "card", "issue", "--key", key, "--sub", sub, "--name", name,
                       "--org", "长春市第一机床厂工会", "--days", "365", "--png",
                       (dir / "card.png").string(), "--module-px", "8"},
                      {}, &out) == 0,
                  out);
}

int count_service(const json& q, const std::string& service) {
  int n = 0;
  const json& items = q.is_array() ? q : q.value("requests", json::array());
  for (const auto& r : items)
    if (r.value("service_id", r.value("service", "")) == service) ++n;
  return n;
}

void legal(Kiosk& k) {
  k.tap("home.service.legal");
  REQUIRE(k.wait_screen("form"));
  k.shot("legal-1-slot");
  k.tap("form.pick.slot.S-20261124-PM");
  k.tap("form.next");
  k.tap("form.choice.category.wage_arrears");
  k.name_field("employer");
  k.open_field("description");
  for (int i = 0; i < 5; ++i) k.pinyin("gongzi");  // 工资, the best candidate
  k.shot("legal-2-keyboard");
  k.tap("kbd.ok");
  k.tap("form.choice.arbitration_filed.no");
  k.shot("legal-2-dispute");
  k.tap("form.next");
  k.name_field("name");
  k.open_field("phone");
  k.keys("1381234567");
  k.shot("legal-3-phone-keypad");
  k.keys("8");
  k.tap("kbd.ok");
  k.shot("legal-3-contact");
  k.tap("form.next");
  REQUIRE(k.wait_screen("review"));
  k.shot("legal-review");
  k.tap("form.next");
  REQUIRE(k.wait_screen("consent"));
  k.tap("consent.consent");
  k.shot("legal-consent");
  k.tap("form.submit");
  REQUIRE(k.wait_screen("ticket"));
  k.shot("legal-ticket");
  k.tap("ticket.done");
  REQUIRE(k.wait_screen("attract"));
}

void hardship(Kiosk& k) {
  k.tap("attract.start");
  REQUIRE(k.wait_screen("home"));
  k.tap("home.service.hardship");
  REQUIRE(k.wait_screen("form"));
  k.name_field("name");
  k.field("id_number", "11010519491231002X");
  k.field("phone", "13912345678");
  k.name_field("employer");
  k.shot("hardship-1-applicant");
  k.tap("form.next");
  k.tap("form.choice.kind.illness");
  k.field("household_size", "3");
  k.field("income_per_head", "800");
  k.open_field("description");
  for (int i = 0; i < 5; ++i) k.pinyin("gongzi");  // 工资, the best candidate
  k.tap("kbd.ok");
  k.shot("hardship-2");
  k.tap("form.next");
  REQUIRE(k.wait_screen("review"));
  k.shot("hardship-review");
  k.tap("form.next");
  REQUIRE(k.wait_screen("consent"));
  k.tap("consent.sensitive_consent");
  k.tap("consent.consent");
  k.shot("hardship-consent");
  k.tap("form.submit");
  REQUIRE(k.wait_screen("ticket"));
  k.shot("hardship-ticket");
  k.tap("ticket.done");
  REQUIRE(k.wait_screen("attract"));
}

void mixer(Kiosk& k) {
  k.tap("attract.start");
  REQUIRE(k.wait_screen("home"));
  k.tap("home.service.mixer");
  // The camera (an image folder holding a demo card) reads the card on the
  // scan screen; the flow continues into the form.
  REQUIRE(k.wait_screen("form", 20));
  k.shot("mixer-1-event");
  k.tap("form.pick.event.M-202612");
  k.tap("form.next");
  k.tap("form.choice.gender.f");
  k.field("birth_year", "1995");
  k.field("phone", "13712345678");
  k.shot("mixer-2-about");
  k.tap("form.next");
  REQUIRE(k.wait_screen("review"));
  k.tap("form.next");
  REQUIRE(k.wait_screen("consent"));
  k.tap("consent.single_declaration");
  k.tap("consent.consent");
  k.shot("mixer-consent");
  k.tap("form.submit");
  REQUIRE(k.wait_screen("ticket"));
  k.shot("mixer-ticket");
  k.tap("ticket.done");
  REQUIRE(k.wait_screen("attract"));
}

void childcare(Kiosk& k) {
  k.tap("attract.start");
  REQUIRE(k.wait_screen("home"));
  k.tap("home.service.childcare");
  REQUIRE(k.wait_screen("form", 20));
  k.field("guardian_phone", "13612345678");
  k.shot("childcare-1-guardian");
  k.tap("form.next");
  k.name_field("child_name");
  k.field("child_id", "220102201803151233");
  k.tap("form.choice.child_gender.m");
  k.name_field("school");
  k.tap("form.choice.grade.g2");
  k.shot("childcare-2-child");
  k.tap("form.next");
  k.shot("childcare-3-health");
  k.tap("form.next");
  k.name_field("emergency_name");
  k.field("emergency_phone", "13512345678");
  k.tap("form.next");
  k.tap("form.pick.class.C-2027W-A");
  k.shot("childcare-5-class");
  k.tap("form.next");
  REQUIRE(k.wait_screen("review"));
  k.shot("childcare-review");
  k.tap("form.next");
  REQUIRE(k.wait_screen("consent"));
  k.tap("consent.guardian_consent");
  k.tap("consent.consent");
  k.tap("form.submit");
  REQUIRE(k.wait_screen("ticket"));
  k.shot("childcare-ticket");
  k.tap("ticket.done");
  REQUIRE(k.wait_screen("attract"));
}

void run_language(const std::string& lang);

struct RemoveDir {
  fs::path p;
  ~RemoveDir() {
    std::error_code ec;
    fs::remove_all(p, ec);
  }
};

void run_language(const std::string& lang) {
  REQUIRE_MESSAGE(fs::exists(kKiosk), "build union-kiosk first");
  Xvfb x;
  REQUIRE_MESSAGE(!x.display.empty(), "could not start Xvfb");
  const fs::path work = temp_dir(lang);
  RemoveDir cleanup{work};
  const fs::path scan = work / "scan";
  make_card(work, scan, lang == "zh" ? "李娜" : "Li Na", "22010012345");
  Kiosk k(x, lang, work / "data", scan);
  REQUIRE_MESSAGE(k.wait_screen("attract", 60), "the kiosk did not draw its attract screen");
  k.shot("attract");
  k.tap("attract.start");
  REQUIRE(k.wait_screen("home"));
  k.shot("home");
  legal(k);
  hardship(k);
  mixer(k);
  childcare(k);

  // Check my request, by typing the ticket of the first request.
  json q = k.queue();
  CHECK(count_service(q, "legal") == 1);
  CHECK(count_service(q, "hardship") == 1);
  CHECK(count_service(q, "mixer") == 1);
  CHECK(count_service(q, "childcare") == 1);
  std::string ticket;
  const json& items = q.is_array() ? q : q.value("requests", json::array());
  for (const auto& r : items)
    if (r.value("service_id", r.value("service", "")) == "legal") ticket = r.value("ticket", "");
  REQUIRE(!ticket.empty());
  // What the pinyin keyboard typed reached the queue: the employer and the
  // name (张伟), the description (工资 five times).
  std::string shown;
  run({kKiosk, "--data-dir", (work / "data").string(), "queue", "show", ticket, "--with-answers"}, {},
      &shown);
  CHECK_MESSAGE(shown.find("张伟") != std::string::npos, shown);
  CHECK_MESSAGE(shown.find("工资工资工资工资工资") != std::string::npos, shown);
  k.tap("attract.start");
  REQUIRE(k.wait_screen("home"));
  k.tap("home.check_request");
  REQUIRE(k.wait_screen("check_request"));
  std::string typed;
  for (char c : ticket)
    if (c != '-') typed.push_back(c);
  k.keys(typed);
  k.tap("check.lookup");
  k.shot("check-request");
  k.tap("nav.home");

  if (lang == "zh") {
    // Large text and high contrast, then the idle prompt and the wipe.
    k.tap("home.large_text", 1.5);
    k.shot("home-large-text");
    k.tap("home.contrast", 1.0);
    k.shot("home-large-contrast");
    k.tap("home.service.legal");
    REQUIRE(k.wait_screen("form"));
    k.shot("legal-large-contrast");
    REQUIRE(k.wait_screen("still_there", 25));
    k.shot("still-there");
    REQUIRE(k.wait_screen("attract", 15));
    k.shot("after-wipe");
  }
}

}  // namespace

TEST_CASE("e2e: the kiosk under Xvfb, in Chinese") { run_language("zh"); }
TEST_CASE("e2e: the kiosk under Xvfb, in English") { run_language("en"); }
