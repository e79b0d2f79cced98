// Issuing member cards, for admins who need cards to test and to print:
// an Ed25519 issuer key pair, and claims signed into the QR text
// (specs/member-card.md). The private key lives in a file only its owner
// can read: written 0600, and refused when group/world can read it.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "kiosk/card/member_card.hpp"
#include "kiosk/card/trust.hpp"
#include "kiosk/base/expected.hpp"

namespace kiosk::card {

struct IssuerKey {
  std::string kid;
  std::array<uint8_t, 32> seed{};  // the private part (RFC 8032 seed)
  PublicKey public_key{};
  std::string public_key_b64url() const;
};

// A fresh key from libsodium's CSPRNG. Error "bad_kid" if kid is not 1-64 chars.
Expected<IssuerKey> generate_issuer_key(std::string_view kid);
// The same seed always gives the same key (the spec's demo seed 0x11 * 32).
Expected<IssuerKey> issuer_key_from_seed(std::string_view kid, const std::array<uint8_t, 32>& seed);
Expected<IssuerKey> issuer_key_from_seed_hex(std::string_view kid, std::string_view seed_hex);

// Claims -> compact JWS. Refuses ("bad_claims") what a kiosk would call
// malformed. Unknown extra claims are not supported: the issuer writes only
// the spec's claims, in a fixed order (iss, sub, name, org?, role?, iat, exp).
Expected<std::string> issue_member_card(const MemberCardClaims& claims, const IssuerKey& key);

// Key file: JSON {"kid", "alg":"EdDSA", "seed_hex", "public_key_b64url"}.
// Written to a new file created 0600 (never over an existing one unless
// overwrite); the directory must exist.
Status write_issuer_key_file(const std::string& path, const IssuerKey& key, bool overwrite = false);
// Error "key_file_exposed" if the file is readable by group or others.
Expected<IssuerKey> read_issuer_key_file(const std::string& path);
// Public part only, for the kiosk config / content: {"kid": ..., "public_key_b64url": ...}
std::string public_key_json(const IssuerKey& key);

}  // namespace kiosk::card
