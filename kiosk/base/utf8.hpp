// UTF-8 to code points and back, strictly: overlong forms, surrogates and
// values past U+10FFFF are not text.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace kiosk {

// Code points of UTF-8 text; nullopt if the text is not valid UTF-8.
std::optional<std::u32string> utf8_decode(std::string_view s);
// The code points of text that may hold stray bytes (keys from a scanner
// that types, a font's file): each byte that does not begin a valid code
// point is skipped, the rest decoded as utf8_decode does.
std::u32string utf8_decode_lenient(std::string_view s);
// Values that are not code points of text (surrogates, past U+10FFFF) are left out.
std::string utf8_encode(std::u32string_view s);

// Number of Unicode code points in UTF-8 text (invalid UTF-8 -> nullopt).
std::optional<int> utf8_length(std::string_view s);

}  // namespace kiosk
