// Calendar dates (proleptic Gregorian) for forms, ID numbers and ages.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiosk {

struct Date {
  int year = 1970, month = 1, day = 1;
  static std::optional<Date> parse(std::string_view yyyy_mm_dd);  // "2026-11-22"
  static std::optional<Date> parse_compact(std::string_view yyyymmdd);  // "20261122"
  static Date from_unix(int64_t seconds_utc, int utc_offset_minutes = 480);  // China Standard Time
  std::string iso() const;
  int64_t days_since_epoch() const;
  static Date from_days(int64_t days);
  int weekday() const;  // ISO 8601: 1 = Monday ... 7 = Sunday
  auto operator<=>(const Date&) const = default;
};

bool is_valid_date(int y, int m, int d);
int age_on(const Date& birth, const Date& on);  // whole years

}  // namespace kiosk
