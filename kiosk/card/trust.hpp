// The issuer keys and revoked member numbers a kiosk trusts when it checks
// a member card (specs/member-card.md "Trust"): from the content bundle the
// hub pushed (or the embedded one) plus the install's configuration.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/install/config.hpp"
#include "kiosk/domain/content.hpp"
#include "kiosk/base/expected.hpp"

namespace kiosk::card {

using PublicKey = std::array<uint8_t, 32>;  // Ed25519

class TrustStore {
 public:
  // A kid of 1-64 characters and a base64url 32-byte key; otherwise an Error
  // (code "bad_trusted_key") and the store is unchanged. A second key under
  // the same kid replaces the first (the later source wins: config over content).
  Status add_key(std::string_view kid, std::string_view public_key_b64url);
  void add_key(std::string_view kid, const PublicKey& key);
  void revoke(std::string_view sub);

  const PublicKey* key(std::string_view kid) const;  // null: unknown issuer
  bool is_revoked(std::string_view sub) const;
  size_t key_count() const { return keys_.size(); }
  size_t revoked_count() const { return revoked_.size(); }
  std::vector<std::string> kids() const;

  // Keys that could not be used (bad length, bad base64url), one line each,
  // naming the kid: shown by `union-kiosk card verify` and logged.
  const std::vector<std::string>& problems() const { return problems_; }

  // Kids of demo keys that were left out because the kiosk is not in demo
  // mode (ContentBundle's TrustedKey::demo).
  const std::vector<std::string>& skipped_demo_kids() const { return skipped_demo_; }

  // Content first, then the config's extra keys and revocations on top. A key
  // marked demo is trusted only when `demo` says so (demo mode).
  enum class Demo { Refused, Trusted };
  static TrustStore from(const ContentBundle& content, Demo demo);
  static TrustStore from(const ContentBundle& content, const KioskConfig& config, Demo demo);

 private:
  std::map<std::string, PublicKey, std::less<>> keys_;
  std::set<std::string, std::less<>> revoked_;
  std::vector<std::string> problems_;
  std::vector<std::string> skipped_demo_;
};

}  // namespace kiosk::card
