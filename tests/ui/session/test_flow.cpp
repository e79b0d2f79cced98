// What the flow helpers show a worker: typed numbers grouped for checking
// digit by digit, and dates with their weekday.
#include <doctest/doctest.h>

#include "kiosk/domain/content.hpp"
#include "ui/session/flow.hpp"

using namespace kiosk;
using namespace kiosk::ui;

namespace {
Field field_of(FieldType t) {
  Field f;  // the id plays no part in how a value is shown
  f.type = t;
  return f;
}
}  // namespace

TEST_CASE("typed ID and phone numbers are grouped as they are typed, other text is left as it is") {
  const Field id = field_of(FieldType::IdNumber), phone = field_of(FieldType::Phone),
              name = field_of(FieldType::Name);
  CHECK(grouped_for_reading(id, "11010519491231002X") == "110105 19491231 002X");
  CHECK(grouped_for_reading(id, "1101051949") == "110105 1949");  // part-way through
  CHECK(grouped_for_reading(id, "110105") == "110105");
  CHECK(grouped_for_reading(id, "") == "");
  CHECK(grouped_for_reading(id, "110105194912310021999") == "110105 19491231 0021 999");  // too long: all shown
  CHECK(grouped_for_reading(id, "1101X5") == "1101X5");  // an X before the check digit: as typed
  CHECK(grouped_for_reading(phone, "13812345678") == "138 1234 5678");
  CHECK(grouped_for_reading(phone, "1381234") == "138 1234");
  CHECK(grouped_for_reading(phone, "+8613812345678") == "+86 138 1234 5678");
  CHECK(grouped_for_reading(phone, "138-1234") == "138-1234");
  CHECK(grouped_for_reading(name, "12345678901") == "12345678901");
}

TEST_CASE("a date is shown with its weekday in words, in the worker's language") {
  CHECK(date_with_weekday("2026-12-08", Lang::Zh) == "2026-12-08 星期二");
  CHECK(date_with_weekday("2026-12-08", Lang::En) == "2026-12-08 Tuesday");
  CHECK(date_with_weekday("not a date", Lang::En) == "not a date");
}
