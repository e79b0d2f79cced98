#include "kiosk/base/hash.hpp"

#include <sodium.h>

namespace kiosk {

std::string sha256_hex(std::string_view bytes, HexCase hex_case) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  const char* hex = hex_case == HexCase::Upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (unsigned char b : digest) {
    out += hex[b >> 4];
    out += hex[b & 0xF];
  }
  return out;
}

}  // namespace kiosk
