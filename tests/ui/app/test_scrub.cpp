// One scrub on every way out: a worker fills a form, shows their card and
// types a ticket number to check; whichever way the session ends (done on
// the ticket, the idle countdown, "finish now", forgetting the card), the
// session the next person meets holds nothing of them.
#include <doctest/doctest.h>

#include "tests/ui/harness/ui_harness.hpp"

using namespace kiosk::ui;
using namespace kiosk::ui::test;

namespace {

// The card on home, a ticket number looked up (not found), then the legal
// form part typed: the slot picked, a category chosen, the employer typed
// and pinyin left half composed.
void fill_everything(Harness& h) {
  h.tap("attract.start");
  h.app().on_code_scanned(demo_card("李娜", "22010012345"), h.now());
  h.frame();
  REQUIRE(h.session().card.member.has_value());
  h.tap("home.check_request");
  h.type_keys("K9");
  h.tap("check.lookup");
  REQUIRE(h.session().lookup.result.searched);
  h.tap("nav.home");
  h.tap("home.service.legal");
  h.tap("form.pick.slot.S-20261124-PM");
  h.tap("form.next");
  h.tap("form.choice.category.other");
  h.tap("form.field.employer");
  h.type_pinyin("zhangwei", "张伟");
  h.type_keys("gong");
  const Session& s = h.session();
  REQUIRE(s.answers.contains("slot"));
  REQUIRE(s.editing.keyboard.composing == "gong");
  REQUIRE(s.lookup.input == "K9");
}

void check_nothing_left(Harness& h) {
  const Session& s = h.session();
  CHECK(s.answers.empty());
  CHECK(s.touched.empty());
  CHECK(s.editing.scratch.empty());
  CHECK_FALSE(s.editing.open());
  CHECK(s.editing.keyboard.composing.empty());
  CHECK_FALSE(s.card.member.has_value());
  CHECK(s.card.verdict.empty());
  CHECK(s.lookup.input.empty());
  CHECK_FALSE(s.lookup.result.searched);
  CHECK_FALSE(s.ticket.has_value());
  CHECK(s.service_id.empty());
  h.frame();
  CHECK_FALSE(h.drew("张伟"));
  CHECK_FALSE(h.drew("李**"));
  CHECK_FALSE(h.drew("K9"));
  for (const auto& t : automation::targets()) CHECK(t.label.find("张") == std::string::npos);
}

}  // namespace

TEST_CASE("scrub: the idle countdown leaves nothing of the worker") {
  Harness h;
  fill_everything(h);
  h.advance(61);
  REQUIRE(h.screen() == "still_there");
  h.advance(16);
  CHECK(h.screen() == "attract");
  check_nothing_left(h);
}

TEST_CASE("scrub: 'finish now' on the idle prompt leaves nothing of the worker") {
  Harness h;
  fill_everything(h);
  h.advance(61);
  REQUIRE(h.screen() == "still_there");
  h.tap("idle.end");
  CHECK(h.screen() == "attract");
  check_nothing_left(h);
}

TEST_CASE("scrub: forgetting the card forgets the worker, not only the card") {
  Harness h;
  fill_everything(h);
  h.leave_to_home();
  REQUIRE(h.screen() == "home");
  h.tap("home.forget_card");
  CHECK(h.screen() == "home");
  check_nothing_left(h);
  // Back into the service: an empty form.
  h.tap("home.service.legal");
  CHECK_FALSE(h.session().answers.contains("slot"));
}

TEST_CASE("scrub: done on the ticket leaves nothing of the worker") {
  Harness h;
  fill_everything(h);
  h.tap("kbd.ok");
  h.tap("form.field.description");
  for (int i = 0; i < 5; ++i) h.type_pinyin("gongzi", "工资");
  h.tap("kbd.ok");
  h.tap("form.choice.arbitration_filed.no");
  h.tap("form.next");
  // The name comes from the card.
  h.tap("form.field.phone");
  h.type_keys("13812345678");
  h.tap("kbd.ok");
  h.tap("form.next");
  REQUIRE(h.screen() == "review");
  h.tap("form.next");
  h.tap("consent.consent");
  h.tap("form.submit");
  REQUIRE(h.screen() == "ticket");
  REQUIRE(h.session().ticket.has_value());
  h.tap("ticket.done");
  CHECK(h.screen() == "attract");
  check_nothing_left(h);
  CHECK(h.store().list(kiosk::RequestState::Queued).size() == 1);
}

TEST_CASE("scrub: leaving a service asks first, and clears what was entered, the card aside") {
  Harness h;
  fill_everything(h);
  h.tap("nav.home");
  REQUIRE(h.screen() == "leave_confirm");
  // The form is not on screen while the question is.
  CHECK_FALSE(h.drew("张伟"));
  CHECK(h.drew(kiosk::tr("ui.leave.title").zh));
  h.tap("leave.stay");
  CHECK(h.screen() == "form");
  CHECK(h.session().answers.contains("slot"));
  h.tap("nav.home");
  h.tap("leave.confirm");
  CHECK(h.screen() == "home");
  const Session& s = h.session();
  CHECK(s.answers.empty());
  CHECK(s.touched.empty());
  CHECK(s.editing.scratch.empty());
  CHECK(s.service_id.empty());
  CHECK(s.card.member.has_value());  // still the same person at the kiosk
  // The next to open the service finds it empty.
  h.tap("home.service.legal");
  for (const char* f : {"slot", "category", "employer"}) CHECK_FALSE(h.session().answers.contains(f));
  CHECK(h.session().editing.scratch.empty());  // only the card's name is filled in again
}

TEST_CASE("scrub: a service left before anything was entered goes home without asking") {
  Harness h;
  h.tap("attract.start");
  h.tap("home.service.legal");
  h.tap("nav.home");
  CHECK(h.screen() == "home");
}

TEST_CASE("scrub: finish and clear on home ends the visit like the idle wipe") {
  Harness h;
  fill_everything(h);
  h.leave_to_home();
  CHECK(h.drew("李**"));  // who is signed in, said on home
  h.tap("home.finish");
  CHECK(h.screen() == "attract");
  check_nothing_left(h);
}

TEST_CASE("an ID number takes at most 18 characters on the keypad") {
  Harness h;
  h.tap("attract.start");
  h.tap("home.service.hardship");
  h.tap("form.field.id_number");
  h.type_keys("110105194912310021234");  // 21 digits
  CHECK(h.session().editing.text()->size() == 18);
}
