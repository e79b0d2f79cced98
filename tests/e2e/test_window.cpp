// The kiosk's window on X11, with and without a window manager: on a bare X
// server (the usual kiosk session) a borderless window covering the display;
// under an EWMH window manager (matchbox, as on many embedded kiosks) a
// fullscreen request the manager honours; a manager that died leaves a stale
// root property, which must not count.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "kiosk_driver.hpp"

namespace {

using namespace e2e;

struct Geometry {
  std::string window, position, size;
};

// xdotool's view of the kiosk's window.
Geometry geometry(const Xvfb& x) {
  std::string out;
  run({"xdotool", "search", "--name", "union-kiosk", "getwindowgeometry"}, {{"DISPLAY", x.display}},
      &out);
  Geometry g;
  auto after = [&](const std::string& key) {
    const size_t p = out.find(key);
    if (p == std::string::npos) return std::string();
    const size_t b = p + key.size();
    return out.substr(b, out.find_first_of(" \n", b) - b);
  };
  g.window = after("Window ");
  g.position = after("Position: ");
  g.size = after("Geometry: ");
  return g;
}

std::string wm_state(const Xvfb& x, const std::string& window) {
  std::string out;
  run({"xprop", "-id", window, "_NET_WM_STATE"}, {{"DISPLAY", x.display}}, &out);
  return out;
}

void check_covers(const Xvfb& x, const fs::path& work, const std::string& tag, bool managed,
                  int w, int h) {
  Kiosk k(x, "zh", work / tag, work / "scan", "window-" + tag);
  REQUIRE_MESSAGE(k.wait_screen("attract"), "no attract screen (" << tag << ")");
  const std::string expect = std::string("window_manager=") + (managed ? "yes" : "no");
  CHECK_MESSAGE(k.log().find(expect) != std::string::npos, k.log());
  const Geometry g = geometry(x);
  CHECK(g.position == "0,0");
  CHECK(g.size == std::to_string(w) + "x" + std::to_string(h));
  if (managed) CHECK(wm_state(x, g.window).find("_NET_WM_STATE_FULLSCREEN") != std::string::npos);
  k.shot("attract");
}

}  // namespace

TEST_CASE("e2e: the kiosk covers the display with and without a window manager") {
  REQUIRE_MESSAGE(fs::exists(kKiosk), "build union-kiosk first");
  REQUIRE(run({"sh", "-c", "command -v matchbox-window-manager && command -v xprop"}) == 0);
  Xvfb x(1280, 800);
  REQUIRE_MESSAGE(!x.display.empty(), "could not start Xvfb");
  const fs::path work = temp_dir("window");
  fs::create_directories(work / "scan");

  SUBCASE("bare X server") { check_covers(x, work, "bare", false, 1280, 800); }
  SUBCASE("under matchbox, then after it died") {
    const pid_t wm = spawn({"matchbox-window-manager", "-use_titlebar", "no"},
                           {{"DISPLAY", x.display}}, (work / "wm.log").string());
    REQUIRE(wm > 0);
    // Up once its check window is on the root.
    bool up = false;
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(kBoundS);
    while (!up && std::chrono::steady_clock::now() < end) {
      REQUIRE_MESSAGE(!exited(wm), "matchbox exited; see " << (work / "wm.log"));
      std::string out;
      run({"xprop", "-root", "_NET_SUPPORTING_WM_CHECK"}, {{"DISPLAY", x.display}}, &out);
      up = out.find("window id") != std::string::npos;
      if (!up) std::this_thread::sleep_for(20ms);
    }
    REQUIRE_MESSAGE(up, "matchbox did not put its check window on the root");
    check_covers(x, work, "matchbox", true, 1280, 800);
    stop(wm);
    check_covers(x, work, "stale-wm", false, 1280, 800);
  }
  fs::remove_all(work);
}
