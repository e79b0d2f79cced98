// Offline verification of the union member card QR code, exactly as
// specs/member-card.md orders it: JWS compact, EdDSA (Ed25519, libsodium),
// 300 s leeway. Pure function of (text, trust, time): never throws, never
// blocks, whatever the text holds (fuzzed: tests/card/fuzz/).
//
//   auto check = kiosk::card::verify_member_card(text, trust, now_unix);
//   if (check.valid()) fill_in(*check.identity);        // only then
//   else show(kiosk::card::verdict_message(check.verdict));
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/card/trust.hpp"
#include "kiosk/domain/member.hpp"
#include "kiosk/base/text.hpp"

namespace kiosk::card {

inline constexpr int64_t kCardLeewaySeconds = 300;
inline constexpr size_t kMaxCardTextBytes = 1024;
// Spec 1.1: exp - iat of more than 10 years (of 365.25 days) is malformed.
inline constexpr int64_t kMaxCardLifetimeSeconds = 315576000;

// In the spec's check order (first that applies wins).
enum class CardVerdict {
  Valid,
  NotACard,       // not three base64url segments: some other QR code
  Malformed,      // too long, bad JSON, missing/ill-typed field, alg != EdDSA, typ != gh-member
  UnknownIssuer,  // kid not trusted here
  BadSignature,
  Expired,        // exp < now - leeway
  NotYetValid,    // iat > now + leeway
  Revoked,        // sub on the revocation list
};

// "valid", "not_a_card", "malformed", "unknown_issuer", "bad_signature",
// "expired", "not_yet_valid", "revoked" (the spec's words; --json output).
std::string_view verdict_code(CardVerdict v);
std::optional<CardVerdict> verdict_from_code(std::string_view code);
// Plain words for the worker, both languages (assets/strings/card.json,
// key "card.verdict.<code>").
const Text& verdict_message(CardVerdict v);

struct CardHeader {
  std::string alg;
  std::string kid;
  std::string typ;
};

struct MemberCardClaims {
  std::string iss;
  std::string sub;   // member number, 6-32 of [0-9A-Z-]
  std::string name;  // 1-32 Unicode characters
  std::string org;   // optional, <= 64 characters; empty when absent
  std::string role = "member";  // "member" (default) or "staff"
  int64_t iat = 0;
  int64_t exp = 0;
};

struct CardCheck {
  CardVerdict verdict = CardVerdict::NotACard;
  // Set ONLY when verdict == Valid: the one thing a form may be filled from.
  std::optional<MemberIdentity> identity;
  // What the card claims, once it parsed (verdict UnknownIssuer or later):
  // for the technician's `card verify` output only, never to fill a form.
  std::optional<CardHeader> header;
  std::optional<MemberCardClaims> claims;
  // Why a Malformed card is malformed ("claims.sub: bad characters"): for
  // logs and the CLI; names fields, never their values.
  std::string detail;

  bool valid() const { return verdict == CardVerdict::Valid; }
};

CardCheck verify_member_card(std::string_view qr_text, const TrustStore& trust, int64_t now_unix);

// Step 1 of the spec alone: three base64url segments separated by dots.
// Lets a scanner tell a card from a ticket or a URL without verifying it.
bool looks_like_member_card(std::string_view qr_text);

// Field rules of the spec, shared with the issuer (which refuses to sign
// what a kiosk would call malformed). Empty string: fine; else the reason.
std::string check_claims(const MemberCardClaims& c);
bool is_valid_member_number(std::string_view sub);
bool is_valid_kid(std::string_view kid);

MemberIdentity identity_of(const MemberCardClaims& c);

}  // namespace kiosk::card
