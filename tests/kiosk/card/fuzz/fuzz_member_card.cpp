// libFuzzer target for the member-card parser and verifier: no input may
// crash, hang or break the verdict's promises. Built with Debian's clang by
// run_fuzz.sh (ctest: test_card_fuzz), seeded from the spec's vectors.
//
// The first byte picks what the rest is:
//   0..127   the QR text itself
//   128..191 header JSON \x00 claims JSON \x00 signature bytes: encoded as a
//            JWS, so the JSON and field checks are reached directly
//   192..255 as above, but signed with the demo key, so the time and
//            revocation checks behind the signature are reached too
#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kiosk/base/base64url.hpp"
#include "kiosk/card/member_card.hpp"

using namespace kiosk::card;
using kiosk::base64url_decode;
using kiosk::base64url_encode;

namespace {

struct Fixture {
  TrustStore trust;
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  Fixture() {
    if (sodium_init() < 0) std::abort();
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], seed[32];
    for (auto& b : seed) b = 0x11;  // the spec's demo seed
    crypto_sign_seed_keypair(pk, sk, seed);
    PublicKey k;
    std::copy(pk, pk + 32, k.begin());
    trust.add_key("demo-2026", k);
    trust.revoke("22010099999");
  }
};

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fx;
  if (size == 0) return 0;
  const int64_t now = 1795000000;
  uint8_t mode = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string text;
  if (mode < 128) {
    text = std::string(rest);
  } else {
    auto a = rest.find('\0');
    auto b = a == std::string_view::npos ? a : rest.find('\0', a + 1);
    std::string_view h = rest.substr(0, a);
    std::string_view c = a == std::string_view::npos ? std::string_view{} : rest.substr(a + 1, b == std::string_view::npos ? b : b - a - 1);
    std::string_view s = b == std::string_view::npos ? std::string_view{} : rest.substr(b + 1);
    text = base64url_encode(h) + "." + base64url_encode(c);
    if (mode >= 192) {
      unsigned char sig[crypto_sign_BYTES];
      crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(text.data()), text.size(), fx.sk);
      text += "." + base64url_encode(sig, sizeof sig);
    } else {
      text += "." + base64url_encode(s);
    }
  }
  CardCheck r = verify_member_card(text, fx.trust, now);
  // The promises the kiosk relies on, whatever the input:
  check(r.identity.has_value() == (r.verdict == CardVerdict::Valid));
  check(!verdict_code(r.verdict).empty());
  if (text.size() > kMaxCardTextBytes) check(r.verdict == CardVerdict::Malformed);
  if (r.verdict == CardVerdict::NotACard) check(!looks_like_member_card(text));
  if (r.valid()) {
    check(r.claims && check_claims(*r.claims).empty());
    check(r.header && r.header->alg == "EdDSA" && r.header->typ == "gh-member");
    check(r.claims->exp >= now - kCardLeewaySeconds && r.claims->iat <= now + kCardLeewaySeconds);
    check(!fx.trust.is_revoked(r.identity->sub));
  }
  // base64url: what decodes re-encodes to the same text (one spelling).
  if (auto d = base64url_decode(rest)) check(base64url_encode(*d) == rest);
  return 0;
}
