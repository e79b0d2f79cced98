// Answers at rest: libsodium sealed boxes (crypto_box_seal, X25519 +
// XSalsa20-Poly1305). The kiosk seals with a public key only; it cannot open
// what it sealed to the hub. Before enrollment it seals to a key pair of its
// own (data-dir/local-box.key), re-sealed to the hub's key once known.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace kiosk {

inline constexpr size_t kBoxKeyBytes = 32;  // X25519 public and secret keys

struct BoxKeyPair {
  std::string public_key;  // 32 bytes
  std::string secret_key;  // 32 bytes
  bool valid() const { return public_key.size() == kBoxKeyBytes && secret_key.size() == kBoxKeyBytes; }
};

// A fresh pair from the CSPRNG; nullopt only if libsodium cannot start.
std::optional<BoxKeyPair> make_box_keypair();
// The pair of a 32-byte secret key (its public key computed), nullopt otherwise.
std::optional<BoxKeyPair> box_keypair_from_secret(std::string_view secret_key);

// The sealed box of `plain` for `public_key` (48 bytes longer); nullopt for a
// key that is not 32 bytes or one libsodium refuses.
std::optional<std::string> seal_box(std::string_view public_key, std::string_view plain);
// The plain text, nullopt when the box was not sealed to this pair or was altered.
std::optional<std::string> open_box(const BoxKeyPair& keys, std::string_view sealed);

}  // namespace kiosk
