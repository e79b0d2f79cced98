// Demo mode at the touch screen: a kiosk that is not in demo mode refuses a
// card signed with the card spec's demo key (whose private seed is
// published) and shows no badge; in demo mode every screen says so.
#include <doctest/doctest.h>

#include "kiosk/card/member_card.hpp"
#include "tests/ui/harness/ui_harness.hpp"

using namespace kiosk::ui;
using namespace kiosk::ui::test;

TEST_CASE("out of demo mode a demo-key card is an unknown issuer's, and no badge is shown") {
  HarnessOptions o;
  o.demo = false;
  Harness h(o);
  CHECK(h.screen() == "attract");
  CHECK_FALSE(h.has("status.demo"));
  h.tap("attract.start");
  h.tap("home.service.mixer");
  REQUIRE(h.screen() == "scan_card");
  h.app().on_code_scanned(demo_card("李娜", "22010012345"), h.now());
  h.frame();
  CHECK(h.screen() == "scan_card");  // not let through to the form
  CHECK(h.drew(kiosk::card::verdict_message(kiosk::card::CardVerdict::UnknownIssuer).zh));
  CHECK_FALSE(h.has("status.demo"));
  CHECK_FALSE(h.drew(kiosk::tr("ui.demo.badge").zh));
}

TEST_CASE("in demo mode every screen shows the badge, in the worker's language, and the demo card works") {
  Harness h;  // the harness starts in demo mode, as scripts/dev.sh run does
  CHECK(h.screen() == "attract");
  CHECK(h.has("status.demo"));
  CHECK(h.drew(kiosk::tr("ui.demo.badge").zh));
  h.tap("attract.start");
  CHECK(h.has("status.demo"));
  h.tap("home.service.mixer");
  h.app().on_code_scanned(demo_card("李娜", "22010012345"), h.now());
  h.frame();
  CHECK(h.screen() == "form");
  CHECK(h.has("status.demo"));

  HarnessOptions en;
  en.lang = kiosk::Lang::En;
  Harness e(en);
  CHECK(e.has("status.demo"));
  CHECK(e.drew(kiosk::tr("ui.demo.badge").en));
}
