// Keyed hashes of ID numbers: never the number itself, never a hash anyone
// can recompute from a guess without the key.
//
// A child's ID number in attendance.json is HMAC-SHA256 under the province's
// hash key (the hub's hash.key, given to each kiosk at enrollment and never
// carried in content) over the normalised number, as 64 upper-case hex
// digits. The hub writes the file (`union-hub attendance hash`); the kiosk
// and the hub's form check compare against it with the same function.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace kiosk {

// 18 characters, full-width folded, trimmed, upper-case X, check character
// verified; nullopt for anything else.
std::optional<std::string> normalize_id_number(std::string_view id_number);

// HMAC-SHA256(key, normalised number) as upper-case hex; nullopt when the
// number is not valid or the key is empty.
std::optional<std::string> child_id_hash(std::string_view key, std::string_view id_number);

// The key the built-in (demo) attendance.json is hashed under. It is public,
// like the demo card key, and is used only in demo mode on a kiosk that has
// no hash.key: the demo's children are made up.
extern const std::string_view kDemoIdHashKey;

}  // namespace kiosk
