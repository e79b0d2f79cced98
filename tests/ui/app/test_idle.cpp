// The idle wipe on a shared terminal: after the timeout, "still there?"
// with a countdown; then nothing typed is left on screen or in the session.
#include <doctest/doctest.h>

#include "tests/ui/harness/ui_harness.hpp"

using namespace kiosk::ui;
using namespace kiosk::ui::test;

namespace {

void fill_contact(Harness& h) {
  h.tap("attract.start");
  h.tap("home.service.legal");
  h.tap("form.pick.slot.S-20261124-PM");
  h.tap("form.next");
  h.tap("form.choice.category.other");
  h.tap("form.field.employer");
  h.type_pinyin("zhangwei", "张伟");
  // Leave a composition half typed: it must go too.
  h.type_keys("gong");
}

bool automation_mentions(const std::string& s) {
  for (const auto& t : automation::targets())
    if (t.id.find(s) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("idle: still there, countdown, then the wipe leaves nothing typed") {
  HarnessOptions o;
  o.idle_timeout_s = 60;
  o.idle_countdown_s = 15;
  Harness h(o);
  fill_contact(h);
  CHECK(h.drew("张伟"));
  CHECK(h.session().editing.scratch.at("employer").find("张伟") == 0);

  h.advance(59);
  CHECK(h.screen() == "form");
  h.advance(2);
  CHECK(h.screen() == "still_there");
  // The prompt hides the form: the next person cannot read it meanwhile.
  CHECK_FALSE(h.drew("张伟"));
  CHECK((h.drew("15") || h.drew("14")));
  CHECK(h.app().animating(h.now()));
  h.advance(5);
  CHECK(h.drew("10") == true);

  h.advance(11);
  CHECK(h.screen() == "attract");
  const Session& s = h.session();
  CHECK(s.answers.empty());
  CHECK(s.editing.scratch.empty());
  CHECK(s.editing.keyboard.composing.empty());
  CHECK(s.service_id.empty());
  CHECK_FALSE(s.editing.open());
  CHECK_FALSE(s.card.member.has_value());
  CHECK_FALSE(h.drew("张伟"));
  CHECK_FALSE(automation_mentions("张伟"));
  CHECK(h.app().lang() == kiosk::Lang::Zh);

  // Starting again shows an empty form.
  h.tap("attract.start");
  h.tap("home.service.legal");
  h.tap("form.pick.slot.S-20261124-PM");
  h.tap("form.next");
  CHECK_FALSE(h.drew("张伟"));
  CHECK(h.store().list(std::nullopt).empty());
}

TEST_CASE("idle: 'I'm still here' keeps the answers") {
  Harness h;
  fill_contact(h);
  h.advance(61);
  REQUIRE(h.screen() == "still_there");
  h.tap("idle.still_here");
  CHECK(h.screen() == "form");
  CHECK(h.drew("张伟"));
  // The timer starts over.
  h.advance(30);
  CHECK(h.screen() == "form");
}

TEST_CASE("idle: times are configurable, and home without personal data returns to attract") {
  HarnessOptions o;
  o.idle_timeout_s = 5;
  o.idle_countdown_s = 3;
  Harness h(o);
  h.tap("attract.start");
  h.tap("home.lang.en");
  h.advance(6);
  CHECK(h.screen() == "attract");  // no prompt: nothing personal on home
  CHECK(h.app().lang() == kiosk::Lang::Zh);
  fill_contact(h);
  h.advance(6);
  CHECK(h.screen() == "still_there");
  h.advance(4);
  CHECK(h.screen() == "attract");
  CHECK(h.session().answers.empty());
}

TEST_CASE("wipe scrubs string storage before it is freed") {
  Session s;
  s.answers["name"] = "张伟张伟张伟张伟张伟张伟";
  std::string& stored = s.answers["name"].get_ref<std::string&>();
  const char* p = stored.data();
  const size_t n = stored.size();
  std::string copy(p, n);
  scrub(stored);
  // The bytes that held the name are zero now (same buffer, not freed yet).
  bool all_zero = true;
  for (size_t i = 0; i < n; ++i)
    if (p[i] != 0) all_zero = false;
  CHECK(all_zero);
  s.editing.scratch["x"] = "13812345678";
  wipe(s, kiosk::Lang::Zh, false);
  CHECK(s.editing.scratch.empty());
  CHECK(s.answers.empty());
}

TEST_CASE("no frames are asked for while nothing moves") {
  Harness h;
  h.tap("attract.start");
  h.frame();
  h.frame();
  // On home nothing animates; the only wake-up is the idle return.
  CHECK_FALSE(h.app().animating(h.now()));
  auto w = h.app().next_wakeup_s(h.now());
  REQUIRE(w.has_value());
  CHECK(*w > h.now() + 50);
}
