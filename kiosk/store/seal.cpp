// See seal.hpp.
#include "kiosk/store/seal.hpp"

#include <sodium.h>

#include <vector>

namespace kiosk {

namespace {

bool sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

std::optional<BoxKeyPair> make_box_keypair() {
  if (!sodium_ready()) return std::nullopt;
  BoxKeyPair k;
  k.public_key.resize(crypto_box_PUBLICKEYBYTES);
  k.secret_key.resize(crypto_box_SECRETKEYBYTES);
  if (crypto_box_keypair(reinterpret_cast<unsigned char*>(k.public_key.data()),
                         reinterpret_cast<unsigned char*>(k.secret_key.data())) != 0)
    return std::nullopt;
  return k;
}

std::optional<BoxKeyPair> box_keypair_from_secret(std::string_view secret_key) {
  if (!sodium_ready() || secret_key.size() != crypto_box_SECRETKEYBYTES) return std::nullopt;
  BoxKeyPair k;
  k.secret_key = std::string(secret_key);
  k.public_key.resize(crypto_box_PUBLICKEYBYTES);
  if (crypto_scalarmult_base(reinterpret_cast<unsigned char*>(k.public_key.data()), bytes(secret_key)) != 0)
    return std::nullopt;
  return k;
}

std::optional<std::string> seal_box(std::string_view public_key, std::string_view plain) {
  if (!sodium_ready() || public_key.size() != crypto_box_PUBLICKEYBYTES) return std::nullopt;
  std::string out(plain.size() + crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal(reinterpret_cast<unsigned char*>(out.data()), bytes(plain), plain.size(),
                      bytes(public_key)) != 0)
    return std::nullopt;
  return out;
}

std::optional<std::string> open_box(const BoxKeyPair& keys, std::string_view sealed) {
  if (!sodium_ready() || !keys.valid() || sealed.size() < crypto_box_SEALBYTES) return std::nullopt;
  std::string out(sealed.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(out.data()), bytes(sealed), sealed.size(),
                           bytes(keys.public_key), bytes(keys.secret_key)) != 0) {
    sodium_memzero(out.data(), out.size());
    return std::nullopt;
  }
  return out;
}

}  // namespace kiosk
