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

// Number of Unicode code points in UTF-8 text (invalid UTF-8 -> nullopt).
std::optional<int> utf8_length(std::string_view s);

// SHA-256 as uppercase hex, for dedup keys and attendance lookups.
std::string sha256_hex(std::string_view s);

// --- added by the form engine ---

// Code points of UTF-8 text; nullopt if the text is not valid UTF-8.
std::optional<std::u32string> utf8_decode(std::string_view s);
std::string utf8_encode(std::u32string_view s);

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

// base64url without padding (RFC 4648 §5); nullopt if malformed.
std::optional<std::string> base64url_decode(std::string_view s);

}  // namespace kiosk
