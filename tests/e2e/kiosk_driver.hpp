// Drives the real union-kiosk under Xvfb for the end-to-end tests: taps
// the rectangles the kiosk reports through --automation-file with real X
// pointer events (xdotool), types on its on-screen keyboard, takes
// screenshots, and reads its queue through the command line.
#pragma once
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "process.hpp"

namespace e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

inline const std::string kKiosk = KIOSK_UNION_KIOSK;
inline const std::string kArtifacts = std::string(KIOSK_BINARY_DIR) + "/test-artifacts/screens";


// Every wait below is for something the kiosk reports (a frame, a tap, a
// screen); this bound only fails a test whose kiosk hung.
inline constexpr double kBoundS = 60;

struct Target {
  float x = 0, y = 0, w = 0, h = 0;
};

// One look at the automation file (see ui/widgets/automation.hpp).
struct Frame {
  json j = json::object();
  uint64_t number() const { return j.value("frame", uint64_t{0}); }
  uint64_t changed() const { return j.value("changed", uint64_t{0}); }
  bool armed() const { return j.value("armed", false); }
  uint64_t taps() const { return j.value("taps", uint64_t{0}); }
  std::string screen() const { return j.value("screen", ""); }
  // The last frame repeated the one before it: the layout has settled.
  bool settled() const { return number() > 0 && number() > changed(); }
  std::optional<Target> find(const std::string& id) const {
    if (j.contains("targets"))
      for (const auto& t : j["targets"])
        if (t.value("id", "") == id)
          return Target{t["x"].get<float>(), t["y"].get<float>(), t["w"].get<float>(),
                        t["h"].get<float>()};
    return std::nullopt;
  }
};

// The embedded content is made of rules (a lawyer each Tuesday and
// Thursday, a mixer on the last Saturday of each month, a winter and a
// summer childcare period), so the kiosk has slots and events on any day it
// runs. Childcare signup is open only weeks a year, though, and the e2e
// tests run on the real clock: they install a copy whose period rules open
// signup 300 days before each period until its first day (so one period is
// always open), as the kiosk's pushed content, which it checks and loads
// like any other. What to tap is then read from the kiosk itself
// (`union-kiosk content show --json`, as a script that needs an id does).
inline void install_test_content(const fs::path& data_dir) {
  const fs::path src = fs::path(KIOSK_SOURCE_DIR) / "assets" / "content";
  const fs::path dst = data_dir / "content";
  fs::create_directories(dst);
  for (const auto& e : fs::directory_iterator(src)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (e.path().filename() == "childcare.json") {
      json j = json::parse(text);
      for (auto& r : j["period_rules"]) {
        r["signup_opens_days_before"] = 300;
        r["signup_closes_days_before"] = 0;
      }
      text = j.dump(1);
    }
    std::ofstream(dst / e.path().filename(), std::ios::binary) << text;
  }
  std::string report;
  REQUIRE_MESSAGE(run({kKiosk, "content", "check", dst.string()}, {}, &report) == 0, report);
}

// What the installed content offers today, by `union-kiosk content show`.
inline json offers_today(const fs::path& data_dir, const Env& env = {}) {
  std::string out;
  REQUIRE(run({kKiosk, "--data-dir", data_dir.string(), "--json", "content", "show"}, env, &out) == 0);
  return json::parse(out);
}

// The id of the n-th offer (0 = the first) of a service that has places
// left and that `fits` accepts.
inline std::string open_offer(const fs::path& data_dir, const std::string& service, int n = 0,
                              const std::function<bool(const json&)>& fits = {}, const Env& env = {},
                              bool fits_optional = false) {
  const json all = offers_today(data_dir, env);
  for (const auto& s : all["services"]) {
    if (s["id"] != service) continue;
    for (const auto& o : s["offers"]) {
      if (o["places_left"].get<int>() <= 0 || o.contains("signup_opens")) continue;
      if (fits && !fits(o)) continue;
      if (n-- == 0) return o["id"].get<std::string>();
    }
  }
  if (!fits_optional) FAIL("no open offer of " << service << " today");
  return {};
}

// The first mixer with places left for a woman (the flows sign up as one).
inline std::string open_mixer(const fs::path& data) {
  return open_offer(data, "mixer", 0, [](const json& o) {
    return !o.contains("places_left_by_gender") || o["places_left_by_gender"]["f"].get<int>() > 0;
  });
}

// The first class open for signup that takes a child born on `birth` (the
// age on the period's first day, as the rule counts it).
// `may_be_none`: "" when no class is open for signup today (between periods).
inline std::string open_class(const fs::path& data, const std::string& birth, const Env& env = {},
                              bool may_be_none = false) {
  return open_offer(data, "childcare", 0, [&](const json& o) {
    const std::string start = o["date"];
    int age = std::stoi(start.substr(0, 4)) - std::stoi(birth.substr(0, 4));
    if (start.substr(5) < birth.substr(5)) --age;
    return o["min_age"].get<int>() <= age && age <= o["max_age"].get<int>();
  }, env, may_be_none);
}

// `env` is added to the kiosk's environment (a faked clock);
// `embedded_content` starts it on its built-in content, as installed.
struct KioskSetup {
  Env env;
  bool embedded_content = false;
};

class Kiosk {
 public:
  // Screenshots go to test-artifacts/screens/<shots> (default: the language).
  // `demo` starts it with --demo, as scripts/dev.sh run does.
  Kiosk(const Xvfb& x, const std::string& lang, const fs::path& data, const fs::path& scan_dir,
        const std::string& shots = "", bool demo = true, KioskSetup setup = {})
      : display_(x.display), lang_(lang), shots_dir_(shots.empty() ? lang : shots), data_(data),
        extra_env_(std::move(setup.env)) {
    fs::create_directories(data);
    fs::permissions(data, fs::perms::owner_all, fs::perm_options::replace);
    if (!setup.embedded_content && !fs::exists(data / "content")) install_test_content(data);
    auto_file_ = (data / "automation.json").string();
    fs::create_directories(kArtifacts + "/" + shots_dir_);
    // Demo mode, as scripts/dev.sh run starts it: the tests' cards are signed
    // with the card spec's demo key.
    std::vector<std::string> argv = {kKiosk, "--data-dir", data.string(), "--lang", lang, "--automation-file",
                                     auto_file_, "--scan-source", "images:" + scan_dir.string(),
                                     "--idle-timeout", "10", "--idle-countdown", "5"};
    if (demo) argv.insert(argv.begin() + 3, "--demo");
    pid_ = spawn(argv, env(), (data / "kiosk.log").string());
    REQUIRE(pid_ > 0);
  }
  ~Kiosk() {
    stop(pid_);
    // The kiosk's log (no personal data by design) stays with the screenshots.
    std::error_code ec;
    fs::copy_file(data_ / "kiosk.log", kArtifacts + "/" + shots_dir_ + "/kiosk.log",
                  fs::copy_options::overwrite_existing, ec);
  }

  pid_t pid() const { return pid_; }
  const fs::path& data() const { return data_; }

  std::map<std::string, std::string> env() const {
    std::map<std::string, std::string> e = {
        {"DISPLAY", display_}, {"SDL_VIDEODRIVER", "x11"}, {"LIBGL_ALWAYS_SOFTWARE", "1"}};
    for (const auto& [k, v] : extra_env_) e[k] = v;
    return e;
  }

  // The automation file as last written (it is replaced whole, never half
  // written); empty before the first frame.
  Frame frame() const {
    Frame f;
    std::ifstream in(auto_file_);
    if (!in) return f;
    try {
      f.j = json::parse(in);
    } catch (...) {
      f.j = json::object();
    }
    return f;
  }
  json state() const { return frame().j; }
  std::string screen() const { return frame().screen(); }
  std::optional<Target> find_now(const std::string& id) const { return frame().find(id); }

  // The first frame that satisfies `ok`; fails the test if none came
  // within the bound or the kiosk died.
  template <class F>
  Frame wait_frame(F ok, const std::string& what, double seconds = kBoundS) const {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (true) {
      REQUIRE_MESSAGE(!exited(pid_), "union-kiosk exited; see " << (data_ / "kiosk.log"));
      Frame f = frame();
      if (ok(f)) return f;
      if (std::chrono::steady_clock::now() >= end) {
        FAIL("waited " << seconds << " s for " << what << " on screen '" << f.screen() << "' ("
                       << lang_ << ")");
      }
      std::this_thread::sleep_for(15ms);
    }
  }
  // A settled frame drawn at or after frame `after`.
  Frame settled(uint64_t after = 0) const {
    return wait_frame([&](const Frame& f) { return f.settled() && f.number() >= after; },
                      "a settled frame after " + std::to_string(after));
  }

  // The kiosk's log (no personal data by design).
  std::string log() const {
    std::ifstream f(data_ / "kiosk.log");
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  }
  // How often the kiosk has logged `what` so far.
  int log_count(const std::string& what) const {
    const std::string text = log();
    int n = 0;
    for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
    return n;
  }
  bool wait_log_count(const std::string& what, int n, double seconds = kBoundS) const {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      REQUIRE_MESSAGE(!exited(pid_), "union-kiosk exited; see " << (data_ / "kiosk.log"));
      if (log_count(what) >= n) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  // Screens change on their own too (a card read, the idle timer): these
  // wait for the kiosk to show it.
  bool wait_screen(const std::string& name, double seconds = kBoundS) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      REQUIRE_MESSAGE(!exited(pid_), "union-kiosk exited; see " << (data_ / "kiosk.log"));
      if (screen() == name) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  std::optional<Target> wait_target(const std::string& id, double seconds = kBoundS) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      REQUIRE_MESSAGE(!exited(pid_), "union-kiosk exited; see " << (data_ / "kiosk.log"));
      if (auto t = find_now(id)) return t;
      std::this_thread::sleep_for(20ms);
    }
    return std::nullopt;
  }

  // A tap as a worker makes it, once the kiosk can take it: on a settled
  // frame (scrolling the page with its own buttons if the target is below
  // or above the fold), on a frame that takes taps, then acknowledged by
  // the kiosk (its report of the release names this target) and settled
  // again with the result drawn.
  void tap(const std::string& id) {
    Frame f = settled();
    std::optional<Target> t = f.find(id);
    for (const char* dir : {"form.scroll.down", "form.scroll.up"}) {
      for (int i = 0; i < 10 && !t && f.find(dir); ++i) {
        f = press(dir, f);
        t = f.find(id);
      }
    }
    REQUIRE_MESSAGE(t.has_value(), "no '" << id << "' on screen '" << f.screen() << "' (" << lang_ << ")");
    press(id, f);
  }

  void keys(const std::string& s) {
    for (char c : s) tap(std::string("kbd.key.") + c);
  }
  // The automation file names candidates by place only (what they show can
  // be what a worker typed). For "zhangwei" the best one is 张伟; the test
  // checks at the end that the queued answers hold it.
  void pinyin(const std::string& letters) {
    keys(letters);
    settled();
    // Nothing the worker typed is in the automation file, only places.
    std::ifstream f(auto_file_);
    const std::string raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    CHECK_MESSAGE(raw.find("kbd.cand.0") != std::string::npos, "no candidates shown");
    for (unsigned char c : raw) REQUIRE_MESSAGE(c < 0x80, "the automation file holds typed text");
    tap("kbd.cand.0");
  }
  // Taps a field; its keyboard is up once the tap has been drawn.
  void open_field(const std::string& id) {
    tap("form.field." + id);
    REQUIRE_MESSAGE(find_now("kbd.ok").has_value(),
                    "the keyboard did not open for " << id << " (" << lang_ << ")");
  }
  void field(const std::string& id, const std::string& k) {
    open_field(id);
    keys(k);
    tap("kbd.ok");
  }
  // Home from a service: nav.home, and yes to "discard what you entered?"
  // when the kiosk asks it (a screenshot of the question is `shot`).
  void leave_to_home(const std::string& shot_name = "") {
    tap("nav.home");
    if (settled().screen() == "leave_confirm") {
      if (!shot_name.empty()) shot(shot_name);
      tap("leave.confirm");
    }
    REQUIRE(wait_screen("home"));
  }
  void name_field(const std::string& id) {
    open_field(id);
    pinyin("zhangwei");
    tap("kbd.ok");
  }

  // From the attract screen: "check my request", the ticket typed on the
  // pad (without its dash, as most people type it), look it up.
  void check_request(const std::string& ticket) {
    tap("attract.start");
    REQUIRE(wait_screen("home"));
    tap("home.check_request");
    REQUIRE(wait_screen("check_request"));
    std::string typed;
    for (char c : ticket)
      if (c != '-') typed.push_back(c);
    keys(typed);
    tap("check.lookup");
  }

  // The settled screen (the frame is on the display before the file names it).
  void shot(const std::string& name) {
    settled();
    char num[16];
    std::snprintf(num, sizeof num, "%02d", ++shots_);
    const std::string file = kArtifacts + "/" + shots_dir_ + "/" + num + "-" + name + ".png";
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
  void pointer_to(int x, int y, const std::vector<std::string>& then = {}) {
    std::vector<std::string> argv = {"xdotool", "mousemove", std::to_string(x), std::to_string(y)};
    argv.insert(argv.end(), then.begin(), then.end());
    REQUIRE(run(argv, env()) == 0);
    px_ = x;
    py_ = y;
  }

  // Taps `id` (present on the settled frame `f`) and returns the settled
  // frame that shows the result.
  Frame press(const std::string& id, Frame f) {
    std::optional<Target> t = f.find(id);
    // A new screen takes no taps for a moment, and the kiosk draws nothing
    // while nobody touches it: the pointer moving onto the target (as a
    // finger does) makes it draw again until a frame says it is armed.
    while (!f.armed()) {
      const uint64_t seen = f.number();
      const int x = static_cast<int>(t->x + t->w / 2), y = static_cast<int>(t->y + t->h / 2);
      pointer_to(px_ == x && py_ == y ? x + 1 : x, y);
      f = wait_frame([&](const Frame& g) { return g.number() > seen; }, "a frame after the pointer moved");
      t = f.find(id);
      REQUIRE_MESSAGE(t.has_value(), "'" << id << "' went from screen '" << f.screen() << "' (" << lang_ << ")");
    }
    const uint64_t taps = f.taps();
    const int x = static_cast<int>(t->x + t->w / 2), y = static_cast<int>(t->y + t->h / 2);
    pointer_to(x, y, {"mousedown", "1", "sleep", "0.04", "mouseup", "1"});
    const Frame a = wait_frame([&](const Frame& g) { return g.taps() > taps; }, "the kiosk to see the tap on '" + id + "'");
    const json& tap = a.j.at("tap");
    REQUIRE_MESSAGE(tap.value("on", "") == id, "the tap meant for '" << id << "' landed on '"
                                                   << tap.value("on", "") << "' (" << lang_ << ")");
    REQUIRE_MESSAGE(tap.value("armed", false), "the tap on '" << id << "' came before the screen took taps");
    // The release frame applies the tap; the next frames draw its result.
    return settled(tap.value("frame", uint64_t{0}) + 2);
  }

  std::string display_, lang_, shots_dir_;
  fs::path data_;
  Env extra_env_;
  std::string auto_file_;
  pid_t pid_ = -1;
  int shots_ = 0;
  int px_ = -1, py_ = -1;  // where the pointer was last put
};

inline fs::path temp_dir(const std::string& tag) {
  std::random_device rd;
  fs::path p = fs::temp_directory_path() / ("kiosk-e2e-" + tag + "-" + std::to_string(rd()));
  fs::create_directories(p);
  fs::permissions(p, fs::perms::owner_all, fs::perm_options::replace);
  return p;
}

// Removes a test's work directory when the test ends, however it ends.
struct RemoveDir {
  fs::path p;
  ~RemoveDir() {
    std::error_code ec;
    fs::remove_all(p, ec);
  }
};

// A demo member card as a PNG in `dir`, for --scan-source images:DIR.
inline void make_card(const fs::path& work, const fs::path& dir, const std::string& name, const std::string& sub,
                      const Env& env = {}) {
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
                      env, &out) == 0,
                  out);
}

inline int count_service(const json& q, const std::string& service) {
  int n = 0;
  const json& items = q.is_array() ? q : q.value("requests", json::array());
  for (const auto& r : items)
    if (r.value("service_id", r.value("service", "")) == service) ++n;
  return n;
}


}  // namespace e2e
