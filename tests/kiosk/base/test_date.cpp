#include <doctest/doctest.h>

#include "kiosk/base/date.hpp"

using kiosk::Date;

TEST_CASE("Date::parse accepts real dates only") {
  auto d = Date::parse("2026-11-22");
  REQUIRE(d);
  CHECK(d->year == 2026);
  CHECK(d->month == 11);
  CHECK(d->day == 22);
  CHECK(Date::parse("2024-02-29"));
  CHECK(Date::parse("2000-02-29"));
  CHECK_FALSE(Date::parse("1900-02-29"));
  CHECK_FALSE(Date::parse("2026-02-29"));
  CHECK_FALSE(Date::parse("2026-04-31"));
  CHECK_FALSE(Date::parse("2026-13-01"));
  CHECK_FALSE(Date::parse("2026-00-10"));
  CHECK_FALSE(Date::parse("2026-11-00"));
  CHECK_FALSE(Date::parse("2026-1-22"));
  CHECK_FALSE(Date::parse("2026/11/22"));
  CHECK_FALSE(Date::parse("20261122"));
  CHECK_FALSE(Date::parse("2026-11-2a"));
  CHECK_FALSE(Date::parse(""));
}

TEST_CASE("Date::parse_compact reads the birth date of an ID number") {
  CHECK(Date::parse_compact("19491231") == Date{1949, 12, 31});
  CHECK_FALSE(Date::parse_compact("19990230"));
  CHECK_FALSE(Date::parse_compact("1999023"));
  CHECK_FALSE(Date::parse_compact("1999-2-3"));
}

TEST_CASE("weekday: ISO numbering, before and after the epoch") {
  CHECK(kiosk::Date{1970, 1, 1}.weekday() == 4);    // Thursday
  CHECK(kiosk::Date{2026, 12, 4}.weekday() == 5);   // Friday
  CHECK(kiosk::Date{2026, 12, 6}.weekday() == 7);   // Sunday
  CHECK(kiosk::Date{2027, 1, 4}.weekday() == 1);    // Monday
  CHECK(kiosk::Date{1969, 12, 31}.weekday() == 3);  // Wednesday
  CHECK(kiosk::Date{2000, 2, 29}.weekday() == 2);   // Tuesday
}

TEST_CASE("days since epoch round-trip and iso") {
  CHECK(Date{1970, 1, 1}.days_since_epoch() == 0);
  CHECK(Date{2000, 3, 1}.days_since_epoch() == 11017);
  CHECK(Date{1969, 12, 31}.days_since_epoch() == -1);
  for (int64_t d = -719000; d < 2900000; d += 2003) {  // years 1..9939
    const Date x = Date::from_days(d);
    REQUIRE(x.days_since_epoch() == d);
    REQUIRE(Date::parse(x.iso()) == x);
  }
  CHECK(Date{2027, 1, 8}.iso() == "2027-01-08");
  CHECK(Date{2026, 11, 22} < Date{2026, 11, 23});
  CHECK(Date{2026, 12, 1} > Date{2026, 11, 30});
}

TEST_CASE("from_unix uses China Standard Time by default") {
  // 2026-11-21 16:00:00 UTC is midnight in Beijing.
  const int64_t t = Date{2026, 11, 21}.days_since_epoch() * 86400 + 16 * 3600;
  CHECK(Date::from_unix(t) == Date{2026, 11, 22});
  CHECK(Date::from_unix(t - 1) == Date{2026, 11, 21});
  CHECK(Date::from_unix(t, 0) == Date{2026, 11, 21});
  CHECK(Date::from_unix(-1, 0) == Date{1969, 12, 31});
}

TEST_CASE("age_on counts whole years") {
  CHECK(kiosk::age_on({2018, 5, 20}, {2027, 1, 11}) == 8);
  CHECK(kiosk::age_on({2018, 1, 11}, {2027, 1, 11}) == 9);
  CHECK(kiosk::age_on({2018, 1, 12}, {2027, 1, 11}) == 8);
  CHECK(kiosk::age_on({2016, 2, 29}, {2027, 2, 28}) == 10);
  CHECK(kiosk::age_on({2016, 2, 29}, {2027, 3, 1}) == 11);
  CHECK(kiosk::is_valid_date(2024, 2, 29));
  CHECK_FALSE(kiosk::is_valid_date(2023, 2, 29));
}
