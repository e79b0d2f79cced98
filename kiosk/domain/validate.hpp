// Field validators from DOMAIN.md: GB 11643 resident ID, mainland mobile,
// real names, UTF-8 text lengths; plus the hashing used for dedup keys.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/base/date.hpp"

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

// --- added by the form engine ---

// Full-width ASCII (what a Chinese IME types: "１３８", "Ｘ") folded to ASCII,
// and ideographic space to a plain space.
std::string fold_fullwidth(std::string_view s);

// Leading/trailing ASCII and ideographic spaces removed.
std::string trim(std::string_view s);

// Control characters (other than newline when allowed) in text.
bool has_control_chars(std::string_view s, bool allow_newline);

// A person's real name: 1-32 characters, either Chinese characters with the
// middle dot of minority names (阿依古丽·买买提) or Latin letters with single
// spaces, hyphens or apostrophes. Dot look-alikes are normalised to U+00B7.
enum class NameProblem { None, Empty, TooLong, Characters, MixedScripts };
NameProblem check_person_name(std::string_view s, std::string* normalized = nullptr);

}  // namespace kiosk
