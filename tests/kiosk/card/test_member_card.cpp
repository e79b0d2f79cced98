// Every case of specs/member-card-vectors.json through the library, plus
// the spec's edges the vectors leave out (order, leeway bounds, ranges).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "kiosk/base/base64url.hpp"
#include "kiosk/card/issue.hpp"
#include "kiosk/card/member_card.hpp"

using namespace kiosk::card;
using kiosk::base64url_decode;
using kiosk::base64url_encode;
std::string test_sign(const IssuerKey& key, const std::string& input);  // sign_helper.cpp
using json = nlohmann::json;

namespace {

json vectors() {
  std::ifstream f(KIOSK_TEST_DATA "/specs/member-card-vectors.json");
  REQUIRE(f.good());
  return json::parse(f);
}

TrustStore vector_trust(const json& v) {
  TrustStore t;
  for (auto& [kid, key] : v["trusted_keys"].items()) REQUIRE(t.add_key(kid, key.get<std::string>()).ok());
  for (auto& s : v["revoked"]) t.revoke(s.get<std::string>());
  return t;
}

IssuerKey demo_key() {
  auto k = issuer_key_from_seed_hex("demo-2026", std::string(64, '1'));
  REQUIRE(k.ok());
  return *k;
}

MemberCardClaims claims(int64_t iat, int64_t exp) {
  MemberCardClaims c;
  c.iss = "CN-22-01";
  c.sub = "22010012345";
  c.name = "张伟";
  c.org = "长春市第一机床厂工会";
  c.iat = iat;
  c.exp = exp;
  return c;
}

// A token with arbitrary header/claims JSON, signed with the demo key.
std::string signed_token(const std::string& header_json, const std::string& claims_json);

}  // namespace

TEST_CASE("base64url round trip and strictness") {
  for (std::string s : {std::string(""), std::string("f"), std::string("fo"), std::string("foo"), std::string("foob"), std::string("fooba"), std::string("foobar"), std::string("\xff\xfe\x00\x01", 4)})
    CHECK(base64url_decode(base64url_encode(s)) == s);
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  CHECK_FALSE(base64url_decode("ab=").has_value());
  CHECK_FALSE(base64url_decode("a+b/").has_value());
  CHECK_FALSE(base64url_decode("a").has_value());     // 1 mod 4
  CHECK_FALSE(base64url_decode("-_9").has_value());   // non-zero trailing bits
}

TEST_CASE("every vector gives its verdict at its now") {
  auto v = vectors();
  auto trust = vector_trust(v);
  int64_t now = v["now"].get<int64_t>();
  CHECK(v["leeway_s"].get<int64_t>() == kCardLeewaySeconds);
  int n = 0;
  for (auto& c : v["cases"]) {
    CAPTURE(c["what"].get<std::string>());
    auto check = verify_member_card(c["qr_text"].get<std::string>(), trust, now);
    CHECK(verdict_code(check.verdict) == c["verdict"].get<std::string>());
    CHECK(check.identity.has_value() == check.valid());
    ++n;
  }
  CHECK(n == 14);
}

TEST_CASE("valid cards fill in name, number, union, staff is recognised") {
  auto v = vectors();
  auto trust = vector_trust(v);
  int64_t now = v["now"].get<int64_t>();
  auto member = verify_member_card(v["cases"][0]["qr_text"].get<std::string>(), trust, now);
  REQUIRE(member.valid());
  CHECK(member.identity->name == "张伟");
  CHECK(member.identity->sub == "22010012345");
  CHECK(member.identity->iss == "CN-22-01");
  CHECK(member.identity->org == "长春市第一机床厂工会");
  CHECK(member.identity->role == "member");
  CHECK_FALSE(member.identity->is_staff());
  auto staff = verify_member_card(v["cases"][1]["qr_text"].get<std::string>(), trust, now);
  REQUIRE(staff.valid());
  CHECK(staff.identity->is_staff());
  CHECK(staff.identity->sub == "STAFF-0007");
}

TEST_CASE("verdicts other than valid fill in nothing") {
  auto v = vectors();
  auto trust = vector_trust(v);
  for (auto& c : v["cases"]) {
    auto check = verify_member_card(c["qr_text"].get<std::string>(), trust, v["now"].get<int64_t>());
    if (!check.valid()) CHECK_FALSE(check.identity.has_value());
  }
}

TEST_CASE("every verdict has a message in both languages") {
  for (int i = 0; i <= static_cast<int>(CardVerdict::Revoked); ++i) {
    auto verdict = static_cast<CardVerdict>(i);
    const auto& m = verdict_message(verdict);
    CAPTURE(verdict_code(verdict));
    CHECK(m.complete());
    CHECK(m.en.find("card.verdict") == std::string::npos);
    CHECK(verdict_from_code(verdict_code(verdict)) == verdict);
  }
  CHECK(verdict_message(CardVerdict::Expired).en.find("renew at the service desk") != std::string::npos);
  CHECK(verdict_message(CardVerdict::UnknownIssuer).en.find("cannot be verified here") != std::string::npos);
  CHECK(verdict_message(CardVerdict::BadSignature).en.find("cannot be verified here") != std::string::npos);
}

TEST_CASE("leeway is exactly 300 s on both sides") {
  auto key = demo_key();
  TrustStore t;
  t.add_key(key.kid, key.public_key);
  int64_t now = 1795000000;
  auto at = [&](int64_t iat, int64_t exp) {
    auto tok = issue_member_card(claims(iat, exp), key);
    REQUIRE(tok.ok());
    return verify_member_card(*tok, t, now).verdict;
  };
  CHECK(at(now - 1000, now - 300) == CardVerdict::Valid);       // exp == now - leeway
  CHECK(at(now - 1000, now - 301) == CardVerdict::Expired);
  CHECK(at(now + 300, now + 9999) == CardVerdict::Valid);       // iat == now + leeway
  CHECK(at(now + 301, now + 9999) == CardVerdict::NotYetValid);
  // A card both expired and not yet valid needs iat after exp, which spec 1.1
  // makes malformed (test_card_spec_1_1): the issuer will not make one.
  CHECK_FALSE(issue_member_card(claims(now + 1000, now - 1000), key).ok());
}

TEST_CASE("checks run in the spec's order") {
  auto v = vectors();
  auto trust = vector_trust(v);
  int64_t now = v["now"].get<int64_t>();
  std::string good = v["cases"][0]["qr_text"].get<std::string>();
  SUBCASE("over 1024 bytes is malformed before anything else") {
    CHECK(verify_member_card(std::string(1025, 'a'), trust, now).verdict == CardVerdict::Malformed);
    CHECK(verify_member_card(std::string(1024, 'a'), trust, now).verdict == CardVerdict::NotACard);
    std::string padded = good + "." + std::string(1100, 'A');
    CHECK(verify_member_card(padded, trust, now).verdict == CardVerdict::Malformed);
  }
  SUBCASE("segments") {
    CHECK(verify_member_card("", trust, now).verdict == CardVerdict::NotACard);
    CHECK(verify_member_card("a.b", trust, now).verdict == CardVerdict::NotACard);
    CHECK(verify_member_card("a.b.c.d", trust, now).verdict == CardVerdict::NotACard);
    CHECK(verify_member_card("..", trust, now).verdict == CardVerdict::NotACard);
    CHECK(verify_member_card(good + "\n", trust, now).verdict == CardVerdict::NotACard);
    CHECK(verify_member_card("abcd.efgh.ijkl", trust, now).verdict == CardVerdict::Malformed);
  }
  SUBCASE("unknown issuer comes before a bad signature") {
    TrustStore other;
    CHECK(verify_member_card(good, other, now).verdict == CardVerdict::UnknownIssuer);
  }
  SUBCASE("bad signature comes before expiry") {
    auto tok = v["cases"][2]["qr_text"].get<std::string>();  // expired
    tok.back() = tok.back() == 'A' ? 'Q' : 'A';
    auto r = verify_member_card(tok, trust, now).verdict;
    CHECK(r == CardVerdict::BadSignature);
  }
  SUBCASE("revocation comes after the time checks") {
    auto key = demo_key();
    auto c = claims(now - 10000, now - 5000);
    c.sub = "22010099999";
    auto tok = issue_member_card(c, key);
    REQUIRE(tok.ok());
    CHECK(verify_member_card(*tok, trust, now).verdict == CardVerdict::Expired);
  }
}

namespace {
std::string signed_token(const std::string& header_json, const std::string& claims_json) {
  // Signed through the issuer's primitive: sign the exact bytes given.
  auto key = demo_key();
  std::string input = base64url_encode(header_json) + "." + base64url_encode(claims_json);
  // issue_member_card() refuses malformed claims, so sign by hand here.
  return input + "." + test_sign(key, input);
}
}  // namespace

TEST_CASE("field types and ranges are malformed, whatever the signature") {
  auto v = vectors();
  auto trust = vector_trust(v);
  int64_t now = v["now"].get<int64_t>();
  const std::string H = R"({"alg":"EdDSA","kid":"demo-2026","typ":"gh-member"})";
  auto with = [&](const std::string& h, const std::string& c) {
    return verify_member_card(signed_token(h, c), trust, now);
  };
  auto C = [](const std::string& extra_or_replace) {
    return std::string(R"({"iss":"CN-22-01","sub":"22010012345","name":"张伟","iat":1792408000,"exp":1826536000)") +
           extra_or_replace + "}";
  };
  CHECK(with(H, C("")).verdict == CardVerdict::Valid);
  CHECK(with(H, C(R"(,"foo":[1,2,{"x":null}])")).verdict == CardVerdict::Valid);  // unknown claims ignored
  CHECK(with(H, C(R"(,"role":"staff")")).identity->is_staff());
  CHECK(with(H, C(R"(,"role":"admin")")).verdict == CardVerdict::Malformed);
  CHECK(with(H, C(R"(,"role":7)")).verdict == CardVerdict::Malformed);
  CHECK(with(H, C(R"(,"org":")" + std::string(65, 'x') + "\"")).verdict == CardVerdict::Malformed);
  CHECK(with(H, C(R"(,"org":")" + std::string(64, 'x') + "\"")).verdict == CardVerdict::Valid);
  CHECK(with(H, C(R"(,"org":null)")).verdict == CardVerdict::Malformed);
  // iat/exp must be integers
  CHECK(with(H, R"({"iss":"CN-22-01","sub":"22010012345","name":"张伟","iat":1792408000.5,"exp":1826536000})").verdict == CardVerdict::Malformed);
  CHECK(with(H, R"({"iss":"CN-22-01","sub":"22010012345","name":"张伟","iat":"1792408000","exp":1826536000})").verdict == CardVerdict::Malformed);
  CHECK(with(H, R"({"iss":"CN-22-01","sub":"22010012345","name":"张伟","iat":1792408000,"exp":18446744073709551615})").verdict == CardVerdict::Malformed);
  // sub: 6-32 of [0-9A-Z-]
  CHECK(with(H, R"({"iss":"CN-22-01","sub":"12345","name":"张伟","iat":1792408000,"exp":1826536000})").verdict == CardVerdict::Malformed);
  CHECK(with(H, R"({"iss":"CN-22-01","sub":"220100a2345","name":"张伟","iat":1792408000,"exp":1826536000})").verdict == CardVerdict::Malformed);
  CHECK(with(H, R"({"iss":"CN-22-01","sub":")" + std::string(33, '1') + R"(","name":"张伟","iat":1792408000,"exp":1826536000})").verdict == CardVerdict::Malformed);
  CHECK(with(H, R"({"iss":"CN-22-01","sub":")" + std::string(32, '1') + R"(","name":"张伟","iat":1792408000,"exp":1826536000})").verdict == CardVerdict::Valid);
  // name: 1-32 characters (Unicode, not bytes: 32 CJK characters are 96 bytes)
  std::string cjk32;
  for (int i = 0; i < 32; ++i) cjk32 += "张";
  CHECK(with(H, R"({"iss":"CN-22-01","sub":"22010012345","name":")" + cjk32 + R"(","iat":1792408000,"exp":1826536000})").verdict == CardVerdict::Valid);
  CHECK(with(H, R"({"iss":"CN-22-01","sub":"22010012345","name":")" + cjk32 + R"(张","iat":1792408000,"exp":1826536000})").verdict == CardVerdict::Malformed);
  CHECK(with(H, R"({"iss":"CN-22-01","sub":"22010012345","name":"","iat":1792408000,"exp":1826536000})").verdict == CardVerdict::Malformed);
  CHECK(with(H, R"({"iss":7,"sub":"22010012345","name":"张伟","iat":1792408000,"exp":1826536000})").verdict == CardVerdict::Malformed);
  // header
  CHECK(with(R"({"alg":"EdDSA","kid":"demo-2026"})", C("")).verdict == CardVerdict::Malformed);
  CHECK(with(R"({"alg":"none","kid":"demo-2026","typ":"gh-member"})", C("")).verdict == CardVerdict::Malformed);
  CHECK(with(R"({"alg":"EdDSA","kid":"","typ":"gh-member"})", C("")).verdict == CardVerdict::Malformed);
  CHECK(with(R"({"alg":"EdDSA","kid":")" + std::string(65, 'k') + R"(","typ":"gh-member"})", C("")).verdict == CardVerdict::Malformed);
  CHECK(with(R"({"alg":"EdDSA","kid":")" + std::string(64, 'k') + R"(","typ":"gh-member"})", C("")).verdict == CardVerdict::UnknownIssuer);
  CHECK(with(R"(["alg","EdDSA"])", C("")).verdict == CardVerdict::Malformed);
  CHECK(with(H, "[]").verdict == CardVerdict::Malformed);
  CHECK(with(H, "{not json").verdict == CardVerdict::Malformed);
  // the detail names the field, never its value
  auto bad = with(H, R"({"iss":"CN-22-01","sub":"22010012345","name":"","iat":1792408000,"exp":1826536000})");
  CHECK(bad.detail.find("name") != std::string::npos);
}

TEST_CASE("a signature of the wrong length is a bad signature, not a crash") {
  auto v = vectors();
  auto trust = vector_trust(v);
  std::string good = v["cases"][0]["qr_text"].get<std::string>();
  std::string cut = good.substr(0, good.rfind('.') + 1) + "AAAA";
  CHECK(verify_member_card(cut, trust, v["now"].get<int64_t>()).verdict == CardVerdict::BadSignature);
}
