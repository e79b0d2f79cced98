#include "test_support.hpp"

#include <random>

#include "kiosk/domain/form.hpp"

using namespace kiosk;
using namespace kiosk::test;
using nlohmann::json;

namespace {
Field make_field(std::string id, FieldType type, Text label, bool required = false) {
  Field f;
  f.id = std::move(id);
  f.type = type;
  f.label = std::move(label);
  f.required = required;
  return f;
}
}  // namespace

TEST_CASE("a complete legal booking gives a plan with normalised answers") {
  const auto& s = service("legal");
  auto check = check_request(s, legal_answers(), context());
  INFO(dump(check.errors));
  REQUIRE(check.errors.empty());
  REQUIRE(check.plan);
  const auto& a = check.plan->answers;
  CHECK(a["phone"] == "13812345678");
  CHECK(a["slot"] == "S-20261201-PM");
  CHECK(a["consent"] == true);
  CHECK_FALSE(a.contains("arbitration_case_no"));
  REQUIRE(check.plan->reservations.size() == 1);
  CHECK(check.plan->reservations[0].resource_key == "slot:S-20261201-PM");
  CHECK(check.plan->reservations[0].capacity == 4);
  CHECK(check.plan->dedup_keys.empty());
}

TEST_CASE("show_if: the case number shows only when arbitration was filed") {
  const auto& s = service("legal");
  const Field& case_no = *s.field("arbitration_case_no");
  Answers a = legal_answers();
  CHECK_FALSE(field_visible(case_no, a));
  a["arbitration_filed"] = "yes";
  CHECK(field_visible(case_no, a));
  CHECK_FALSE(field_visible(case_no, json::object()));
  CHECK_FALSE(field_visible(case_no, json(nullptr)));
  CHECK(field_visible(*s.field("name"), json(nullptr)));

  // Shown and required: now it must be answered.
  auto check = check_request(s, a, context());
  CHECK(has_error(check.errors, "arbitration_case_no", "required"));
  a["arbitration_case_no"] = "长劳人仲案字〔2026〕第123号";
  check = check_request(s, a, context());
  REQUIRE(check.plan);
  CHECK(check.plan->answers["arbitration_case_no"] == "长劳人仲案字〔2026〕第123号");

  // Hidden again: the answer typed before is dropped, never stored.
  a["arbitration_filed"] = "no";
  check = check_request(s, a, context());
  REQUIRE(check.plan);
  CHECK_FALSE(check.plan->answers.contains("arbitration_case_no"));
  CHECK(validate_field(s, case_no, a, context()).empty());
}

TEST_CASE("show_if on a multi-choice answer") {
  Field ctl = make_field("help", FieldType::MultiChoice, {"需要的帮助", "Help needed"});
  ctl.choices = {{"money", {"资金", "Money"}}, {"job", {"就业", "Job"}}};
  Field dep = make_field("job_kind", FieldType::Text, {"意向工作", "Wanted job"});
  dep.show_if = ShowIf{"help", {"job"}};
  CHECK(field_visible(dep, json{{"help", json::array({"money", "job"})}}));
  CHECK_FALSE(field_visible(dep, json{{"help", json::array({"money"})}}));
  CHECK_FALSE(field_visible(dep, json{{"help", json::array()}}));
}

TEST_CASE("answers that are not fields are refused, hidden fields are dropped") {
  Answers a = legal_answers();
  a["password"] = "secret";
  auto refused = check_request(service("legal"), a, context());
  CHECK_FALSE(refused.plan);
  REQUIRE(refused.errors.size() == 1);
  CHECK(refused.errors[0].field == "password");
  CHECK(refused.errors[0].code == "unknown_field");
  CHECK(refused.errors[0].message.complete());
  Answers h = legal_answers();
  h["arbitration_case_no"] = "X";  // a field, but hidden
  auto check = check_request(service("legal"), h, context());
  REQUIRE(check.plan);
  CHECK_FALSE(check.plan->answers.contains("arbitration_case_no"));
}

TEST_CASE("required fields: each error names the field in both languages") {
  const auto& s = service("legal");
  for (const char* f : {"name", "phone", "employer", "description", "category", "slot"}) {
    Answers a = legal_answers();
    a.erase(f);
    auto check = check_request(s, a, context());
    CHECK_FALSE(check.plan);
    REQUIRE_MESSAGE(check.errors.size() == 1, f);
    const auto& e = check.errors[0];
    CHECK(e.field == f);
    CHECK(e.code == "required");
    CHECK(e.message.zh.find(s.field(f)->label.zh) != std::string::npos);
    CHECK(e.message.en.find(s.field(f)->label.en) != std::string::npos);
    CHECK(e.message.zh.find('{') == std::string::npos);
  }
  Answers a = legal_answers();
  a["name"] = "   ";
  CHECK(has_error(check_request(s, a, context()).errors, "name", "required"));
  a = legal_answers();
  a["name"] = nullptr;
  CHECK(has_error(check_request(s, a, context()).errors, "name", "required"));
}

TEST_CASE("consent must be given") {
  const auto& s = service("legal");
  for (json v : {json(false), json(nullptr), json("false")}) {
    Answers a = legal_answers();
    a["consent"] = v;
    auto check = check_request(s, a, context());
    CHECK(has_error(check.errors, "consent", "consent_required"));
  }
  Answers a = legal_answers();
  a["consent"] = 1;
  CHECK(has_error(check_request(s, a, context()).errors, "consent", "wrong_type"));
}

TEST_CASE("lengths are counted in characters") {
  const auto& s = service("legal");  // description: 10..300
  Answers a = legal_answers();
  a["description"] = "工资没发";
  auto check = check_request(s, a, context());
  REQUIRE(has_error(check.errors, "description", "too_short"));
  CHECK(check.errors[0].message.zh.find("10") != std::string::npos);
  std::string three_hundred;
  for (int i = 0; i < 300; ++i) three_hundred += "欠";
  a["description"] = three_hundred;  // 900 bytes, 300 characters
  CHECK(check_request(s, a, context()).plan);
  a["description"] = three_hundred + "薪";
  check = check_request(s, a, context());
  REQUIRE(has_error(check.errors, "description", "too_long"));
  CHECK(check.errors[0].message.en.find("301") != std::string::npos);
  a["description"] = "  " + three_hundred + "\n ";  // surrounding space is not counted
  CHECK(check_request(s, a, context()).plan);
  a["description"] = std::string("公司拖欠工资三个月\x01共计一万元");
  CHECK(has_error(check_request(s, a, context()).errors, "description", "text_invalid"));
  a["description"] = std::string("公司拖欠工资三个月\xE5共计一万元");
  CHECK(has_error(check_request(s, a, context()).errors, "description", "text_invalid"));
}

TEST_CASE("numbers: ranges, whole numbers, typed as text") {
  const auto& s = service("hardship");  // household_size: integer 1..20
  auto code_for = [&](json v) {
    Answers a = hardship_answers();
    a["household_size"] = v;
    auto errors = validate_field(s, *s.field("household_size"), a, context());
    return errors.empty() ? std::string() : errors[0].code;
  };
  CHECK(code_for(1) == "");
  CHECK(code_for(20) == "");
  CHECK(code_for("3") == "");
  CHECK(code_for("\xEF\xBC\x93") == "");  // full-width 3
  CHECK(code_for(0) == "number_too_small");
  CHECK(code_for(21) == "number_too_large");
  CHECK(code_for(2.5) == "number_not_integer");
  CHECK(code_for("2.5") == "number_not_integer");
  CHECK(code_for("three") == "number_invalid");
  CHECK(code_for("3人") == "number_invalid");
  CHECK(code_for("1e2") == "number_invalid");
  CHECK(code_for(json::array()) == "required");
  CHECK(code_for(true) == "wrong_type");

  auto check = check_request(s, hardship_answers(), context());
  INFO(dump(check.errors));
  REQUIRE(check.plan);
  CHECK(check.plan->answers["household_size"] == 3);
  CHECK(check.plan->answers["household_size"].is_number_integer());
  CHECK(check.plan->answers["income_per_head"] == 850);
  Answers a = hardship_answers();
  a["income_per_head"] = "1234.5";
  check = check_request(s, a, context());
  REQUIRE(check.plan);
  CHECK(check.plan->answers["income_per_head"].get<double>() == doctest::Approx(1234.5));
  a["income_per_head"] = -1;
  CHECK(has_error(check_request(s, a, context()).errors, "income_per_head", "number_too_small"));
}

TEST_CASE("ID numbers in a form: normalised, every problem explained") {
  const auto& s = service("hardship");
  auto check = check_request(s, hardship_answers(), context());
  REQUIRE(check.plan);
  CHECK(check.plan->answers["id_number"] == "11010519491231002X");  // lowercase x normalised
  const std::pair<const char*, const char*> bad[] = {
      {"11010519491231002", "id_length"},    {"110105194912310021", "id_checksum"},
      {"1101051949123100AX", "id_characters"}, {"110105199902300018", "id_birth_date"},
      {"110105202612310011", "id_future_birth"},
  };
  for (const auto& [id, code] : bad) {
    Answers a = hardship_answers();
    a["id_number"] = id;
    auto errors = validate_field(s, *s.field("id_number"), a, context());
    REQUIRE_MESSAGE(errors.size() == 1, id);
    CHECK_MESSAGE(errors[0].code == code, id);
    CHECK(errors[0].message.complete());
    CHECK(errors[0].message.zh.find("身份证号码") != std::string::npos);
  }
  Answers a = hardship_answers();
  a["id_number"] = "110105 19491231 002X";  // grouped for reading
  CHECK(validate_field(s, *s.field("id_number"), a, context()).empty());
}

TEST_CASE("phones and names in a form") {
  const auto& s = service("legal");
  Answers a = legal_answers();
  a["phone"] = "1381234567";
  CHECK(has_error(check_request(s, a, context()).errors, "phone", "phone_invalid"));
  a["phone"] = "138-1234-5678";
  CHECK(check_request(s, a, context()).plan->answers["phone"] == "13812345678");
  a["name"] = "张伟2";
  CHECK(has_error(check_request(s, a, context()).errors, "name", "name_invalid"));
  a["name"] = "张Wei";
  CHECK(has_error(check_request(s, a, context()).errors, "name", "name_mixed"));
  a["name"] = "阿依古丽•买买提";
  auto check = check_request(s, a, context());
  REQUIRE(check.plan);
  CHECK(check.plan->answers["name"] == "阿依古丽·买买提");
}

TEST_CASE("single and multiple choices") {
  const auto& s = service("legal");
  Answers a = legal_answers();
  a["category"] = "robbery";
  CHECK(has_error(check_request(s, a, context()).errors, "category", "choice_invalid"));
  a = legal_answers();
  a.erase("category");
  CHECK(check_request(s, a, context()).errors[0].message.en.find("choose") != std::string::npos);

  Service svc;
  svc.id = "t";
  Field f = make_field("help", FieldType::MultiChoice, {"需要的帮助", "Help needed"}, true);
  f.choices = {{"money", {"资金", "Money"}}, {"job", {"就业", "Job"}}, {"law", {"法律", "Law"}}};
  svc.fields = {f};
  auto plan = check_request(svc, json{{"help", json::array({"law", "money", "law"})}}, context()).plan;
  REQUIRE(plan);
  CHECK(plan->answers["help"] == json::array({"money", "law"}));  // content order, no repeats
  CHECK(has_error(check_request(svc, json{{"help", json::array({"money", "car"})}}, context()).errors,
                  "help", "choice_invalid"));
  CHECK(has_error(check_request(svc, json{{"help", json::array({1})}}, context()).errors, "help",
                  "choice_invalid"));
  CHECK(has_error(check_request(svc, json{{"help", json::array()}}, context()).errors, "help", "required"));
}

TEST_CASE("dates with bounds") {
  Service svc;
  svc.id = "t";
  Field f = make_field("when", FieldType::Date, {"日期", "Date"}, true);
  f.date_not_before = "today";
  f.date_not_after = "2027-06-30";
  svc.fields = {f};
  auto code = [&](json v) {
    auto errors = validate_field(svc, f, json{{"when", v}}, context());
    return errors.empty() ? std::string() : errors[0].code;
  };
  CHECK(code("2026-11-22") == "");
  CHECK(code("2027-06-30") == "");
  CHECK(code("2026-11-21") == "date_too_early");
  CHECK(code("2027-07-01") == "date_too_late");
  CHECK(code("2027-02-30") == "date_invalid");
  CHECK(code("2027/01/01") == "date_invalid");
  CHECK(code("明天") == "date_invalid");
  auto errors = validate_field(svc, f, json{{"when", "2026-11-21"}}, context());
  CHECK(errors[0].message.zh.find("2026-11-22") != std::string::npos);
}

TEST_CASE("member card field: only from a verified card") {
  const auto& s = service("mixer");
  const Field& mc = *s.field("member_card");
  Answers a = mixer_answers();
  CHECK(has_error(validate_field(s, mc, a, context()), "member_card", "member_card_unverified"));
  CHECK(validate_field(s, mc, a, context(nullptr, true)).empty());
  a["member_card"] = "22010099998";
  CHECK(has_error(validate_field(s, mc, a, context(nullptr, true)), "member_card", "member_card_mismatch"));
  a.erase("member_card");
  CHECK(has_error(validate_field(s, mc, a, context(nullptr, true)), "member_card", "member_card_required"));
}

TEST_CASE("prefill_from_card fills only empty answers") {
  const auto& s = service("childcare");
  Answers a = {{"guardian_name", ""}};
  prefill_from_card(s, demo_member(), a);
  CHECK(a["member_card"] == "22010012345");
  CHECK(a["guardian_name"] == "张伟");
  CHECK_FALSE(a.contains("child_name"));
  Answers b = {{"name", "李娜"}};
  prefill_from_card(service("mixer"), demo_member(), b);
  CHECK(b["name"] == "李娜");
  // The card's org is the member's union, not their employer: left to type.
  CHECK_FALSE(b.contains("employer"));
  Answers c;  // null answers become an object
  prefill_from_card(service("legal"), demo_member(), c);
  CHECK(c["name"] == "张伟");
}

TEST_CASE("validate_page looks at the page's fields only") {
  const auto& s = service("legal");
  const Page* contact = nullptr;
  for (const auto& p : s.pages)
    if (p.id == "contact") contact = &p;
  REQUIRE(contact);
  Answers a = {{"name", "张伟"}, {"phone", "123"}};
  auto errors = validate_page(s, *contact, a, context());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "phone");
  a["phone"] = "13812345678";
  CHECK(validate_page(s, *contact, a, context()).empty());
  // A hidden field on the page is not asked.
  const Page& dispute = s.pages[1];
  Answers d = legal_answers();
  CHECK(validate_page(s, dispute, d, context()).empty());
  d["arbitration_filed"] = "yes";
  CHECK(has_error(validate_page(s, dispute, d, context()), "arbitration_case_no", "required"));
}

TEST_CASE("wrong answer types are errors, not crashes") {
  const auto& s = service("legal");
  for (json v : {json::object(), json::array({1, 2}), json(true), json(1.5)}) {
    Answers a = legal_answers();
    a["employer"] = v;
    auto check = check_request(s, a, context());
    CHECK_FALSE(check.plan);
    CHECK_FALSE(check.errors.empty());
  }
  CHECK_FALSE(check_request(s, json("not an object"), context()).plan);
  CHECK_FALSE(check_request(s, json::array(), context()).plan);
}

TEST_CASE("random answers never throw, and a plan comes only without errors") {
  std::mt19937 rng(42);
  const json values[] = {json(nullptr), json(true), json(false), json(0), json(-3), json(1e300), json(2.5),
                         json(""), json("  "), json("yes"), json("m"), json("13812345678"),
                         json("11010519491231002x"), json("S-20261201-PM"), json("M-202612"), json("C-2027W-B"),
                         json("\xE5\xBC"), json::array(), json::array({"money", 3}), json::object()};
  for (const auto& s : bundle().services) {
    for (int round = 0; round < 300; ++round) {
      Answers a = s.id == "legal" ? legal_answers() : s.id == "hardship" ? hardship_answers()
                  : s.id == "mixer"  ? mixer_answers()
                                     : childcare_answers();
      for (int k = 0; k < 3; ++k) {
        const Field& f = s.fields[rng() % s.fields.size()];
        a[f.id] = values[rng() % std::size(values)];
      }
      FormCheck check;
      CHECK_NOTHROW(check = check_request(s, a, context(nullptr, rng() % 2 == 0)));
      CHECK(check.plan.has_value() == check.errors.empty());
      for (const auto& p : s.pages) CHECK_NOTHROW((void)validate_page(s, p, a, context()));
    }
  }
}
