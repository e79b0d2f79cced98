#include "kiosk/base/utf8.hpp"

namespace kiosk {

namespace {

// The code point that begins at s[i] and its length in bytes; 0 when no
// valid one begins there.
size_t decode_at(std::string_view s, size_t i, char32_t& cp) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  if (b < 0x80) {
    cp = b;
  } else if ((b & 0xE0) == 0xC0) {
    n = 1, cp = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    n = 2, cp = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    n = 3, cp = b & 0x07;
  } else {
    return 0;
  }
  if (n > 0 && i + n >= s.size()) return 0;
  for (size_t k = 1; k <= n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not text.
  static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n + 1;
}

// Strict: nullopt at the first byte that begins no valid code point.
// Lenient: that byte is skipped.
std::optional<std::u32string> decode(std::string_view s, bool lenient) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const size_t len = decode_at(s, i, cp);
    if (len == 0 && !lenient) return std::nullopt;
    if (len > 0) out += cp;
    i += len > 0 ? len : 1;
  }
  return out;
}

}  // namespace

std::optional<std::u32string> utf8_decode(std::string_view s) { return decode(s, false); }

std::u32string utf8_decode_lenient(std::string_view s) { return *decode(s, true); }

std::string utf8_encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) continue;  // not a code point of text
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

}  // namespace kiosk
