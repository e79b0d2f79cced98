#include "kiosk/base/hash.hpp"
#include "test_support.hpp"

#include "kiosk/domain/validate.hpp"

using namespace kiosk;
using namespace kiosk::test;
using nlohmann::json;

TEST_CASE("legal: a slot full in the content cannot be booked") {
  const auto& s = service("legal");
  Answers a = legal_answers();
  a["slot"] = "S-20261124-AM";  // capacity 6, booked 6 as last known from the hub
  auto check = check_request(s, a, context());
  CHECK_FALSE(check.plan);
  REQUIRE(has_error(check.errors, "slot", "slot_full"));
  CHECK(check.errors[0].message.zh.find("2026-11-24") != std::string::npos);
  CHECK(check.errors[0].message.en.find("Lawyer Wang Lei") != std::string::npos);
  // The pick list says so too.
  CHECK(has_error(validate_field(s, *s.field("slot"), a, context()), "slot", "slot_full"));
}

TEST_CASE("legal: this kiosk's own queued bookings count against the slot") {
  const auto& s = service("legal");
  MemoryLedger ledger;
  ledger.bookings["slot:S-20261201-PM"] = 3;  // capacity 4, booked 0
  auto check = check_request(s, legal_answers(), context(&ledger));
  REQUIRE(check.plan);
  CHECK(check.plan->reservations[0].capacity == 4);
  CHECK(places_left(context(&ledger), "slot:S-20261201-PM", 4, 0) == 1);
  ledger.bookings["slot:S-20261201-PM"] = 4;
  check = check_request(s, legal_answers(), context(&ledger));
  CHECK(has_error(check.errors, "slot", "slot_full"));
  CHECK(places_left(context(&ledger), "slot:S-20261201-PM", 4, 0) == 0);
  ledger.bookings["slot:S-20261201-PM"] = 9;
  CHECK(places_left(context(&ledger), "slot:S-20261201-PM", 4, 0) == 0);  // never negative
  CHECK(places_left(context(), "slot:S-20261124-PM", 4, 3) == 1);
}

TEST_CASE("legal: past and unknown slots") {
  const auto& s = service("legal");
  Answers a = legal_answers();
  a["slot"] = "S-20261124-PM";
  RuleContext ctx = context();
  ctx.today = Date{2026, 11, 25};
  CHECK(has_error(check_request(s, a, ctx).errors, "slot", "slot_past"));
  a["slot"] = "S-20991231-AM";
  CHECK(has_error(check_request(s, a, context()).errors, "slot", "slot_unknown"));
}

TEST_CASE("mixer: members only") {
  const auto& s = service("mixer");
  Answers a = mixer_answers();
  a.erase("member_card");
  auto check = check_request(s, a, context());
  CHECK_FALSE(check.plan);
  REQUIRE(has_error(check.errors, "member_card", "member_card_required"));
  // With every field fine but no card, the rule itself speaks.
  Service open_card = s;
  for (auto& f : open_card.fields)
    if (f.id == "member_card") f.required = false;
  check = check_request(open_card, a, context());
  REQUIRE(has_error(check.errors, "member_card", "members_only"));
  CHECK(check.errors[0].message.zh.find("单身职工联谊会报名") != std::string::npos);
}

TEST_CASE("mixer: one signup per member per event, gender-balanced places") {
  const auto& s = service("mixer");
  MemoryLedger ledger;
  auto check = check_request(s, mixer_answers(), context(&ledger, true));
  INFO(dump(check.errors));
  REQUIRE(check.plan);
  const std::string key = member_event_dedup_key(ledger, "mixer", "M-202612", "22010012345");
  // Keyed: the SHA-256 of a member number is not in it (it is reversed by guessing).
  CHECK(key == "mixer:M-202612:" + ledger.dedup_hash("22010012345"));
  CHECK(key.find(sha256_hex("22010012345", HexCase::Upper)) == std::string::npos);
  MemoryLedger other;
  other.secret = "another kiosk";
  CHECK(member_event_dedup_key(other, "mixer", "M-202612", "22010012345") != key);
  // Kept until the event's day, then purged.
  CHECK(check.plan->dedup_keys == std::vector<DedupKey>{{key, "2026-12-26"}});
  CHECK(check.plan->answers.dump().find("22010012345") != std::string::npos);  // the answer keeps it
  CHECK(key.find("22010012345") == std::string::npos);                        // the key never
  REQUIRE(check.plan->reservations.size() == 2);
  CHECK(check.plan->reservations[0].resource_key == "event:M-202612");
  CHECK(check.plan->reservations[0].capacity == 150 - 96);
  CHECK(check.plan->reservations[1].resource_key == "event:M-202612:gender:m");
  CHECK(check.plan->reservations[1].capacity == 75 - 52);

  ledger.keys.insert(key);
  check = check_request(s, mixer_answers(), context(&ledger, true));
  CHECK(has_error(check.errors, "event", "duplicate_signup"));
  // Another event is fine.
  Answers jan = mixer_answers();
  jan["event"] = "M-202701";
  CHECK(check_request(s, jan, context(&ledger, true)).plan);

  ledger.keys.clear();
  ledger.bookings["event:M-202612:gender:m"] = 23;
  check = check_request(s, mixer_answers(), context(&ledger, true));
  REQUIRE(has_error(check.errors, "event", "event_gender_full"));
  CHECK(check.errors[0].message.en.find("male") != std::string::npos);
  Answers woman = mixer_answers();
  woman["gender"] = "f";
  CHECK(check_request(s, woman, context(&ledger, true)).plan);

  ledger.bookings["event:M-202612"] = 54;
  CHECK(has_error(check_request(s, woman, context(&ledger, true)).errors, "event", "event_full"));
}

TEST_CASE("mixer: the event's age range from the birth year") {
  const auto& s = service("mixer");  // M-202612: 22..40 in 2026
  Answers a = mixer_answers();
  a["birth_year"] = 1986;
  CHECK(check_request(s, a, context(nullptr, true)).plan);
  a["birth_year"] = 1985;
  auto check = check_request(s, a, context(nullptr, true));
  REQUIRE(has_error(check.errors, "birth_year", "age_out_of_range"));
  CHECK(check.errors[0].message.zh.find("22") != std::string::npos);
  CHECK(check.errors[0].message.zh.find("出生年份") != std::string::npos);
  a["birth_year"] = 2005;
  CHECK(has_error(check_request(s, a, context(nullptr, true)).errors, "birth_year", "age_out_of_range"));
  a["birth_year"] = 2004;
  CHECK(check_request(s, a, context(nullptr, true)).plan);
  // February's mixer takes 25..45.
  a["event"] = "M-202702";
  a["birth_year"] = 1983;
  CHECK(check_request(s, a, context(nullptr, true)).plan);
}

TEST_CASE("mixer: a past event") {
  RuleContext ctx = context(nullptr, true);
  ctx.today = Date{2026, 12, 27};
  CHECK(has_error(check_request(service("mixer"), mixer_answers(), ctx).errors, "event", "event_past"));
}

TEST_CASE("childcare: a registration that passes every rule") {
  const auto& s = service("childcare");
  MemoryLedger ledger;
  auto check = check_request(s, childcare_answers(), context(&ledger, true));
  INFO(dump(check.errors));
  REQUIRE(check.plan);
  const std::string key = child_period_dedup_key(ledger, "childcare", "P-2027W", "220102201706110528");
  CHECK(key == "childcare:P-2027W:" + ledger.dedup_hash("220102201706110528"));
  CHECK(key.find(sha256_hex("220102201706110528", HexCase::Upper)) == std::string::npos);
  // Kept until the period's last day, then purged.
  CHECK(check.plan->dedup_keys == std::vector<DedupKey>{{key, "2027-02-05"}});
  REQUIRE(check.plan->reservations.size() == 1);
  CHECK(check.plan->reservations[0].resource_key == "class:C-2027W-B");
  CHECK(check.plan->reservations[0].capacity == 30 - 7);
  CHECK_FALSE(check.plan->answers.contains("health_notes"));  // empty optional: not stored
  CHECK(check.plan->answers["allergies"] == "花生过敏");
}

TEST_CASE("childcare: members only") {
  auto check = check_request(service("childcare"), childcare_answers(), context());
  CHECK_FALSE(check.plan);
  CHECK(has_error(check.errors, "member_card", "member_card_unverified"));
}

TEST_CASE("childcare: one registration per child per period") {
  const auto& s = service("childcare");
  MemoryLedger ledger;
  ledger.keys.insert(child_period_dedup_key(ledger, "childcare", "P-2027W", "220102201706110528"));
  auto check = check_request(s, childcare_answers(), context(&ledger, true));
  CHECK(has_error(check.errors, "child_id", "duplicate_child"));
  // The other class of the same period is the same period.
  check = check_request(s, childcare_answers("220102201706110528", "C-2027W-A"), context(&ledger, true));
  CHECK(has_error(check.errors, "child_id", "duplicate_child"));
  // Lowercase x and upper-case X are the same child.
  ledger.keys.insert(child_period_dedup_key(ledger, "childcare", "P-2027W", "22010220190708109X"));
  check = check_request(s, childcare_answers("22010220190708109x", "C-2027W-A"), context(&ledger, true));
  CHECK(has_error(check.errors, "child_id", "duplicate_child"));
}

TEST_CASE("childcare: under 70% attendance last period blocks registration") {
  const auto& s = service("childcare");
  // The documented test child: 11 of 30 days in summer 2026, 8 years old.
  auto check = check_request(s, childcare_answers("220102201805200238", "C-2027W-A"), context(nullptr, true));
  CHECK_FALSE(check.plan);
  REQUIRE(has_error(check.errors, "child_id", "low_attendance"));
  CHECK(check.errors[0].message.zh.find("36%") != std::string::npos);
  CHECK(check.errors[0].message.zh.find("70%") != std::string::npos);
  CHECK(check.errors[0].message.en.find("Summer 2026") != std::string::npos);
  // 20 of 30 is under 70%; 21 of 30 is exactly 70% and may register.
  CHECK(has_error(check_request(s, childcare_answers("220105201511300371", "C-2027W-B"), context(nullptr, true)).errors,
                  "child_id", "low_attendance"));
  CHECK(check_request(s, childcare_answers("220104201902140460", "C-2027W-A"), context(nullptr, true)).plan);
  CHECK(check_request(s, childcare_answers("220102201609030112", "C-2027W-B"), context(nullptr, true)).plan);
  CHECK(check_request(s, childcare_answers("22010220190708109x", "C-2027W-A"), context(nullptr, true)).plan);
  // The page that asks for the class says why.
  const Page& class_page = s.pages[4];
  REQUIRE(class_page.id == "class");
  // The class page, where the last input arrives, reports it too.
  CHECK(has_error(validate_page(s, class_page, childcare_answers("220102201805200238", "C-2027W-A"),
                                context(nullptr, true)),
                  "child_id", "low_attendance"));
  // ...but not a rule about a later page (the consent page is not reached yet).
  Answers no_consent = childcare_answers();
  no_consent["guardian_consent"] = false;
  CHECK(validate_page(s, class_page, no_consent, context(nullptr, true)).empty());
  const Page& child_page = s.pages[1];
  CHECK(has_error(validate_page(s, child_page, childcare_answers("220102201805200238", "C-2027W-A"),
                                context(nullptr, true)),
                  "child_id", "low_attendance"));
}

TEST_CASE("childcare: attendance is matched only under the province's key, never an unkeyed SHA-256") {
  const auto& s = service("childcare");
  const Answers low = childcare_answers("220102201805200238", "C-2027W-A");
  // Under the key the file was hashed with: found, refused.
  CHECK(has_error(check_request(s, low, context(nullptr, true)).errors, "child_id", "low_attendance"));
  // Under another key (a kiosk of another province): not found, so the kiosk
  // leaves the rule to the hub.
  RuleContext other = context(nullptr, true);
  other.id_hash_key = std::string(32, 'k');
  CHECK(check_request(s, low, other).plan);
  // Without a key, the same.
  other.id_hash_key.clear();
  CHECK(check_request(s, low, other).plan);
  // The file holds no unkeyed SHA-256 of any test child: reversing by
  // guessing ID numbers, as was done in 27 s, finds nothing.
  for (const char* id : {"220102201805200238", "220105201511300371", "220104201902140460",
                         "220102201609030112", "22010220190708109X"}) {
    const std::string plain = sha256_hex(id, HexCase::Upper);
    for (const auto& rec : bundle().attendance) CHECK(rec.child_id_sha256 != plain);
  }
  // The same keyed hash the hub writes (union-hub attendance hash), from
  // any spelling of the number.
  CHECK(child_id_hash(kDemoIdHashKey, "22010220190708109x") == child_id_hash(kDemoIdHashKey, "２２０１０２２０１９０７０８１０９Ｘ"));
  CHECK_FALSE(child_id_hash(kDemoIdHashKey, "220102201907081091"));  // wrong check character
  CHECK_FALSE(child_id_hash("", "22010220190708109X"));
}

TEST_CASE("childcare: the child's age from the ID number against the class") {
  const auto& s = service("childcare");
  RuleContext ctx = context(nullptr, true);
  // Born 2016-09-03: 10 on 2027-01-11, too old for the 6-8 class.
  auto check = check_request(s, childcare_answers("220102201609030112", "C-2027W-A"), ctx);
  REQUIRE(has_error(check.errors, "class", "child_too_old"));
  CHECK(check.errors[0].message.zh.find("10岁") != std::string::npos);
  CHECK(check.errors[0].message.zh.find("2027-01-11") != std::string::npos);
  // Born 2021-03-01: 5, too young for either.
  CHECK(has_error(check_request(s, childcare_answers("220103202103010641", "C-2027W-A"), ctx).errors, "class",
                  "child_too_young"));
  // Born 2012-07-05: 14, too old for 9-12.
  CHECK(has_error(check_request(s, childcare_answers("220102201207050719", "C-2027W-B"), ctx).errors, "class",
                  "child_too_old"));
  // The class page reports it once the child's ID is known.
  const Page& class_page = s.pages[4];
  CHECK(has_error(validate_page(s, class_page, childcare_answers("220102201609030112", "C-2027W-A"), ctx),
                  "class", "child_too_old"));
}

TEST_CASE("childcare: signup window and full classes") {
  const auto& s = service("childcare");
  RuleContext ctx = context(nullptr, true);
  auto check = check_request(s, childcare_answers("220102201706110528", "C-2027S-B"), ctx);
  REQUIRE(has_error(check.errors, "class", "signup_not_open"));
  CHECK(check.errors[0].message.zh.find("2027-06-01") != std::string::npos);
  ctx.today = Date{2027, 1, 9};
  CHECK(has_error(check_request(s, childcare_answers(), ctx).errors, "class", "signup_closed"));

  MemoryLedger ledger;
  ledger.bookings["class:C-2027W-B"] = 23;
  check = check_request(s, childcare_answers(), context(&ledger, true));
  REQUIRE(has_error(check.errors, "class", "class_full"));
  CHECK(check.errors[0].message.zh.find("30") != std::string::npos);
  CHECK(places_left(context(&ledger), "class:C-2027W-B", 30, 7) == 0);
  CHECK(places_left(context(&ledger), "class:C-2027W-A", 30, 12) == 18);
}

TEST_CASE("hardship: sensitive information needs its separate consent") {
  const auto& s = service("hardship");
  Answers a = hardship_answers();
  a["sensitive_consent"] = false;
  CHECK(has_error(check_request(s, a, context()).errors, "sensitive_consent", "consent_required"));
  // Even where the consent is optional, a sensitive answer calls for it.
  Service optional = s;
  for (auto& f : optional.fields)
    if (f.id == "sensitive_consent") f.required = false;
  auto check = check_request(optional, a, context());
  REQUIRE(has_error(check.errors, "sensitive_consent", "sensitive_consent_required"));
  CHECK(check.errors[0].message.complete());
  a["sensitive_consent"] = true;
  CHECK(check_request(optional, a, context()).plan);
}

TEST_CASE("no content: picks cannot resolve, nothing crashes") {
  RuleContext ctx = context(nullptr, true);
  ctx.content = nullptr;
  CHECK(has_error(check_request(service("legal"), legal_answers(), ctx).errors, "slot", "slot_unknown"));
  CHECK(has_error(check_request(service("childcare"), childcare_answers(), ctx).errors, "class", "class_unknown"));
}
