// The session's reducer on its own: no ImGui, no store, no window. Events go
// in, effects come out; the one scrub leaves nothing of the person on any
// path; a second Submit before the first's result commits nothing more.
#include <doctest/doctest.h>

#include <algorithm>

#include "kiosk/base/date.hpp"
#include "kiosk/domain/content.hpp"
#include "ui/session/reducer.hpp"

using namespace kiosk;
using namespace kiosk::ui;

namespace {

const ContentBundle& content() {
  static const ContentBundle c = [] {
    ContentLoad load = load_embedded_content();
    REQUIRE(load.bundle.has_value());
    return std::move(*load.bundle);
  }();
  return c;
}

SessionEnv env_at(double now) {
  SessionEnv e;
  e.content = &content();
  e.rules.content = &content();
  e.rules.today = Date{2026, 11, 22};
  e.now = now;
  e.idle_timeout_s = 60;
  e.idle_countdown_s = 15;
  return e;
}

template <class F>
int count(const Effects& fx) {
  return static_cast<int>(
      std::count_if(fx.begin(), fx.end(), [](const Effect& f) { return std::holds_alternative<F>(f); }));
}

// Everything a worker can leave in a session.
Session full_session() {
  Session s;
  s.screen = Screen::Form;
  s.service_id = "legal";
  s.answers["name"] = "张伟";
  s.answers["phone"] = "13812345678";
  s.touched.insert("name");
  s.editing.begin("employer", "长春", KeyboardLayout::Pinyin);
  s.editing.scratch["employer"] = "长春一汽";
  s.editing.keyboard.composing = "gong";
  s.card.member = MemberIdentity{"CN-22-01", "22010012345", "李娜", "工会", "member"};
  s.card.verdict = "valid";
  s.card.then_service = "mixer";
  s.lookup.input = "F0427";
  s.lookup.result.searched = true;
  s.lookup.result.found = true;
  s.lookup.result.ticket = "F-0427";
  s.lookup.result.staff_note = "请带合同";
  s.ticket = TicketView{"F-0001", "01a200fb-5100-70aa-813d-dd10566772f8", "legal", true, {}};
  s.form_error = Text{"错", "wrong"};
  return s;
}

void check_nothing_left(const Session& s) {
  CHECK(s.answers.empty());
  CHECK(s.touched.empty());
  CHECK(s.editing.scratch.empty());
  CHECK_FALSE(s.editing.open());
  CHECK(s.editing.keyboard.composing.empty());
  CHECK_FALSE(s.card.member.has_value());
  CHECK(s.card.verdict.empty());
  CHECK(s.card.then_service.empty());
  CHECK(s.lookup.input.empty());
  CHECK_FALSE(s.lookup.result.searched);
  CHECK(s.lookup.result.ticket.empty());
  CHECK(s.lookup.result.staff_note.empty());
  CHECK_FALSE(s.ticket.has_value());
  CHECK(s.service_id.empty());
  CHECK(s.form_error.zh.empty());
  CHECK_FALSE(s.submitting);
}

}  // namespace

TEST_CASE("a ticket number is normalised once, as typed on the pad") {
  CHECK(normalise_ticket("f0427") == "F-0427");
  CHECK(normalise_ticket("F0427") == "F-0427");
  CHECK(normalise_ticket("F-0427") == "F-0427");
  CHECK(normalise_ticket(" F 0427") == "F-0427");
  CHECK(normalise_ticket("K9") == "K-9");
  CHECK(normalise_ticket("0427") == "0427");
  CHECK(normalise_ticket("F") == "F");
  CHECK(normalise_ticket("") == "");
  Session s;
  s.screen = Screen::CheckRequest;
  s.lookup.input = "f0427";
  const Effects fx = reduce(s, ev::LookUp{}, env_at(10));
  REQUIRE(count<fx::LookUpTicket>(fx) == 1);
  CHECK(std::get<fx::LookUpTicket>(fx.front()).ticket == "F-0427");
  CHECK(s.lookup.result.searched);
  reduce(s, ev::LookedUp{CheckResult{true, true, "F-0427", "legal", "queued", ""}}, env_at(10));
  CHECK(s.lookup.result.found);
  CHECK(s.lookup.result.state == "queued");
  reduce(s, ev::LookupEdited{}, env_at(11));
  CHECK_FALSE(s.lookup.result.searched);
  CHECK(s.lookup.input == "f0427");
}

TEST_CASE("one scrub: every way out leaves nothing of the person") {
  SUBCASE("finish on the ticket") {
    Session s = full_session();
    s.screen = Screen::Ticket;
    const Effects fx = reduce(s, ev::Finish{}, env_at(50));
    check_nothing_left(s);
    CHECK(s.screen == Screen::Attract);
    CHECK(count<fx::ForgetTyped>(fx) == 1);
  }
  SUBCASE("home from the ticket") {
    Session s = full_session();
    s.screen = Screen::Ticket;
    const Effects fx = reduce(s, ev::GoHome{}, env_at(50));
    check_nothing_left(s);
    CHECK(s.screen == Screen::Home);
    CHECK(count<fx::ForgetTyped>(fx) == 1);
  }
  SUBCASE("the idle countdown") {
    Session s = full_session();
    s.lang = Lang::En;
    reduce(s, ev::UserInput{}, env_at(100));
    reduce(s, ev::Tick{}, env_at(161));
    CHECK(s.idle.prompting);
    CHECK_FALSE(s.editing.open());  // the prompt hides the keyboard
    const Effects fx = reduce(s, ev::Tick{}, env_at(176));
    check_nothing_left(s);
    CHECK(s.screen == Screen::Attract);
    CHECK(s.lang == Lang::Zh);  // the kiosk's default again
    CHECK_FALSE(s.idle.prompting);
    CHECK(count<fx::ForgetTyped>(fx) == 1);
  }
  SUBCASE("'no, finish now' on the prompt") {
    Session s = full_session();
    reduce(s, ev::Tick{}, env_at(61));
    REQUIRE(s.idle.prompting);
    reduce(s, ev::EndSession{}, env_at(62));
    check_nothing_left(s);
    CHECK(s.screen == Screen::Attract);
  }
  SUBCASE("forget the card, on home") {
    Session s = full_session();
    s.screen = Screen::Home;
    s.lang = Lang::En;
    const Effects fx = reduce(s, ev::ForgetCard{}, env_at(50));
    check_nothing_left(s);
    CHECK(s.screen == Screen::Home);
    CHECK(s.lang == Lang::En);  // a preference, not the person
    CHECK(count<fx::ForgetTyped>(fx) == 1);
  }
}

TEST_CASE("a second Submit before the first one's result commits nothing more") {
  Session s;
  const SessionEnv e = env_at(10);
  reduce(s, ev::Start{}, e);
  reduce(s, ev::OpenService{"legal"}, e);
  REQUIRE(s.screen == Screen::Form);
  s.screen = Screen::Consent;
  CHECK(count<fx::SubmitRequest>(reduce(s, ev::Submit{}, e)) == 1);
  CHECK(s.submitting);
  CHECK(count<fx::SubmitRequest>(reduce(s, ev::Submit{}, e)) == 0);
  CHECK(count<fx::SubmitRequest>(reduce(s, ev::Next{}, e)) == 0);
  // Refused: the worker may fix it and submit again.
  reduce(s, ev::SubmitRefused{}, e);
  CHECK_FALSE(s.submitting);
  CHECK(count<fx::SubmitRequest>(reduce(s, ev::Submit{}, e)) == 1);
  const Effects done = reduce(s, ev::Submitted{TicketView{"F-0001", "id-1", "legal", true, {}}}, e);
  CHECK(s.screen == Screen::Ticket);
  CHECK_FALSE(s.submitting);
  CHECK(count<fx::ShowTicketQr>(done) == 1);
  // Committed: one request per session.
  CHECK(count<fx::SubmitRequest>(reduce(s, ev::Submit{}, e)) == 0);
}

TEST_CASE("a consent refused at submit is said once under its tick box, a service-level refusal at the top") {
  Session s;
  const SessionEnv e = env_at(10);
  reduce(s, ev::Start{}, e);
  reduce(s, ev::OpenService{"legal"}, e);
  s.screen = Screen::Consent;
  reduce(s, ev::Submit{}, e);
  const kiosk::Text consent_msg{"请勾选同意", "Please tick to agree"};
  reduce(s, ev::SubmitRefused{{kiosk::FieldError{"consent", "consent_required", consent_msg}}}, e);
  CHECK(s.screen == Screen::Consent);
  CHECK(s.touched.count("consent") == 1);  // the screen draws its error under the box
  CHECK(s.form_error.zh.empty());          // and not a second time at the top
  CHECK(s.form_error_code.empty());
  // The place went meanwhile, and the tick is missing: the place at the top, the tick at its box.
  reduce(s, ev::Submit{}, e);
  const kiosk::Text full{"已约满", "Full"};
  reduce(s, ev::SubmitRefused{{kiosk::FieldError{"consent", "consent_required", consent_msg},
                               kiosk::FieldError{"", "slot_full", full}}}, e);
  CHECK(s.form_error_code == "slot_full");
  CHECK(s.form_error.zh == "已约满");
}

TEST_CASE("typing: the keyboard's text becomes the answer when the field is left") {
  Session s;
  const SessionEnv e = env_at(10);
  reduce(s, ev::OpenService{"legal"}, e);
  reduce(s, ev::EditField{"phone"}, e);
  REQUIRE(s.editing.open());
  CHECK(s.editing.keyboard.layout == KeyboardLayout::Phone);
  *s.editing.text() = "1381234";
  reduce(s, ev::TextEdited{"phone"}, e);
  CHECK(s.touched.count("phone") == 0);  // not complete yet: no error shown
  *s.editing.text() = "13812345678";
  const Effects fx = reduce(s, ev::TextEdited{"phone", true}, e);
  CHECK_FALSE(s.editing.open());
  CHECK(s.answers["phone"] == "13812345678");
  CHECK(s.touched.count("phone") == 1);
  CHECK(count<fx::EndComposition>(fx) == 1);
  // Another field's event does not write into this one.
  reduce(s, ev::TextEdited{"name"}, e);
  CHECK_FALSE(s.answers.contains("name"));
}

TEST_CASE("the card gate: a card mid-form is not asked for, a verified one opens the waiting service") {
  Session s;
  const SessionEnv e = env_at(10);
  reduce(s, ev::OpenService{"legal"}, e);
  CHECK(count<fx::VerifyCard>(reduce(s, ev::CardShown{"card"}, e)) == 0);
  reduce(s, ev::GoHome{}, e);
  reduce(s, ev::OpenService{"mixer"}, e);  // members only
  CHECK(s.screen == Screen::ScanCard);
  CHECK(s.card.then_service == "mixer");
  CHECK(count<fx::VerifyCard>(reduce(s, ev::CardShown{"card"}, e)) == 1);
  reduce(s, ev::CardRefused{"expired", Text{"过期", "expired"}}, e);
  CHECK(s.screen == Screen::ScanCard);
  CHECK_FALSE(s.card.verified());
  reduce(s, ev::CardVerified{MemberIdentity{"CN-22-01", "22010012345", "李娜", "", "member"}, "valid"},
         e);
  CHECK(s.card.verified());
  CHECK(s.screen == Screen::Form);
  CHECK(s.service_id == "mixer");
  CHECK(s.card.then_service.empty());
}

TEST_CASE("the camera runs on the scan and check screens only, and not under the idle prompt") {
  Session s;
  reduce(s, ev::Start{}, env_at(10));
  Effects fx = reduce(s, ev::OpenCheckRequest{}, env_at(11));
  REQUIRE(count<fx::Camera>(fx) == 1);
  CHECK(std::get<fx::Camera>(fx.back()).on);
  CHECK(wants_camera(s));
  fx = reduce(s, ev::Tick{}, env_at(80));
  REQUIRE(s.idle.prompting);
  REQUIRE(count<fx::Camera>(fx) == 1);
  CHECK_FALSE(std::get<fx::Camera>(fx.back()).on);
  reduce(s, ev::StillHere{}, env_at(81));
  CHECK(wants_camera(s));
  fx = reduce(s, ev::GoHome{}, env_at(82));
  CHECK(count<fx::Camera>(fx) == 1);
  CHECK_FALSE(wants_camera(s));
}

TEST_CASE("idle: home with nothing personal goes straight back to the notices") {
  Session s;
  reduce(s, ev::Start{}, env_at(10));
  reduce(s, ev::UserInput{}, env_at(10));
  reduce(s, ev::SetLang{Lang::En}, env_at(10));
  reduce(s, ev::Tick{}, env_at(69));
  CHECK(s.screen == Screen::Home);
  reduce(s, ev::Tick{}, env_at(71));
  CHECK(s.screen == Screen::Attract);
  CHECK_FALSE(s.idle.prompting);
  CHECK(s.lang == Lang::Zh);
  // The attract screen is never timed.
  reduce(s, ev::Tick{}, env_at(1000));
  CHECK(s.screen == Screen::Attract);
  CHECK_FALSE(s.idle.next_change(1000, 60, 15, false).has_value());
}

TEST_CASE("scrub_member overwrites every field of a member's identity, role included") {
  MemberIdentity m{"CN-22-01", "22010012345", "张伟", "长春市第一机床厂工会", "staff"};
  scrub_member(m);
  for (const std::string* f : {&m.iss, &m.sub, &m.name, &m.org, &m.role})
    CHECK(std::all_of(f->begin(), f->end(), [](char c) { return c == '\0'; }));
  CHECK_FALSE(m.is_staff());
}
