// Tapping through each of the four services to a queued request, with the
// real screens, fonts, pinyin engine, content and request store; double
// taps; errors in words; places left; check my request.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "tests/ui/app/flow_steps.hpp"

using kiosk::RequestState;
using namespace kiosk::ui;
using namespace kiosk::ui::test;


TEST_CASE("legal consultation: tap through to a queued request") {
  Harness h;
  start(h);
  h.tap("home.service.legal");
  CHECK(h.screen() == "form");
  CHECK(h.drew("第 1 步，共 5 步"));
  // The full slot says so in words and cannot be picked.
  CHECK_FALSE(h.has("form.pick.slot.S-20261124-AM"));
  CHECK(h.drew(kiosk::tr("ui.pick.full").zh));
  CHECK(h.drew("还剩 1 个名额"));
  h.tap("form.pick.slot.S-20261124-PM");
  next(h);
  CHECK(h.drew("第 2 步，共 5 步"));
  h.tap("form.choice.category.wage_arrears");
  type_name(h, "employer");  // any Chinese text will do for the employer
  type_phrase(h, "description", 5);
  h.tap("form.choice.arbitration_filed.no");
  next(h);
  type_name(h, "name");
  type_field(h, "phone", "13812345678");
  next(h);
  CHECK(h.screen() == "review");
  CHECK(h.drew("张伟"));
  CHECK(h.drew("138 1234 5678"));  // grouped 3-4-4, for checking digit by digit
  next(h);
  consent_and_submit(h, {"consent"});
  auto r = only_request(h, "legal");
  CHECK(r.ticket.rfind("F-", 0) == 0);
  REQUIRE(r.answers.has_value());
  CHECK((*r.answers)["name"] == "张伟");
  CHECK((*r.answers)["slot"] == "S-20261124-PM");
  check_ticket_screen(h, r);
  h.tap("ticket.done");
  CHECK(h.screen() == "attract");
}

TEST_CASE("lifting a finger after a drag presses nothing, a shaky tap still counts") {
  Harness h;
  start(h);
  // Dragged off and back onto a tile, then lifted: no service opens.
  h.drag("home.service.legal", 0, 80);
  CHECK(h.screen() == "home");
  h.drag("home.service.legal", 60, -40);
  CHECK(h.screen() == "home");
  // A finger that wobbles a few pixels is still a tap.
  h.drag("home.service.legal", 4, 3);
  REQUIRE(h.screen() == "form");
  // Scrolling the slot list by dragging on a slot does not pick it.
  h.drag("form.pick.slot.S-20261124-PM", 0, -120);
  CHECK_FALSE(h.session().answers.contains("slot"));
  h.tap("form.pick.slot.S-20261124-PM");
  CHECK(h.session().answers.contains("slot"));
}

TEST_CASE("hardship aid: sensitive consent, ID number and numbers") {
  Harness h;
  start(h);
  h.tap("home.service.hardship");
  type_name(h, "name");
  type_field(h, "id_number", "11010519491231002X");
  type_field(h, "phone", "13912345678");
  type_name(h, "employer");
  next(h);
  CHECK(h.drew("第 2 步"));
  h.tap("form.choice.kind.illness");
  type_field(h, "household_size", "3");
  type_field(h, "income_per_head", "800");
  type_phrase(h, "description", 5);
  next(h);
  CHECK(h.screen() == "review");
  next(h);
  // Without the separate sensitive consent, nothing is submitted.
  h.tap("consent.consent");
  h.tap("form.submit");
  CHECK(h.screen() != "ticket");
  CHECK(h.store().list(RequestState::Queued).empty());
  h.tap("consent.sensitive_consent");
  h.tap("form.submit");
  auto r = only_request(h, "hardship");
  CHECK(r.ticket.rfind("K-", 0) == 0);
  CHECK((*r.answers)["household_size"] == 3);
  check_ticket_screen(h, r);
}

TEST_CASE("mixer: members only, card first, one signup") {
  Harness h;
  start(h);
  h.tap("home.service.mixer");
  CHECK(h.screen() == "scan_card");
  h.app().on_code_scanned(demo_card("李娜", "22010012345"), h.now());
  h.frame();
  CHECK(h.screen() == "form");
  h.tap("form.pick.event.M-202612");
  next(h);
  // Prefilled from the card.
  CHECK(h.drew("李娜"));
  CHECK(h.drew("22010012345"));
  mixer_about(h, "1995");
  next(h);
  CHECK(h.screen() == "review");
  next(h);
  consent_and_submit(h, {"single_declaration", "consent"});
  auto r = only_request(h, "mixer");
  CHECK(r.ticket.rfind("L-", 0) == 0);
  check_ticket_screen(h, r);
}

TEST_CASE("childcare: guardian card, child ID, class with places left") {
  Harness h;
  start(h);
  h.app().on_code_scanned(demo_card("王芳", "22010054321"), h.now());
  h.frame();
  CHECK(h.screen() == "home");
  CHECK(h.drew("王**"));  // the name is masked on a shared screen
  h.tap("home.service.childcare");
  CHECK(h.screen() == "form");
  type_field(h, "guardian_phone", "13612345678");
  next(h);
  type_name(h, "child_name");
  type_field(h, "child_id", "220102201803151233");
  h.tap("form.choice.child_gender.m");
  type_name(h, "school");
  h.tap("form.choice.grade.g2");
  next(h);
  next(h);  // health notes are optional
  type_name(h, "emergency_name");
  type_field(h, "emergency_phone", "13512345678");
  next(h);
  // What this child cannot take is listed not choosable, with the reason:
  // summer 2027 (signup opens later), the 9-12 class (the child is 8).
  CHECK(h.drew("2027年暑期爱心托管班将于2027-06-01开始报名"));
  CHECK(h.drew("招收9至12岁的孩子"));
  h.tap("form.pick.class.C-2027W-A");
  CHECK(h.drew(kiosk::tr("ui.pick.chosen").zh));
  next(h);
  CHECK(h.screen() == "review");
  next(h);
  consent_and_submit(h, {"guardian_consent", "consent"});
  auto r = only_request(h, "childcare");
  CHECK(r.ticket.rfind("T-", 0) == 0);
  check_ticket_screen(h, r);
}

TEST_CASE("a double tap on submit makes one request") {
  Harness h;
  start(h);
  fill_legal(h, "S-20261126-AM", "dismissal");
  h.frame();
  const auto* t = h.target("form.submit");
  REQUIRE(t);
  const float x = t->x + t->w / 2, y = t->y + t->h / 2;
  h.settle();
  h.tap_at(x, y);  // each tap_at is down + up within 0.1 s
  h.tap_at(x, y);
  h.tap_at(x, y);
  CHECK(h.screen() == "ticket");
  CHECK(h.store().list(RequestState::Queued).size() == 1);
  // And the ticket stays up: the second tap did not press "Done".
  h.settle();
  CHECK(h.screen() == "ticket");
}

TEST_CASE("errors are said in words beside the field once the answer is complete") {
  Harness h;
  start(h);
  h.tap("home.service.legal");
  h.tap("form.pick.slot.S-20261124-PM");
  next(h);
  h.tap("form.choice.category.other");
  h.tap("form.choice.arbitration_filed.no");
  next(h);  // employer and description missing: the page stays, errors show
  CHECK(h.screen() == "form");
  CHECK(h.drew("第 2 步"));
  const auto* svc = h.content().service("legal");
  kiosk::RuleContext ctx;
  ctx.content = &h.content();
  for (const char* id : {"employer", "description"}) {
    auto errs = kiosk::validate_field(*svc, *svc->field(id), kiosk::Answers::object(), ctx);
    REQUIRE_FALSE(errs.empty());
    CHECK_MESSAGE(h.drew(errs.front().message.zh), id);
  }
  next(h);
  // The contact page is not reachable until the page is right.
  CHECK(h.drew("第 2 步"));
}

TEST_CASE("a wrong phone number is said in words as soon as 11 digits are in") {
  Harness g;
  g.tap("attract.start");
  g.tap("home.service.legal");
  g.tap("form.pick.slot.S-20261124-PM");
  g.tap("form.next");
  g.tap("form.choice.category.other");
  type_name(g, "employer");
  type_phrase(g, "description", 5);
  g.tap("form.choice.arbitration_filed.no");
  g.tap("form.next");
  const auto* svc = g.content().service("legal");
  const auto* phone = svc->field("phone");
  kiosk::Answers a;
  a["phone"] = "12312345678";
  kiosk::RuleContext ctx;
  ctx.content = &g.content();
  auto errs = kiosk::validate_field(*svc, *phone, a, ctx);
  REQUIRE_FALSE(errs.empty());
  g.tap("form.field.phone");
  g.type_keys("1231234567");
  CHECK_FALSE(g.drew(errs.front().message.zh));  // not while still typing
  g.type_keys("8");
  CHECK(g.drew(errs.front().message.zh));        // keyboard still open
  CHECK(g.has("kbd.ok"));
  // Correcting it removes the message.
  g.tap("kbd.backspace");
  g.tap("kbd.backspace");
  g.tap("kbd.backspace");
  g.tap("kbd.backspace");
  g.tap("kbd.backspace");
  g.tap("kbd.backspace");
  g.tap("kbd.backspace");
  g.tap("kbd.backspace");
  g.tap("kbd.backspace");
  g.tap("kbd.backspace");
  g.type_keys("3812345678");
  g.tap("kbd.ok");
  CHECK_FALSE(g.drew(errs.front().message.zh));
}

TEST_CASE("check my request by ticket number") {
  Harness h;
  start(h);
  book_legal(h);
  auto r = only_request(h, "legal");
  h.tap("ticket.done");
  h.tap("attract.start");
  h.tap("home.check_request");
  CHECK(h.screen() == "check_request");
  // No camera in the harness: the hint names the scanner only.
  CHECK(h.drew(kiosk::tr("ui.check.scan_hint_scanner").zh));
  CHECK_FALSE(h.drew(kiosk::tr("ui.check.scan_hint").zh));
  h.type_keys("K9");  // a wrong ticket first
  h.tap("check.lookup");
  CHECK(h.drew(kiosk::tr("ui.check.not_found").zh));
  h.tap("check.again");
  // Typed on the pad without the dash: still found.
  std::string keys;
  for (char c : r.ticket)
    if (c != '-') keys.push_back(c);
  h.type_keys(keys);
  h.tap("check.lookup");
  CHECK(h.drew(kiosk::tr("ui.check.state.queued").zh));
  CHECK_FALSE(h.drew("张伟"));  // the answers are never shown here

  // Scanning the ticket's QR code opens the same answer.
  h.tap("nav.home");
  h.app().on_code_scanned("GHREQ1:" + [&] {
    std::string id = r.id;
    for (char& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return id;
  }() + ":" + r.ticket, h.now());
  h.frame();
  CHECK(h.screen() == "check_request");
  CHECK(h.drew(kiosk::tr("ui.check.state.queued").zh));
}

TEST_CASE("a refused card is explained in words and unlocks nothing") {
  Harness h;
  start(h);
  h.tap("home.service.childcare");
  CHECK(h.screen() == "scan_card");
  h.app().on_code_scanned(demo_card("赵强", "22010077777", -86400 * 10), h.now());
  h.frame();
  CHECK(h.screen() == "scan_card");
  CHECK(h.session().card.member.has_value() == false);
  CHECK(h.drew(kiosk::tr("card.verdict.expired").zh));
}

TEST_CASE("language switch and large text") {
  Harness h;
  start(h);
  h.tap("home.lang.en");
  CHECK(h.app().lang() == kiosk::Lang::En);
  CHECK(h.drew("Please choose a service"));
  const auto* before = h.target("home.service.legal");
  REQUIRE(before);
  const float w1 = before->h;
  h.tap("home.large_text");
  CHECK(h.app().text_scale() >= 1.5f);
  h.frame();
  CHECK(h.missing_glyphs().empty());
  h.tap("home.contrast");
  CHECK(h.app().high_contrast());
  (void)w1;
}

TEST_CASE("online: the corner says so, the ticket says it is being sent, a staff note shows") {
  HarnessOptions o;
  o.hub_configured = true;
  Harness h(o);
  SyncIndicator s;
  s.hub_configured = true;
  s.online = false;
  s.waiting = 2;
  s.last_error = "offline";
  h.app().on_sync(s);
  start(h);
  // The corner, in words (and a ring, not a dot): offline, two waiting.
  CHECK(h.drew(kiosk::tr("ui.status.offline").zh));
  CHECK(h.drew("2 份申请待发送"));
  CHECK(h.has("status.offline.waiting.2"));
  s.online = true;
  s.waiting = 0;
  s.last_error.clear();
  h.app().on_sync(s);
  h.frame();
  CHECK(h.drew(kiosk::tr("ui.status.online").zh));
  CHECK(h.has("status.online.waiting.0"));
  CHECK_FALSE(h.target("status.online.waiting.0")->tappable);

  CHECK(h.app().submitted() == 0);
  book_legal(h);
  // Committed: the loop wakes the sync thread when this count moves.
  CHECK(h.app().submitted() == 1);
  CHECK(h.screen() == "ticket");
  CHECK(h.has("ticket.note.sending"));
  CHECK_FALSE(h.has("ticket.note.offline"));
  CHECK(h.drew(kiosk::tr("ui.ticket.sent").zh));
  CHECK_FALSE(h.drew(kiosk::tr("ui.ticket.offline").zh));
  auto r = only_request(h, "legal");
  h.tap("ticket.done");

  // What the sync thread writes when staff have handled it on the hub.
  REQUIRE(h.store().mark_delivered({r.id}, fixed_unix() * 1000).ok());
  REQUIRE(h.store().mark_handled(r.id, "请于周三上午9点带劳动合同到法律服务站", fixed_unix() * 1000).ok());
  h.tap("attract.start");
  h.tap("home.check_request");
  std::string keys;
  for (char c : r.ticket)
    if (c != '-') keys.push_back(c);
  h.type_keys(keys);
  h.tap("check.lookup");
  CHECK(h.has("check.state.handled"));
  CHECK(h.has("check.staff_note"));
  CHECK(h.drew(kiosk::tr("ui.check.state.handled").zh));
  CHECK(h.drew("请于周三上午9点带劳动合同到法律服务站"));
  CHECK(h.missing_glyphs().empty());
}

TEST_CASE("content that has aged: no slot left says so in words, with where to turn, and nothing is booked") {
  HarnessOptions o;
  // Content that was not renewed: its duty rules ended with the year, and
  // the kiosk runs on it 200 days later.
  o.edit_content = [](kiosk::ContentBundle& c) {
    for (auto& r : c.schedules.slot_rules) r.until = "2026-12-31";
  };
  o.days_later = 200;
  Harness h(o);
  start(h);
  h.tap("home.service.legal");
  CHECK(h.screen() == "form");
  CHECK(h.drew(kiosk::tr("ui.pick.none").zh));
  for (const auto& t : automation::targets()) CHECK(t.id.rfind("form.pick.slot.", 0) != 0);
  // Next cannot skip the slot: the worker stays on the page and is told why.
  next(h);
  CHECK(h.screen() == "form");
  CHECK(h.drew("第 1 步，共 5 步"));
  CHECK(h.drew("请选择“值班时段”。"));
  CHECK(h.store().list(RequestState::Queued).empty());
  CHECK(h.missing_glyphs().empty());
}
