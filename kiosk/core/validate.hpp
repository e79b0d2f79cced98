// Field validators from DOMAIN.md: GB 11643 resident ID, mainland mobile.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/date.hpp"

namespace kiosk {

struct IdNumberInfo {
  Date birth;
  bool male = false;
  std::string area;  // 6-digit area code
};

enum class IdProblem { None, Length, Characters, BirthDate, FutureBirth, Checksum };

// Accepts lowercase x; `today` bounds the birth date.
IdProblem check_id_number(std::string_view id, const Date& today, IdNumberInfo* info = nullptr);
char id_check_character(std::string_view first17);

// "13812345678", "+8613812345678", "+86 138 1234 5678" -> "13812345678"; nullopt if invalid.
std::optional<std::string> normalize_mobile(std::string_view s);

// Number of Unicode code points in UTF-8 text (invalid UTF-8 -> nullopt).
std::optional<int> utf8_length(std::string_view s);

// SHA-256 as uppercase hex, for dedup keys and attendance lookups.
std::string sha256_hex(std::string_view s);

}  // namespace kiosk
