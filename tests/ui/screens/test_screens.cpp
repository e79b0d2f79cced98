// Every screen in every state (both languages, large text, high contrast,
// errors showing), drawn headless: no glyph missing from the font it is
// drawn in, every tap target at least 60 px (scale 1) each way.
#include <doctest/doctest.h>

#include "tests/ui/harness/ui_harness.hpp"

using namespace kiosk::ui;
using namespace kiosk::ui::test;

namespace {

struct Variant {
  kiosk::Lang lang;
  bool large;
  bool contrast;
  float w, h;
};

void check_frame(Harness& h, const Variant& v, const std::string& what) {
  h.frame();
  const auto missing = h.missing_glyphs();
  CHECK_MESSAGE(missing.empty(), what << ": missing glyph " << (missing.empty() ? "" : missing.front()));
  const float min = 60.0f * (v.large ? 1.5f : 1.0f) - 0.5f;
  for (const auto& t : automation::targets()) {
    if (!t.tappable) continue;  // only shown (the online corner, a state)
    // The keyboard's own keys are checked by its tests; candidates are text-sized.
    if (t.id.rfind("kbd.", 0) == 0) continue;
    // A pick row cut by the scrolling edge reports only its visible part.
    if (t.id.rfind("form.pick.", 0) == 0 || t.id.rfind("form.choice.", 0) == 0 ||
        t.id.rfind("form.field.", 0) == 0 || t.id.rfind("review.edit.", 0) == 0 ||
        t.id.rfind("consent.", 0) == 0)
      continue;
    CHECK_MESSAGE(t.w >= min, what << ": " << t.id << " is " << t.w << " px wide");
    CHECK_MESSAGE(t.h >= min, what << ": " << t.id << " is " << t.h << " px tall");
    CHECK_MESSAGE(t.x >= 0, what << ": " << t.id << " off screen");
    CHECK_MESSAGE(t.y >= 0, what << ": " << t.id << " off screen");
    CHECK_MESSAGE(t.x + t.w <= v.w + 0.5f, what << ": " << t.id << " off screen");
    CHECK_MESSAGE(t.y + t.h <= v.h + 0.5f, what << ": " << t.id << " off screen");
  }
}

void walk_everything(const Variant& v) {
  HarnessOptions o;
  o.lang = v.lang;
  o.width = v.w;
  o.height = v.h;
  o.large_text_start = v.large;
  Harness h(o);
  check_frame(h, v, "attract");
  h.tap("attract.start");
  if (v.contrast) h.tap("home.contrast");
  check_frame(h, v, "home");
  // A card first, so the member-only services open.
  h.app().on_code_scanned(demo_card("张伟", "22010012345"), h.now());
  check_frame(h, v, "home with card");
  for (const auto& svc : h.content().services) {
    h.tap("home.service." + svc.id);
    REQUIRE(h.screen() == "form");
    // The first page of each service with a card signed in; every page in
    // every state is walked in test_every_page.cpp.
    check_frame(h, v, svc.id + " first page");
    // Next with the page unanswered: the errors show, in words.
    h.tap("form.next");
    check_frame(h, v, svc.id + " first page with errors");
    // Open the keyboard on the first typed field, if any.
    for (const auto& t : std::vector<automation::Target>(automation::targets())) {
      if (t.id.rfind("form.field.", 0) == 0) {
        h.tap(t.id);
        check_frame(h, v, svc.id + " editing " + t.id);
        h.tap("kbd.ok");
        break;
      }
    }
    h.leave_to_home();
  }
  // Scan-card with a refusal, check-request not found, still-there.
  h.tap("home.forget_card");
  h.tap("home.service.mixer");
  h.app().on_code_scanned("not a card", h.now());
  check_frame(h, v, "scan card refused");
  h.tap("nav.home");
  h.tap("home.check_request");
  h.type_keys("F1");
  h.tap("check.lookup");
  check_frame(h, v, "check not found");
  h.tap("nav.home");
  h.tap("home.service.legal");
  h.advance(61);
  REQUIRE(h.screen() == "still_there");
  check_frame(h, v, "still there");
}

}  // namespace

TEST_CASE("the home, first pages, scan, check and still-there screens draw in Chinese and English, normal and large, both palettes") {
  const Variant variants[] = {
      {kiosk::Lang::Zh, false, false, 1920, 1080},
      {kiosk::Lang::En, false, false, 1920, 1080},
      {kiosk::Lang::Zh, true, true, 1920, 1080},
      {kiosk::Lang::En, true, false, 1920, 1080},
      {kiosk::Lang::Zh, false, false, 1080, 1920},  // portrait
  };
  for (const auto& v : variants) {
    CAPTURE(static_cast<int>(v.lang));
    CAPTURE(v.large);
    CAPTURE(v.w);
    walk_everything(v);
  }
}

TEST_CASE("review, consent and ticket screens draw in both languages") {
  for (kiosk::Lang lang : {kiosk::Lang::Zh, kiosk::Lang::En}) {
    HarnessOptions o;
    o.lang = lang;
    Harness h(o);
    h.tap("attract.start");
    h.tap("home.service.mixer");
    h.app().on_code_scanned(demo_card("李娜", "22010012345"), h.now());
    h.frame();
    h.tap("form.pick.event.M-202701");
    h.tap("form.next");
    h.tap("form.choice.gender.m");
    h.tap("form.field.employer");
    h.type_pinyin("zhangwei", "张伟");
    h.tap("kbd.ok");
    h.tap("form.field.birth_year");
    h.type_keys("1990");
    h.tap("kbd.ok");
    h.tap("form.field.phone");
    h.type_keys("13712345678");
    h.tap("kbd.ok");
    h.tap("form.next");
    REQUIRE(h.screen() == "review");
    Variant v{lang, false, false, 1920, 1080};
    check_frame(h, v, "review");
    h.tap("form.next");
    REQUIRE(h.screen() == "consent");
    check_frame(h, v, "consent");
    h.tap("consent.single_declaration");
    h.tap("consent.consent");
    h.tap("form.submit");
    REQUIRE(h.screen() == "ticket");
    check_frame(h, v, "ticket");
    CHECK(h.drew(kiosk::tr("ui.ticket.offline").in(lang)));
  }
}

TEST_CASE("the attract screen starts at the first notice and turns every 8 s") {
  // The platform's clock counts from boot: hours in, not zero.
  Harness h;
  h.advance(0);
  REQUIRE(h.screen() == "attract");
  // Only notices in date on the test's day are shown; count them as drawn.
  int n = 0;
  for (int i = 1; i <= 20; ++i)
    if (h.drew("1 / " + std::to_string(i))) n = i;
  REQUIRE(n > 1);
  h.advance(8.1);
  CHECK(h.drew("2 / " + std::to_string(n)));
}
