// Validators for what workers type at the kiosk. Pure functions over text:
// no locale, no exceptions.
#include "kiosk/domain/validate.hpp"

#include "kiosk/base/utf8.hpp"

#include <array>

namespace kiosk {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_cjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) ||    // CJK Unified Ideographs
         (c >= 0x3400 && c <= 0x4DBF) ||    // Extension A
         (c >= 0x20000 && c <= 0x2EBEF) ||  // Extensions B-F (rare surname characters)
         (c >= 0x30000 && c <= 0x3134F) ||  // Extension G
         c == 0x3007;                       // 〇
}

bool is_latin_letter(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);  // Latin-1 / Extended-A/B
}

bool is_dot_like(char32_t c) {
  // What IMEs and fonts offer for the separator of transliterated names.
  return c == 0x00B7 || c == 0x2022 || c == 0x2027 || c == 0x30FB || c == 0xFF65 || c == 0x2219 ||
         c == 0x22C5 || c == 0x0387 || c == 0xFF0E || c == '.';
}

}  // namespace

IdProblem check_id_number(std::string_view id, const Date& today, IdNumberInfo* info) {
  if (id.size() != 18) return IdProblem::Length;
  for (size_t i = 0; i < 17; ++i)
    if (!is_digit(id[i])) return IdProblem::Characters;
  const char last = id[17];
  if (!is_digit(last) && last != 'X' && last != 'x') return IdProblem::Characters;
  const auto birth = Date::parse_compact(id.substr(6, 8));
  if (!birth || birth->year < 1800) return IdProblem::BirthDate;
  if (*birth > today) return IdProblem::FutureBirth;
  const char want = id_check_character(id.substr(0, 17));
  const char got = last == 'x' ? 'X' : last;
  if (want != got) return IdProblem::Checksum;
  if (info) {
    info->birth = *birth;
    info->male = (id[16] - '0') % 2 == 1;
    info->area = std::string(id.substr(0, 6));
  }
  return IdProblem::None;
}

char id_check_character(std::string_view first17) {
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kMap[] = "10X98765432";
  if (first17.size() != 17) return '?';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (!is_digit(first17[i])) return '?';
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kMap[sum % 11];
}

std::optional<std::string> normalize_mobile(std::string_view s) {
  const std::string folded = fold_fullwidth(s);
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < folded.size(); ++i) {
    const char c = folded[i];
    if (c == ' ' || c == '-') continue;
    if (c == '+' && digits.empty() && !plus) {
      plus = true;
      continue;
    }
    if (!is_digit(c)) return std::nullopt;
    digits += c;
  }
  if (plus) {
    if (digits.rfind("86", 0) != 0) return std::nullopt;
    digits.erase(0, 2);
  } else if (digits.size() == 15 && digits.rfind("0086", 0) == 0) {
    digits.erase(0, 4);
  }
  if (digits.size() != 11 || digits[0] != '1' || digits[1] < '3') return std::nullopt;
  return digits;
}

std::string fold_fullwidth(std::string_view s) {
  auto cps = utf8_decode(s);
  if (!cps) return std::string(s);
  bool changed = false;
  for (char32_t& c : *cps) {
    if (c >= 0xFF01 && c <= 0xFF5E) {
      c = c - 0xFF01 + 0x21;
      changed = true;
    } else if (c == 0x3000) {
      c = ' ';
      changed = true;
    }
  }
  return changed ? utf8_encode(*cps) : std::string(s);
}

std::string trim(std::string_view s) {
  auto cps = utf8_decode(s);
  if (!cps) return std::string(s);
  auto space = [](char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000; };
  size_t b = 0, e = cps->size();
  while (b < e && space((*cps)[b])) ++b;
  while (e > b && space((*cps)[e - 1])) --e;
  if (b == 0 && e == cps->size()) return std::string(s);
  return utf8_encode(std::u32string_view(*cps).substr(b, e - b));
}

bool has_control_chars(std::string_view s, bool allow_newline) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u == '\n' && allow_newline) continue;
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

NameProblem check_person_name(std::string_view s, std::string* normalized) {
  auto cps = utf8_decode(fold_fullwidth(trim(s)));
  if (!cps) return NameProblem::Characters;
  if (cps->empty()) return NameProblem::Empty;
  bool cjk = false, latin = false;
  std::u32string out;
  for (size_t i = 0; i < cps->size(); ++i) {
    char32_t c = (*cps)[i];
    if (is_cjk(c)) {
      cjk = true;
    } else if (is_latin_letter(c)) {
      latin = true;
    } else if (is_dot_like(c) || c == ' ' || c == '-' || c == '\'' || c == 0x2019) {
      // Separators: never first, last or doubled.
      if (out.empty() || i + 1 == cps->size()) return NameProblem::Characters;
      const char32_t prev = out.back();
      if (prev == 0x00B7 || prev == ' ' || prev == '-' || prev == '\'') {
        if (c == ' ' && prev == ' ') continue;  // collapse runs of spaces
        return NameProblem::Characters;
      }
      if (is_dot_like(c)) c = (c == '.' && !cjk) ? '.' : char32_t{0x00B7};
      if (c == 0x2019) c = '\'';
      if (c == '.') return NameProblem::Characters;
    } else {
      return NameProblem::Characters;
    }
    out += c;
  }
  if (cjk && latin) return NameProblem::MixedScripts;
  if (cjk) {
    for (char32_t c : out)
      if (c == ' ' || c == '-' || c == '\'') return NameProblem::Characters;
  } else {
    for (char32_t c : out)
      if (c == 0x00B7) return NameProblem::Characters;
  }
  if (out.size() > 32) return NameProblem::TooLong;
  if (normalized) *normalized = utf8_encode(out);
  return NameProblem::None;
}

}  // namespace kiosk
