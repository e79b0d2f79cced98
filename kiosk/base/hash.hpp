// SHA-256 and HMAC-SHA256 as hex. The case is the caller's: it must match
// what is already stored (the kiosk's dedup keys and content hashes are upper
// case, the hub's token, code and body hashes lower case).
#pragma once
#include <string>
#include <string_view>

namespace kiosk {

enum class HexCase { Upper, Lower };

std::string sha256_hex(std::string_view bytes, HexCase hex_case);

// HMAC-SHA256 (libsodium crypto_auth_hmacsha256) of `bytes` under `key` (any
// length; the keys here are 32 random bytes).
std::string hmac_sha256_hex(std::string_view key, std::string_view bytes, HexCase hex_case);

}  // namespace kiosk
