#include <doctest/doctest.h>

#include "kiosk/base/utf8.hpp"
#include "kiosk/domain/validate.hpp"

using namespace kiosk;

namespace {
const Date kToday{2026, 11, 22};
}

TEST_CASE("GB 11643: the valid examples of DOMAIN.md") {
  IdNumberInfo info;
  CHECK(check_id_number("11010519491231002X", kToday, &info) == IdProblem::None);
  CHECK(info.birth == Date{1949, 12, 31});
  CHECK_FALSE(info.male);  // sequence 002: even
  CHECK(info.area == "110105");
  CHECK(check_id_number("440524188001010014", kToday, &info) == IdProblem::None);
  CHECK(info.birth == Date{1880, 1, 1});
  CHECK(info.male);  // sequence 001: odd
}

TEST_CASE("GB 11643: lowercase x is accepted") {
  CHECK(check_id_number("11010519491231002x", kToday) == IdProblem::None);
  CHECK(check_id_number("22010220190708109x", kToday) == IdProblem::None);
}

TEST_CASE("GB 11643: check character per ISO 7064 MOD 11-2") {
  CHECK(id_check_character("11010519491231002") == 'X');
  CHECK(id_check_character("44052418800101001") == '4');
  CHECK(id_check_character("22010220180520023") == '8');
  CHECK(id_check_character("1101051949123100") == '?');
  CHECK(id_check_character("1101051949123100A") == '?');
  // Every wrong check character is refused.
  for (char c : std::string("0123456789")) {
    std::string id = "11010519491231002" + std::string(1, c);
    CHECK(check_id_number(id, kToday) == IdProblem::Checksum);
  }
  CHECK(check_id_number("440524188001010015", kToday) == IdProblem::Checksum);
  CHECK(check_id_number("44052418800101001X", kToday) == IdProblem::Checksum);
  // A single mistyped digit breaks the checksum.
  CHECK(check_id_number("440524188001010114", kToday) == IdProblem::Checksum);
  CHECK(check_id_number("11010519491231012X", kToday) == IdProblem::Checksum);
  // Two swapped neighbours too.
  CHECK(check_id_number("11010519491231020X", kToday) == IdProblem::Checksum);
}

TEST_CASE("GB 11643: impossible and future birth dates") {
  // 1999-02-30 does not exist (check character computed so only the date is wrong).
  const std::string base = "11010519990230001";
  CHECK(check_id_number(base + id_check_character(base), kToday) == IdProblem::BirthDate);
  for (std::string b : {"19991301", "19990000", "19990431", "20230229", "17991231", "00000101"}) {
    const std::string first = "110105" + b + "001";
    CHECK_MESSAGE(check_id_number(first + id_check_character(first), kToday) == IdProblem::BirthDate, b);
  }
  const std::string leap = "11010520000229001";
  CHECK(check_id_number(leap + id_check_character(leap), kToday) == IdProblem::None);
  const std::string tomorrow = "11010520261123001";
  CHECK(check_id_number(tomorrow + id_check_character(tomorrow), kToday) == IdProblem::FutureBirth);
  const std::string today = "11010520261122001";
  CHECK(check_id_number(today + id_check_character(today), kToday) == IdProblem::None);
  const std::string far = "11010530010101001";
  CHECK(check_id_number(far + id_check_character(far), kToday) == IdProblem::FutureBirth);
}

TEST_CASE("GB 11643: length and characters") {
  CHECK(check_id_number("", kToday) == IdProblem::Length);
  CHECK(check_id_number("11010519491231002", kToday) == IdProblem::Length);
  CHECK(check_id_number("11010519491231002XX", kToday) == IdProblem::Length);
  CHECK(check_id_number("110105491231002", kToday) == IdProblem::Length);  // old 15-digit numbers
  CHECK(check_id_number("A1010519491231002X", kToday) == IdProblem::Characters);
  CHECK(check_id_number("1101051949123100X2", kToday) == IdProblem::Characters);
  CHECK(check_id_number("11010519491231002Y", kToday) == IdProblem::Characters);
  CHECK(check_id_number("110105 19491231 02", kToday) == IdProblem::Characters);
  CHECK(check_id_number("11010519491231002\xEF", kToday) == IdProblem::Characters);
}

TEST_CASE("mainland mobile numbers") {
  CHECK(normalize_mobile("13812345678") == "13812345678");
  CHECK(normalize_mobile("+8613812345678") == "13812345678");
  CHECK(normalize_mobile("+86 138 1234 5678") == "13812345678");
  CHECK(normalize_mobile("138-1234-5678") == "13812345678");
  CHECK(normalize_mobile("008613812345678") == "13812345678");
  CHECK(normalize_mobile("19912345678") == "19912345678");
  CHECK(normalize_mobile("\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x98" "12345678") == "13812345678");  // full-width 138
  CHECK_FALSE(normalize_mobile(""));
  CHECK_FALSE(normalize_mobile("1381234567"));     // 10 digits
  CHECK_FALSE(normalize_mobile("138123456789"));   // 12 digits
  CHECK_FALSE(normalize_mobile("12812345678"));    // second digit 2
  CHECK_FALSE(normalize_mobile("10812345678"));
  CHECK_FALSE(normalize_mobile("23812345678"));    // not starting with 1
  CHECK_FALSE(normalize_mobile("+8513812345678")); // other country
  CHECK_FALSE(normalize_mobile("+1 3812345678"));
  CHECK_FALSE(normalize_mobile("1381234567a"));
  CHECK_FALSE(normalize_mobile("138+12345678"));
  CHECK_FALSE(normalize_mobile("010-12345678"));   // landline
  CHECK_FALSE(normalize_mobile("++8613812345678"));
}

TEST_CASE("UTF-8 length counts characters, not bytes") {
  CHECK(utf8_length("") == 0);
  CHECK(utf8_length("abc") == 3);
  CHECK(utf8_length("张伟") == 2);
  CHECK(utf8_length("阿依古丽·买买提") == 8);
  CHECK(utf8_length("\xF0\xA0\x80\x80") == 1);   // U+20000
  CHECK_FALSE(utf8_length("\xE5\xBC"));            // truncated
  CHECK_FALSE(utf8_length("\xC0\xAF"));            // overlong '/'
  CHECK_FALSE(utf8_length("\xED\xA0\x80"));        // surrogate
  CHECK_FALSE(utf8_length("\xFF"));
}

TEST_CASE("real names") {
  std::string out;
  CHECK(check_person_name("张伟", &out) == NameProblem::None);
  CHECK(out == "张伟");
  CHECK(check_person_name("  欧阳娜娜 ", &out) == NameProblem::None);
  CHECK(out == "欧阳娜娜");
  CHECK(check_person_name("阿依古丽·买买提", &out) == NameProblem::None);
  CHECK(check_person_name("阿依古丽•买买提", &out) == NameProblem::None);  // bullet look-alike
  CHECK(out == "阿依古丽·买买提");
  CHECK(check_person_name("阿依古丽.买买提", &out) == NameProblem::None);
  CHECK(out == "阿依古丽·买买提");
  CHECK(check_person_name("John Smith", &out) == NameProblem::None);
  CHECK(check_person_name("John   Smith", &out) == NameProblem::None);
  CHECK(out == "John Smith");
  CHECK(check_person_name("Mary-Jane O'Neil", &out) == NameProblem::None);
  CHECK(check_person_name("José Núñez", &out) == NameProblem::None);
  CHECK(check_person_name("", &out) == NameProblem::Empty);
  CHECK(check_person_name("   ", &out) == NameProblem::Empty);
  CHECK(check_person_name("张伟1", &out) == NameProblem::Characters);
  CHECK(check_person_name("张 伟", &out) == NameProblem::Characters);
  CHECK(check_person_name("·张伟", &out) == NameProblem::Characters);
  CHECK(check_person_name("张伟·", &out) == NameProblem::Characters);
  CHECK(check_person_name("阿依古丽··买买提", &out) == NameProblem::Characters);
  CHECK(check_person_name("张伟!", &out) == NameProblem::Characters);
  CHECK(check_person_name("J. Smith", &out) == NameProblem::Characters);
  CHECK(check_person_name("John·Smith", &out) == NameProblem::Characters);
  CHECK(check_person_name("张Wei", &out) == NameProblem::MixedScripts);
  CHECK(check_person_name(std::string(33, 'a'), &out) == NameProblem::TooLong);
  CHECK(check_person_name(std::string(32, 'a'), &out) == NameProblem::None);
  std::string long_cjk;
  for (int i = 0; i < 33; ++i) long_cjk += "王";
  CHECK(check_person_name(long_cjk, &out) == NameProblem::TooLong);
}

TEST_CASE("text helpers") {
  CHECK(trim("  a b \n") == "a b");
  CHECK(trim("\xE3\x80\x80张伟\xE3\x80\x80") == "张伟");  // ideographic spaces
  CHECK(fold_fullwidth("\xEF\xBC\xB8") == "X");
  CHECK(has_control_chars("a\tb", true));
  CHECK_FALSE(has_control_chars("a\nb", true));
  CHECK(has_control_chars("a\nb", false));
}

