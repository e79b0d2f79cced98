// What a worker cannot take, said where they are: the event a member
// signed up for marked on the next visit, an age outside the mixer's range
// refused on its page in words, with the question brought into view.
#include <doctest/doctest.h>

#include "tests/ui/app/flow_steps.hpp"

using namespace kiosk::ui;
using namespace kiosk::ui::test;

TEST_CASE("mixer: the event a member signed up for is marked on their next visit, not choosable") {
  Harness h;
  start(h);
  h.tap("home.service.mixer");
  h.app().on_code_scanned(demo_card("李娜", "22010012345"), h.now());
  h.frame();
  h.tap("form.pick.event.M-202612");
  next(h);
  mixer_about(h, "1995");
  next(h);
  next(h);
  consent_and_submit(h, {"single_declaration", "consent"});
  REQUIRE(h.screen() == "ticket");
  h.tap("ticket.done");
  // The same member again.
  h.tap("attract.start");
  h.tap("home.service.mixer");
  h.app().on_code_scanned(demo_card("李娜", "22010012345"), h.now());
  h.frame();
  REQUIRE(h.screen() == "form");
  CHECK(h.drew("您已报名“12月单身职工联谊会·冬日暖阳”"));
  CHECK_FALSE(h.has("form.pick.event.M-202612"));  // shown, not a target: it cannot be chosen
  h.tap("form.pick.event.M-202701");
  CHECK(h.drew(kiosk::tr("ui.pick.chosen").zh));
}

TEST_CASE("an age outside the mixer's range is said on the page, at the top and under the year, before going on") {
  Harness h;
  start(h);
  h.tap("home.service.mixer");
  h.app().on_code_scanned(demo_card("李娜", "22010012345"), h.now());
  h.frame();
  REQUIRE(h.screen() == "form");
  h.tap("form.pick.event.M-202612");  // ages 22-40
  next(h);
  mixer_about(h, "1960");
  next(h);
  // Not sent on to the review with nothing said: the worker stays, told why.
  CHECK(h.screen() == "form");
  CHECK(h.drew("第 2 步"));
  CHECK(h.drew("还不能进入下一步。请改正「出生年份」"));
  int said = 0;
  for (const auto& t : h.drawn()) said += t.text.find("面向22至40岁的单身职工") != std::string::npos;
  CHECK(said == 2);  // at the top, and under the year
  CHECK(h.store().list(RequestState::Queued).empty());
  // Corrected, the same Next goes on.
  h.tap("form.field.birth_year");
  for (int i = 0; i < 4; ++i) h.tap("kbd.backspace");
  h.type_keys("1995");
  h.tap("kbd.ok");
  CHECK_FALSE(h.drew("还不能进入下一步"));
  next(h);
  CHECK(h.screen() == "review");
}

