// The four services tapped through on the real kiosk, as a worker would:
// shared by the end-to-end tests (each takes a screenshot of every step).
#pragma once
#include "kiosk_driver.hpp"

namespace e2e {

// From the home screen to the ticket screen (left showing), booking the
// `nth` duty slot with places left (0 = the first).
inline void legal_to_ticket(Kiosk& k, int nth = 0) {
  const std::string slot = open_offer(k.data(), "legal", nth);
  k.tap("home.service.legal");
  REQUIRE(k.wait_screen("form"));
  k.shot("legal-1-slot");
  k.tap("form.pick.slot." + slot);
  k.tap("form.next");
  k.tap("form.choice.category.wage_arrears");
  k.name_field("employer");
  k.open_field("description");
  for (int i = 0; i < 5; ++i) k.pinyin("gongzi");  // 工资, the best candidate
  k.shot("legal-2-keyboard");
  k.tap("kbd.ok");
  k.tap("form.choice.arbitration_filed.no");
  k.shot("legal-2-dispute");
  k.tap("form.next");
  k.name_field("name");
  k.open_field("phone");
  k.keys("1381234567");
  k.shot("legal-3-phone-keypad");
  k.keys("8");
  k.tap("kbd.ok");
  k.shot("legal-3-contact");
  k.tap("form.next");
  REQUIRE(k.wait_screen("review"));
  k.shot("legal-review");
  k.tap("form.next");
  REQUIRE(k.wait_screen("consent"));
  // Submit without the tick: refused, said once under the box, still here.
  k.tap("form.submit");
  CHECK(k.settled().screen() == "consent");
  k.shot("legal-consent-refused");
  k.tap("consent.consent");
  k.shot("legal-consent");
  k.tap("form.submit");
  REQUIRE(k.wait_screen("ticket"));
  k.shot("legal-ticket");
}

inline void legal(Kiosk& k) {
  legal_to_ticket(k);
  k.tap("ticket.done");
  REQUIRE(k.wait_screen("attract"));
}

inline void hardship(Kiosk& k) {
  k.tap("attract.start");
  REQUIRE(k.wait_screen("home"));
  k.tap("home.service.hardship");
  REQUIRE(k.wait_screen("form"));
  k.name_field("name");
  k.field("id_number", "11010519491231002X");
  k.field("phone", "13912345678");
  k.name_field("employer");
  k.shot("hardship-1-applicant");
  k.tap("form.next");
  k.tap("form.choice.kind.illness");
  k.field("household_size", "3");
  k.field("income_per_head", "800");
  k.open_field("description");
  for (int i = 0; i < 5; ++i) k.pinyin("gongzi");  // 工资, the best candidate
  k.tap("kbd.ok");
  k.shot("hardship-2");
  k.tap("form.next");
  REQUIRE(k.wait_screen("review"));
  k.shot("hardship-review");
  k.tap("form.next");
  REQUIRE(k.wait_screen("consent"));
  k.tap("consent.sensitive_consent");
  k.tap("consent.consent");
  k.shot("hardship-consent");
  k.tap("form.submit");
  REQUIRE(k.wait_screen("ticket"));
  k.shot("hardship-ticket");
  k.tap("ticket.done");
  REQUIRE(k.wait_screen("attract"));
}

inline void mixer(Kiosk& k) {
  k.tap("attract.start");
  REQUIRE(k.wait_screen("home"));
  k.tap("home.service.mixer");
  // The camera (an image folder holding a demo card) reads the card on the
  // scan screen; the flow continues into the form.
  REQUIRE(k.wait_screen("form"));
  k.shot("mixer-1-event");
  k.tap("form.pick.event." + open_mixer(k.data()));
  k.tap("form.next");
  k.tap("form.choice.gender.f");
  k.name_field("employer");  // the card names the union, not the employer
  // A year outside the event's ages: Next says so on this page, at its top
  // and under the year, rather than letting it surface on the consent screen.
  k.field("birth_year", "1960");
  k.field("phone", "13712345678");
  k.tap("form.next");
  CHECK(k.settled().screen() == "form");
  k.shot("mixer-2-age-refused");
  k.open_field("birth_year");
  for (int i = 0; i < 4; ++i) k.tap("kbd.backspace");
  k.keys("1995");
  k.tap("kbd.ok");
  k.shot("mixer-2-about");
  k.tap("form.next");
  REQUIRE(k.wait_screen("review"));
  k.tap("form.next");
  REQUIRE(k.wait_screen("consent"));
  k.tap("consent.single_declaration");
  k.tap("consent.consent");
  k.shot("mixer-consent");
  k.tap("form.submit");
  REQUIRE(k.wait_screen("ticket"));
  k.shot("mixer-ticket");
  k.tap("ticket.done");
  REQUIRE(k.wait_screen("attract"));
}

// The childcare form from its first page to the class page, for a child
// born 2018-03-15; `shots` takes a screenshot of each page on the way.
inline void childcare_to_class(Kiosk& k, bool shots) {
  k.field("guardian_phone", "13612345678");
  if (shots) k.shot("childcare-1-guardian");
  k.tap("form.next");
  k.name_field("child_name");
  k.field("child_id", "220102201803151233");
  k.tap("form.choice.child_gender.m");
  k.name_field("school");
  k.tap("form.choice.grade.g2");
  if (shots) k.shot("childcare-2-child");
  k.tap("form.next");
  if (shots) k.shot("childcare-3-health");
  k.tap("form.next");
  k.name_field("emergency_name");
  k.field("emergency_phone", "13512345678");
  k.tap("form.next");
}

inline void childcare(Kiosk& k) {
  k.tap("attract.start");
  REQUIRE(k.wait_screen("home"));
  k.tap("home.service.childcare");
  REQUIRE(k.wait_screen("form"));
  childcare_to_class(k, true);
  k.tap("form.pick.class." + open_class(k.data(), "2018-03-15"));
  k.shot("childcare-5-class");
  k.tap("form.next");
  REQUIRE(k.wait_screen("review"));
  k.shot("childcare-review");
  k.tap("form.next");
  REQUIRE(k.wait_screen("consent"));
  k.tap("consent.guardian_consent");
  k.tap("consent.consent");
  k.tap("form.submit");
  REQUIRE(k.wait_screen("ticket"));
  k.shot("childcare-ticket");
  k.tap("ticket.done");
  REQUIRE(k.wait_screen("attract"));
}

}  // namespace e2e
