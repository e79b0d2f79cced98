// Signs arbitrary bytes with an issuer key: lets tests build tokens the
// issuer itself refuses to make (malformed claims with a good signature).
#include <sodium.h>

#include "kiosk/base/base64url.hpp"
#include "kiosk/card/issue.hpp"

std::string test_sign(const kiosk::card::IssuerKey& key, const std::string& input) {
  if (sodium_init() < 0) return {};
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
  crypto_sign_seed_keypair(pk, sk, key.seed.data());
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()), input.size(), sk);
  return kiosk::base64url_encode(sig, sizeof sig);
}
