// The hub's own keys, kept outside hub.db in a key directory (default
// <data dir>/keys, 0700), one file each (0600), made at the first start:
//   box.key      the X25519 secret key (32 bytes) kiosks seal answers to
//                (crypto_box_seal); its public key is derived, and sent at
//                enrollment as box_public_key
//   at-rest.key  the XChaCha20-Poly1305 key (32 bytes) answers are stored under
//   hash.key     32 random bytes: the province's key for the keyed hash of
//                children's ID numbers (attendance.json), sent at enrollment
// A key file of the wrong size, not a regular file, or readable by anyone
// but its owner is refused (the hub does not start): never regenerated,
// which would lose every answer sealed or stored under the old key.
//
// Also here: the permissions the hub enforces on its data directory at
// every start (0700 directories, 0600 files), and the sealing of what is
// stored at rest.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/base/expected.hpp"

namespace kiosk::hub {

inline constexpr size_t kHubKeyBytes = 32;
using HubKey = std::array<unsigned char, kHubKeyBytes>;

struct HubKeys {
  HubKey box_public{}, box_secret{}, at_rest{}, hash{};
  HubKey body_hash{};  // derived from at_rest: the keyed hash of stored bodies
};

// "<data_dir>/keys" when key_dir is empty.
std::string key_dir_for(const std::string& data_dir, const std::string& key_dir);

// Loads the three key files from `key_dir`, making them (and the
// directory, 0700) when none is there; one missing beside the others is
// refused (KeyFileRead) like one of the wrong size. Errors: KeyFileExposed (mode wider than 0600, not a
// regular file, a directory others can enter), KeyFileRead (wrong size,
// unreadable), KeyFileWrite.
Expected<HubKeys> load_or_create_keys(const std::string& key_dir);

// 0700 on `dir` (made when absent) and every directory below it, 0600 on
// every file; symbolic links are neither followed nor changed. Errors name
// the path that could not be fixed.
Status secure_dir(const std::string& dir);

// Answers at rest: nonce (24 bytes) || XChaCha20-Poly1305 ciphertext, with
// additional data naming the row (kiosk id and request id) so that a
// ciphertext moved to another row does not open.
std::string seal_at_rest(const HubKeys& k, int64_t kiosk_id, std::string_view request_id,
                         std::string_view clear);
std::optional<std::string> open_at_rest(const HubKeys& k, int64_t kiosk_id,
                                        std::string_view request_id, std::string_view sealed);

// crypto_box_seal_open of a kiosk's sealed answers; nullopt when it does not open.
std::optional<std::string> open_sealed(const HubKeys& k, std::string_view sealed);

// Keyed hash (BLAKE2b under body_hash) of a stored body, lower-case hex:
// the idempotency check without a plain hash of personal data on disk.
std::string body_hash_hex(const HubKeys& k, std::string_view body);

// The keyed hash of a child's ID number for attendance.json (kiosk/domain/id_hash.hpp):
// HMAC-SHA256 under hash.key over the normalised 18-character number
// (upper-case X), upper-case hex. nullopt when `id_number` is not 18
// characters of 17 digits and a digit or X once normalised.
std::optional<std::string> child_id_hash(const HubKey& hash_key, std::string_view id_number);

}  // namespace kiosk::hub
