// Every page of every service, drawn in each state a worker meets it in:
// empty, with the errors of an unanswered Next, filled, with the keyboard
// open; then review, consent (unticked, refused, ticked) and the ticket; and
// the fault screens. In both languages, both orientations, normal and large
// text, both palettes. Each frame: no glyph missing, every tappable target
// at least 60 px (90 px in large text) each way and on screen, except a row
// that the scrolling edge cuts.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <map>

#include "imgui.h"
#include "kiosk/base/strings.hpp"
#include "tests/ui/harness/ui_harness.hpp"
#include "ui/screens/fault_screen.hpp"
#include "ui/session/flow.hpp"

using namespace kiosk::ui;
using namespace kiosk::ui::test;

namespace {

struct Variant {
  kiosk::Lang lang;
  bool large;
  bool contrast;
  float w, h;
};

std::string name_of(const Variant& v) {
  return std::string(v.lang == kiosk::Lang::Zh ? "zh" : "en") + (v.large ? " large" : "") +
         (v.contrast ? " contrast" : "") + (v.w > v.h ? " landscape" : " portrait");
}

bool starts(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

// The rows and boxes of a scrolling page may be cut by its edge: those are
// measured across, and in height only when they do not touch the edge.
bool in_scroll_region(const std::string& id) {
  return starts(id, "form.pick.") || starts(id, "form.choice.") || starts(id, "form.field.") ||
         starts(id, "review.edit.") || starts(id, "consent.");
}

void check_frame(Harness& h, const Variant& v, const std::string& what) {
  h.frame();
  INFO(name_of(v) << ": " << what << " (screen " << h.screen() << ")");
  const auto missing = h.missing_glyphs();
  CHECK_MESSAGE(missing.empty(), "missing glyph " << (missing.empty() ? "" : missing.front()));
  const float min = 60.0f * (v.large ? 1.5f : 1.0f) - 0.5f;
  float top = 1e9f, bottom = -1e9f;
  for (const auto& t : automation::targets())
    if (t.tappable && in_scroll_region(t.id)) {
      top = std::min(top, t.y);
      bottom = std::max(bottom, t.y + t.h);
    }
  const bool scrolls = h.has("form.scroll.down") || h.has("form.scroll.up");
  int measured = 0;
  for (const auto& t : automation::targets()) {
    if (!t.tappable) continue;                // only shown (the online corner, a state)
    if (starts(t.id, "kbd.")) continue;       // the keyboard's keys: tests/ui/widgets
    const bool cut = in_scroll_region(t.id) && scrolls && (t.y <= top + 0.5f || t.y + t.h >= bottom - 0.5f);
    CHECK_MESSAGE(t.w >= min, t.id << " is " << t.w << " px wide");
    if (!cut) CHECK_MESSAGE(t.h >= min, t.id << " is " << t.h << " px tall");
    CHECK_MESSAGE((t.x >= 0 && t.y >= 0 && t.x + t.w <= v.w + 0.5f && t.y + t.h <= v.h + 0.5f),
                  t.id << " off screen");
    ++measured;
  }
  CHECK_MESSAGE(measured > 0, "nothing to tap");
}

// How a worker answers each question: tap a pick or a choice, or type.
using Answer = std::function<void(Harness&)>;

Answer pick(const std::string& field, const std::string& id) {
  return [=](Harness& h) { h.tap("form.pick." + field + "." + id); };
}
Answer choose(const std::string& field, const std::string& id) {
  return [=](Harness& h) { h.tap("form.choice." + field + "." + id); };
}
Answer keys(const std::string& field, const std::string& k) {
  return [=](Harness& h) {
    h.tap("form.field." + field);
    h.type_keys(k);
    h.tap("kbd.ok");
  };
}
Answer hanzi(const std::string& field, int times = 1) {
  return [=](Harness& h) {
    h.tap("form.field." + field);
    for (int i = 0; i < times; ++i) h.type_pinyin("gongzi", "工资");
    h.tap("kbd.ok");
  };
}

struct Recipe {
  std::string service;
  bool card = false;                      // a member card first
  std::map<std::string, Answer> answers;  // field id -> how
  std::vector<std::string> consents;
};

std::vector<Recipe> recipes() {
  return {
      {"legal", false,
       {{"slot", pick("slot", "S-20261201-PM")}, {"category", choose("category", "work_injury")},
        {"employer", hanzi("employer")}, {"description", hanzi("description", 5)},
        {"arbitration_filed", choose("arbitration_filed", "no")}, {"name", hanzi("name")},
        {"phone", keys("phone", "13812345678")}},
       {"consent"}},
      {"hardship", false,
       {{"name", hanzi("name")}, {"id_number", keys("id_number", "11010519491231002X")},
        {"phone", keys("phone", "13912345678")}, {"employer", hanzi("employer")},
        {"kind", choose("kind", "illness")}, {"household_size", keys("household_size", "3")},
        {"income_per_head", keys("income_per_head", "800")}, {"description", hanzi("description", 5)}},
       {"sensitive_consent", "consent"}},
      {"mixer", true,
       {{"event", pick("event", "M-202612")}, {"gender", choose("gender", "f")}, {"employer", hanzi("employer")},
        {"birth_year", keys("birth_year", "1995")}, {"phone", keys("phone", "13712345678")}},
       {"single_declaration", "consent"}},
      {"childcare", true,
       {{"guardian_phone", keys("guardian_phone", "13612345678")}, {"child_name", hanzi("child_name")},
        {"child_id", keys("child_id", "220102201803151233")}, {"child_gender", choose("child_gender", "m")},
        {"school", hanzi("school")}, {"grade", choose("grade", "g2")}, {"emergency_name", hanzi("emergency_name")},
        {"emergency_phone", keys("emergency_phone", "13512345678")}, {"class", pick("class", "C-2027W-A")}},
       {"guardian_consent", "consent"}},
  };
}

std::unique_ptr<Harness> open(const Variant& v) {
  HarnessOptions o;
  o.lang = v.lang;
  o.width = v.w;
  o.height = v.h;
  o.large_text_start = v.large;
  return std::make_unique<Harness>(o);
}

void walk_service(const Variant& v, const Recipe& r) {
  auto hp = open(v);
  Harness& h = *hp;
  h.tap("attract.start");
  if (v.contrast) h.tap("home.contrast");
  if (r.card) {
    h.app().on_code_scanned(demo_card("李娜", "22010012345"), h.now());
    h.frame();
  }
  h.tap("home.service." + r.service);
  REQUIRE(h.screen() == "form");
  const kiosk::Service* svc = h.content().service(r.service);
  REQUIRE(svc);
  int pages_seen = 0;
  // The form shows the content's pages in order, each that has a question
  // other than a consent (consents are asked on the consent screen).
  for (const kiosk::Page& pg : svc->pages) {
    std::vector<std::string> here;
    bool shown = false;
    for (const auto& id : pg.fields) {
      const kiosk::Field* f = svc->field(id);
      REQUIRE(f);
      if (f->type != kiosk::FieldType::Consent) shown = true;
      if (r.answers.count(id)) here.push_back(id);
    }
    if (!shown) continue;
    REQUIRE_MESSAGE(h.screen() == "form", "page " << pg.id);
    ++pages_seen;
    const std::string page = r.service + " page " + pg.id;
    check_frame(h, v, page + " empty");
    if (!here.empty()) {
      h.tap("form.next");  // unanswered: the errors, in words
      REQUIRE(h.screen() == "form");
      check_frame(h, v, page + " with errors");
    }
    bool keyboard_drawn = false;
    for (const auto& field : here) {
      const kiosk::Field* f = svc->field(field);
      if (!keyboard_drawn && is_typed(f->type)) {
        // The keyboard open over the page, before the answer goes in.
        h.tap("form.field." + field);
        check_frame(h, v, page + " typing " + field);
        h.tap("kbd.ok");
        keyboard_drawn = true;
      }
      r.answers.at(field)(h);
    }
    check_frame(h, v, page + " filled");
    h.tap("form.next");
  }
  CHECK(pages_seen >= 2);
  if (h.screen() != "review")
    for (const auto& d : h.drawn()) MESSAGE("on screen: " << d.text);
  REQUIRE(h.screen() == "review");
  check_frame(h, v, r.service + " review");
  h.tap("form.next");
  REQUIRE(h.screen() == "consent");
  check_frame(h, v, r.service + " consent");
  h.tap("form.submit");  // nothing ticked: refused, in words
  REQUIRE(h.screen() == "consent");
  check_frame(h, v, r.service + " consent refused");
  for (const auto& c : r.consents) h.tap("consent." + c);
  check_frame(h, v, r.service + " consent ticked");
  h.tap("form.submit");
  REQUIRE(h.screen() == "ticket");
  check_frame(h, v, r.service + " ticket");
}

std::vector<Variant> variants() {
  std::vector<Variant> out;
  for (kiosk::Lang lang : {kiosk::Lang::Zh, kiosk::Lang::En})
    for (bool large : {false, true})
      for (bool contrast : {false, true})
        for (bool portrait : {false, true})
          out.push_back({lang, large, contrast, portrait ? 1080.0f : 1920.0f, portrait ? 1920.0f : 1080.0f});
  return out;
}

}  // namespace

TEST_CASE("every page of every service draws empty, with errors, typing and filled, to the ticket") {
  for (const auto& v : variants())
    for (const auto& r : recipes()) {
      CAPTURE(name_of(v));
      CAPTURE(r.service);
      walk_service(v, r);
    }
}

TEST_CASE("the fault screens draw in both languages at once, with nothing missing") {
  for (const auto& v : variants()) {
    auto hp = open(v);
    Harness& h = *hp;
    h.frame();
    for (const char* body : {"platform.store_fault.disk_full", "platform.store_fault.read_only",
                             "platform.store_damaged.body", "platform.store_fault.other"}) {
      CAPTURE(name_of(v));
      CAPTURE(body);
      h.draw_only([&] { draw_fault_screen("platform.store_damaged.title", body, "disk_full"); });
      CHECK(h.missing_glyphs().empty());
      CHECK(h.drew(kiosk::tr(body).zh));
      CHECK(h.drew(kiosk::tr(body).en));
      CHECK(h.drew("disk_full"));
    }
  }
}
