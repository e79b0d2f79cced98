// Kiosk-mode event filtering and the UI's command-line options (no display).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "ui/shell/options.hpp"
#include "ui/platform/kiosk_filter.hpp"

using namespace kiosk::ui;

namespace {
SDL_Event key(SDL_Keycode k, Uint16 mod = KMOD_NONE) {
  SDL_Event e{};
  e.type = SDL_KEYDOWN;
  e.key.keysym.sym = k;
  e.key.keysym.mod = mod;
  return e;
}
}  // namespace

TEST_CASE("kiosk mode swallows the ways out, windowed mode does not") {
  CHECK(classify_event(key(SDLK_ESCAPE), true) == EventVerdict::Swallow);
  CHECK(classify_event(key(SDLK_F4, KMOD_LALT), true) == EventVerdict::Swallow);
  CHECK(classify_event(key(SDLK_TAB, KMOD_LALT), true) == EventVerdict::Swallow);
  CHECK(classify_event(key(SDLK_LGUI), true) == EventVerdict::Swallow);
  CHECK(classify_event(key(SDLK_F1, KMOD_LCTRL | KMOD_LALT), true) == EventVerdict::Swallow);
  CHECK(classify_event(key(SDLK_q, KMOD_LCTRL), true) == EventVerdict::Swallow);
  // Typing still works.
  CHECK(classify_event(key(SDLK_a), true) == EventVerdict::Pass);
  CHECK(classify_event(key(SDLK_TAB), true) == EventVerdict::Pass);
  CHECK(classify_event(key(SDLK_BACKSPACE), true) == EventVerdict::Pass);
  CHECK(classify_event(key(SDLK_ESCAPE), false) == EventVerdict::Pass);

  SDL_Event close{};
  close.type = SDL_WINDOWEVENT;
  close.window.event = SDL_WINDOWEVENT_CLOSE;
  CHECK(classify_event(close, true) == EventVerdict::Swallow);
  CHECK(classify_event(close, false) == EventVerdict::Quit);
  SDL_Event quit{};
  quit.type = SDL_QUIT;  // only a signal sends it (quit-on-last-window-close is off)
  CHECK(classify_event(quit, true) == EventVerdict::Quit);
}

TEST_CASE("UI options") {
  auto o = parse_ui_options({"--windowed", "1080x1920", "--lang", "en", "--large-text",
                             "--stats-file=/tmp/s.json", "--idle-timeout", "30",
                             "--idle-countdown", "5", "--scan-source", "none"});
  REQUIRE(o);
  CHECK(o->windowed);
  CHECK(o->width == 1080);
  CHECK(o->height == 1920);
  CHECK(o->lang == kiosk::Lang::En);
  CHECK(o->large_text);
  CHECK(o->stats_file == "/tmp/s.json");
  CHECK(o->idle_timeout_s == 30);
  CHECK(o->idle_countdown_s == 5);
  CHECK(o->scan_source == "none");
  CHECK(parse_ui_options({})->windowed == false);
  for (auto bad : std::vector<std::vector<std::string>>{
           {"--windowed", "big"}, {"--windowed"}, {"--lang", "fr"}, {"--idle-timeout", "-1"},
           {"--idle-timeout", "0"}, {"--frobnicate"}, {"--stats-file"}}) {
    auto r = parse_ui_options(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == kiosk::ErrorKind::BadOption);
    CHECK(!r.error().message.zh.empty());
  }
}
