// Validators for what workers type at the kiosk. Pure functions over text:
// no locale, no exceptions.
#include "kiosk/domain/validate.hpp"

#include <sodium.h>

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

std::optional<std::u32string> utf8_decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    int n = 0;
    char32_t cp = 0;
    if (b < 0x80) {
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      n = 1, cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      n = 2, cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      n = 3, cp = b & 0x07;
    } else {
      return std::nullopt;
    }
    if (n > 0 && i + static_cast<size_t>(n) >= s.size()) return std::nullopt;
    for (int k = 1; k <= n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not text.
    static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    out += cp;
    i += n + 1;
  }
  return out;
}

std::string utf8_encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::optional<int> utf8_length(std::string_view s) {
  const auto cps = utf8_decode(s);
  if (!cps) return std::nullopt;
  return static_cast<int>(cps->size());
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

std::string sha256_hex(std::string_view s) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view s) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  if (s.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(s.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    const int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero, or two encodings would decode alike.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace kiosk
