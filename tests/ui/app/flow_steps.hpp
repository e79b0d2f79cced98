// Steps of the service flows shared by the app tests: typing on the
// on-screen keyboard, next, consent and submit, the queued request and the
// ticket screen it leads to.
#pragma once
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/ui/harness/ui_harness.hpp"

namespace kiosk::ui::test {

using kiosk::RequestState;

inline void start(Harness& h) {
  CHECK(h.screen() == "attract");
  h.tap("attract.start");
  CHECK(h.screen() == "home");
}

inline void type_field(Harness& h, const std::string& field, const std::string& keys) {
  h.tap("form.field." + field);
  h.type_keys(keys);
  h.tap("kbd.ok");
}

inline void type_name(Harness& h, const std::string& field) {
  h.tap("form.field." + field);
  h.type_pinyin("zhangwei", "张伟");
  h.tap("kbd.ok");
}

inline void type_phrase(Harness& h, const std::string& field, int times) {
  h.tap("form.field." + field);
  for (int i = 0; i < times; ++i) h.type_pinyin("gongzi", "工资");
  h.tap("kbd.ok");
}

inline void next(Harness& h) { h.tap("form.next"); }

inline void consent_and_submit(Harness& h, const std::vector<std::string>& consents) {
  CHECK(h.screen() == "consent");
  for (const auto& c : consents) h.tap("consent." + c);
  h.tap("form.submit");
}

inline kiosk::RequestRecord only_request(Harness& h, const std::string& service) {
  auto all = h.store().list(RequestState::Queued);
  REQUIRE(all.size() == 1);
  CHECK(all[0].service_id == service);
  // Only sealed on disk; opened with the kiosk's key to check what was typed.
  CHECK_FALSE(all[0].answers.has_value());
  all[0].answers = h.open_answers(all[0]);
  return all[0];
}

inline void check_ticket_screen(Harness& h, const kiosk::RequestRecord& r) {
  CHECK(h.screen() == "ticket");
  CHECK(h.drew(r.ticket));
  // Offline (no hub): the worker is told the request is saved.
  CHECK(h.drew(kiosk::tr("ui.ticket.offline").zh));
  const auto* svc = h.content().service(r.service_id);
  REQUIRE(svc);
  CHECK(h.drew(svc->next_steps.zh));
  // When and where, for a service that books a slot, an event or a class.
  CHECK(h.drew(kiosk::tr("ui.ticket.when_where").zh) == (r.service_id != "hardship"));
  if (r.service_id == "legal") CHECK(h.drew("星期"));  // the slot's day, with its weekday
  if (r.service_id == "mixer") CHECK(h.drew("12月单身职工联谊会·冬日暖阳 2026-12-26 星期六 14:00"));
  if (r.service_id == "childcare") CHECK(h.drew("2027年寒假爱心托管班"));
  CHECK(h.missing_glyphs().empty());
}

// From home to the consent page with everything answered and agreed.
inline void fill_legal(Harness& h, const std::string& slot, const std::string& category) {
  h.tap("home.service.legal");
  h.tap("form.pick.slot." + slot);
  next(h);
  h.tap("form.choice.category." + category);
  type_name(h, "employer");
  type_phrase(h, "description", 5);
  h.tap("form.choice.arbitration_filed.no");
  next(h);
  type_name(h, "name");
  type_field(h, "phone", "13812345678");
  next(h);
  next(h);
  h.tap("consent.consent");
}

// From home to the ticket: a work-injury consultation on 2026-12-01.
inline void book_legal(Harness& h) {
  fill_legal(h, "S-20261201-PM", "work_injury");
  h.tap("form.submit");
}

// The mixer's "about you" page filled by a member born in `year`.
inline void mixer_about(Harness& h, const std::string& year) {
  h.tap("form.choice.gender.f");
  type_name(h, "employer");  // the card names the union, not the employer
  type_field(h, "birth_year", year);
  type_field(h, "phone", "13712345678");
}

}  // namespace kiosk::ui::test
