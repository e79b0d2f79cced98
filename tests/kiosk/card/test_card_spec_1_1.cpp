// Spec 1.1's stricter `malformed` (check 2): duplicate keys in the header or
// the claims, a `crit` header, iat after exp, a lifetime over 10 years, and
// control or format characters in name or org. Each is signed with a good key,
// so only check 2 can refuse it; and a card made right under 1.0 stays valid.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>

#include "kiosk/base/base64url.hpp"
#include "kiosk/card/issue.hpp"
#include "kiosk/card/member_card.hpp"

using namespace kiosk::card;
using kiosk::base64url_encode;
std::string test_sign(const IssuerKey& key, const std::string& input);  // sign_helper.cpp

namespace {

constexpr int64_t kNow = 1795000000;  // the spec's vectors' now
const std::string H = R"({"alg":"EdDSA","kid":"demo-2026","typ":"gh-member"})";

IssuerKey demo_key() {
  auto k = issuer_key_from_seed_hex("demo-2026", std::string(64, '1'));
  REQUIRE(k.ok());
  return *k;
}

TrustStore trust() {
  TrustStore t;
  t.add_key("demo-2026", demo_key().public_key);
  return t;
}

CardCheck verify(const std::string& header, const std::string& claims) {
  const std::string input = base64url_encode(header) + "." + base64url_encode(claims);
  return verify_member_card(input + "." + test_sign(demo_key(), input), trust(), kNow);
}

std::string claims(const std::string& name, const std::string& extra = "", int64_t iat = 1792408000,
                   int64_t exp = 1826536000) {
  return R"({"iss":"CN-22-01","sub":"22010012345","name":")" + name + R"(","iat":)" + std::to_string(iat) +
         R"(,"exp":)" + std::to_string(exp) + extra + "}";
}

}  // namespace

TEST_CASE("a card made right under 1.0 is still valid") {
  CHECK(verify(H, claims("张伟")).verdict == CardVerdict::Valid);
  CHECK(verify(H, claims("张伟", R"(,"org":"长春市第一机床厂工会","role":"staff")")).verdict == CardVerdict::Valid);
  // Exactly 10 years is allowed; one second more is not.
  CHECK(verify(H, claims("张伟", "", 1792408000, 1792408000 + 315576000)).verdict == CardVerdict::Valid);
}

TEST_CASE("1.1: a key twice in the header or the claims is malformed") {
  auto h2 = verify(R"({"alg":"EdDSA","kid":"demo-2026","typ":"gh-member","kid":"demo-2026"})", claims("张伟"));
  CHECK(h2.verdict == CardVerdict::Malformed);
  CHECK(h2.detail.find("header") != std::string::npos);
  // The second name would win in a lax parser: the worker must never see it.
  auto c2 = verify(H, claims("张伟", R"(,"name":"李娜")"));
  CHECK(c2.verdict == CardVerdict::Malformed);
  CHECK_FALSE(c2.identity.has_value());
  CHECK(verify(H, claims("张伟", R"(,"sub":"22010099999")")).verdict == CardVerdict::Malformed);
  // A repeated key inside an unknown claim is a key twice in the claims too.
  CHECK(verify(H, claims("张伟", R"(,"x":{"a":1,"a":2})")).verdict == CardVerdict::Malformed);
  // The same key in two different objects is not a duplicate.
  CHECK(verify(H, claims("张伟", R"(,"x":{"name":1},"y":{"name":2})")).verdict == CardVerdict::Valid);
}

TEST_CASE("1.1: a crit header is malformed") {
  CHECK(verify(R"({"alg":"EdDSA","kid":"demo-2026","typ":"gh-member","crit":["exp"]})", claims("张伟")).verdict ==
        CardVerdict::Malformed);
  CHECK(verify(R"({"alg":"EdDSA","kid":"demo-2026","typ":"gh-member","crit":[]})", claims("张伟")).verdict ==
        CardVerdict::Malformed);
}

TEST_CASE("1.1: iat after exp, and a lifetime over 10 years, are malformed") {
  CHECK(verify(H, claims("张伟", "", 1826536000, 1792408000)).verdict == CardVerdict::Malformed);
  CHECK(verify(H, claims("张伟", "", 1792408000, 1792408000 + 315576001)).verdict == CardVerdict::Malformed);
  // Far apart extremes cannot overflow into "valid".
  CHECK(verify(H, claims("张伟", "", INT64_MIN, INT64_MAX)).verdict == CardVerdict::Malformed);
  // Malformed comes before expired (check 2 before check 5).
  CHECK(verify(H, claims("张伟", "", 1700000000, 1600000000)).verdict == CardVerdict::Malformed);
}

TEST_CASE("1.1: control or format characters in name or org are malformed") {
  const char* bad[] = {
      "\\u0000", "\\u0007", "\\n", "\\u001b[31m", "\\u007f", "\\u0085",  // Cc
      "\\u00ad", "\\u200b", "\\u200d", "\\u200e", "\\u202e", "\\u2066",  // Cf
      "\\ufeff", "\\u061c", "\\udb40\\udc01",                          // Cf (U+E0001, a tag)
  };
  for (const char* c : bad) {
    CAPTURE(c);
    CHECK(verify(H, claims(std::string("张") + c + "伟")).verdict == CardVerdict::Malformed);
    CHECK(verify(H, claims("张伟", std::string(R"(,"org":"工会)") + c + "\"")).verdict == CardVerdict::Malformed);
  }
  // Ordinary punctuation and ideographs stay fine: a middle dot in a name,
  // full-width brackets in a union's name.
  CHECK(verify(H, claims("阿依古丽·买买提")).verdict == CardVerdict::Valid);
  CHECK(verify(H, claims("张伟", R"(,"org":"长春市（第一）机床厂工会")")).verdict == CardVerdict::Valid);
}

TEST_CASE("the issuer refuses to make what the verifier calls malformed") {
  MemberCardClaims c;
  c.iss = "CN-22-01";
  c.sub = "22010012345";
  c.name = "张\xE2\x80\x8B伟";  // U+200B zero-width space
  c.iat = 1792408000;
  c.exp = 1826536000;
  CHECK(!check_claims(c).empty());
  c.name = "张伟";
  c.exp = c.iat + 315576001;
  CHECK(!check_claims(c).empty());
}
