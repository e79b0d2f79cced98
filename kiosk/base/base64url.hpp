// base64url without padding (RFC 4648 §5), as JWS compact serialization uses
// it. Decoding is strict: padding, whitespace, '+' '/' and non-zero trailing
// bits are rejected, so one token has exactly one spelling.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk {

std::string base64url_encode(const uint8_t* data, size_t size);
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);
// True when every character is in the base64url alphabet and the length is
// one a decoder can accept (not 1 mod 4).
bool is_base64url(std::string_view text);

}  // namespace kiosk
