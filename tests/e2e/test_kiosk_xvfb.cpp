// The real kiosk in a real X window: starts Xvfb on a free display, runs
// union-kiosk fullscreen on it, taps through each of the four services with
// xdotool (real X pointer events at the rectangles the widgets report via
// --automation-file), types a Chinese name with the pinyin keyboard,
// submits, and checks with `union-kiosk queue list --json` that the
// requests are queued. One run in Chinese, one in English; a screenshot of
// every screen goes to build/test-artifacts/screens/<lang>/. Portrait
// (1080x1920) runs one service in each language (screens/<lang>-portrait/).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "kiosk_driver.hpp"
#include "sealed_answers.hpp"
#include "service_flows.hpp"

namespace {

using namespace e2e;

void run_language(const std::string& lang);


void run_language(const std::string& lang) {
  REQUIRE_MESSAGE(fs::exists(kKiosk), "build union-kiosk first");
  Xvfb x;
  REQUIRE_MESSAGE(!x.display.empty(), "could not start Xvfb");
  const fs::path work = temp_dir(lang);
  RemoveDir cleanup{work};
  const fs::path scan = work / "scan";
  make_card(work, scan, lang == "zh" ? "李娜" : "Li Na", "22010012345");
  Kiosk k(x, lang, work / "data", scan);
  REQUIRE_MESSAGE(k.wait_screen("attract"), "the kiosk did not draw its attract screen");
  // The content with today's dates, not the embedded bundle.
  CHECK(k.log().find("source=data-dir") != std::string::npos);
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
  // Sealed in the queue: `queue show` prints none of it, the sealed row holds it.
  std::string shown;
  run({kKiosk, "--data-dir", (work / "data").string(), "queue", "show", ticket, "--with-answers"}, {},
      &shown);
  CHECK_MESSAGE(shown.find("张伟") == std::string::npos, shown);
  const std::string sealed = kiosk::e2e::local_sealed_answers((work / "data").string(), ticket);
  CHECK_MESSAGE(sealed.find("张伟") != std::string::npos, sealed);
  CHECK_MESSAGE(sealed.find("工资工资工资工资工资") != std::string::npos, sealed);
  k.check_request(ticket);
  k.shot("check-request");
  k.tap("nav.home");

  if (lang == "zh") {
    // Large text and high contrast, then the idle prompt and the wipe.
    k.tap("home.large_text");
    k.shot("home-large-text");
    k.tap("home.contrast");
    k.shot("home-large-contrast");
    k.tap("home.service.legal");
    REQUIRE(k.wait_screen("form"));
    k.shot("legal-large-contrast");
    REQUIRE(k.wait_screen("still_there"));
    k.shot("still-there");
    REQUIRE(k.wait_screen("attract"));
    k.shot("after-wipe");
  }
}

// A portrait screen (1080x1920, as a floor-standing kiosk): the attract
// and home screens, then one whole service, with the keyboards.
void run_portrait(const std::string& lang) {
  REQUIRE_MESSAGE(fs::exists(kKiosk), "build union-kiosk first");
  Xvfb x(1080, 1920);
  REQUIRE_MESSAGE(!x.display.empty(), "could not start Xvfb");
  const fs::path work = temp_dir(lang + "-portrait");
  RemoveDir cleanup{work};
  fs::create_directories(work / "scan");
  Kiosk k(x, lang, work / "data", work / "scan", lang + "-portrait");
  REQUIRE_MESSAGE(k.wait_screen("attract"), "the kiosk did not draw its attract screen");
  k.shot("attract");
  if (lang == "zh") {
    k.tap("attract.start");
    REQUIRE(k.wait_screen("home"));
    k.shot("home");
    legal(k);
    CHECK(count_service(k.queue(), "legal") == 1);
  } else {
    hardship(k);
    CHECK(count_service(k.queue(), "hardship") == 1);
  }
}

}  // namespace

TEST_CASE("e2e: the kiosk under Xvfb, in Chinese") { run_language("zh"); }
TEST_CASE("e2e: the kiosk under Xvfb, in English") { run_language("en"); }
TEST_CASE("e2e: the kiosk under Xvfb, portrait, in Chinese") { run_portrait("zh"); }
TEST_CASE("e2e: the kiosk under Xvfb, portrait, in English") { run_portrait("en"); }
