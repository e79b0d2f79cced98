#include "kiosk/card/trust.hpp"

#include <cstring>

#include "kiosk/base/base64url.hpp"
#include "kiosk/card/member_card.hpp"
#include "kiosk/base/strings.hpp"

namespace kiosk::card {

Status TrustStore::add_key(std::string_view kid, std::string_view public_key_b64url) {
  auto fail = [&](const char* why) -> Status {
    std::string line = "trusted key '" + std::string(kid) + "': " + why;
    problems_.push_back(line);
    return Error{ErrorKind::BadTrustedKey, tr("card.trust.bad_key"), "trusted_keys", line};
  };
  if (!is_valid_kid(kid)) return fail("kid is not 1-64 characters");
  auto bytes = base64url_decode(public_key_b64url);
  if (!bytes) return fail("not base64url");
  if (bytes->size() != 32) return fail("not 32 bytes");
  PublicKey k;
  std::memcpy(k.data(), bytes->data(), 32);
  add_key(kid, k);
  return ok_status();
}

void TrustStore::add_key(std::string_view kid, const PublicKey& key) {
  keys_.insert_or_assign(std::string(kid), key);
}

void TrustStore::revoke(std::string_view sub) { revoked_.emplace(sub); }

const PublicKey* TrustStore::key(std::string_view kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

bool TrustStore::is_revoked(std::string_view sub) const { return revoked_.find(sub) != revoked_.end(); }

std::vector<std::string> TrustStore::kids() const {
  std::vector<std::string> r;
  for (const auto& [k, v] : keys_) r.push_back(k);
  return r;
}

TrustStore TrustStore::from(const ContentBundle& content, Demo demo) {
  TrustStore t;
  for (const auto& k : content.trusted_keys) {
    if (k.demo && demo != Demo::Trusted) {
      t.skipped_demo_.push_back(k.kid);
      continue;
    }
    (void)t.add_key(k.kid, k.public_key_b64url);
  }
  for (const auto& s : content.revoked_members) t.revoke(s);
  return t;
}

TrustStore TrustStore::from(const ContentBundle& content, const KioskConfig& config, Demo demo) {
  TrustStore t = from(content, demo);
  // An installer's own keys: never demo keys (config.json has no such flag).
  for (const auto& k : config.extra_trusted_keys) (void)t.add_key(k.kid, k.public_key_b64url);
  for (const auto& s : config.extra_revoked_members) t.revoke(s);
  return t;
}

}  // namespace kiosk::card
