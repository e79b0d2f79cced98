#include "kiosk/card/member_card.hpp"

#include <sodium.h>

#include <array>
#include <nlohmann/json.hpp>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/json_limited.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/base/utf8.hpp"

namespace kiosk::card {
namespace {

using json = nlohmann::json;

constexpr std::array<std::string_view, 8> kCodes = {
    "valid", "not_a_card", "malformed", "unknown_issuer",
    "bad_signature", "expired", "not_yet_valid", "revoked"};

// Code points of a claim (nlohmann has already rejected invalid UTF-8, so
// the lenient decoder drops nothing here).
size_t code_points(std::string_view s) { return utf8_decode_lenient(s).size(); }

// Unicode general category Cc (controls) or Cf (format: soft hyphen,
// zero-width and bidirectional marks, BOM, tags, ...), as of Unicode 15.
bool is_control_or_format(char32_t c) {
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return true;  // Cc
  static constexpr std::pair<char32_t, char32_t> kCf[] = {
      {0x00AD, 0x00AD}, {0x0600, 0x0605}, {0x061C, 0x061C}, {0x06DD, 0x06DD},
      {0x070F, 0x070F}, {0x0890, 0x0891}, {0x08E2, 0x08E2}, {0x180E, 0x180E},
      {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x2066, 0x206F},
      {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB}, {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
      {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
      {0xE0020, 0xE007F}};
  for (const auto& [lo, hi] : kCf)
    if (c >= lo && c <= hi) return true;
  return false;
}

bool has_control_or_format(std::string_view s) {
  for (char32_t c : utf8_decode_lenient(s))
    if (is_control_or_format(c)) return true;
  return false;
}

struct Segments {
  std::string_view header, claims, signature;
};

std::optional<Segments> split(std::string_view text) {
  auto d1 = text.find('.');
  if (d1 == std::string_view::npos) return std::nullopt;
  auto d2 = text.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return std::nullopt;
  if (text.find('.', d2 + 1) != std::string_view::npos) return std::nullopt;
  Segments s{text.substr(0, d1), text.substr(d1 + 1, d2 - d1 - 1), text.substr(d2 + 1)};
  for (auto part : {s.header, s.claims, s.signature})
    if (part.empty() || !is_base64url(part)) return std::nullopt;
  return s;
}

// Parses a base64url segment into a JSON object, or says why not.
std::optional<json> object_of(std::string_view segment, const char* what, std::string& why) {
  auto bytes = base64url_decode(segment);
  if (!bytes) {
    why = std::string(what) + ": not base64url";
    return std::nullopt;
  }
  // 1.1: a key twice is malformed. The depth bound keeps a hostile card (at
  // most 1024 bytes, so at most ~700 levels) far from any recursion limit.
  JsonLimits limits;
  limits.max_depth = 16;
  limits.reject_duplicate_keys = true;
  JsonParse parsed = parse_json_limited(*bytes, limits);
  if (!parsed.value || !parsed.value->is_object()) {
    why = std::string(what) + (parsed.value ? ": not a JSON object" : ": " + parsed.why);
    return std::nullopt;
  }
  return std::move(*parsed.value);
}

// A required or optional string field; false (with why) if present but not a string.
bool get_string(const json& o, const char* key, bool required, std::string& out,
                const char* what, std::string& why) {
  auto it = o.find(key);
  if (it == o.end()) {
    if (required) why = std::string(what) + "." + key + ": missing";
    return !required;
  }
  if (!it->is_string()) {
    why = std::string(what) + "." + key + ": not a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

bool get_integer(const json& o, const char* key, int64_t& out, std::string& why) {
  auto it = o.find(key);
  if (it == o.end()) {
    why = std::string("claims.") + key + ": missing";
    return false;
  }
  if (it->is_number_unsigned()) {
    auto v = it->get<uint64_t>();
    if (v > uint64_t(INT64_MAX)) {
      why = std::string("claims.") + key + ": out of range";
      return false;
    }
    out = int64_t(v);
    return true;
  }
  if (!it->is_number_integer()) {
    why = std::string("claims.") + key + ": not an integer";
    return false;
  }
  out = it->get<int64_t>();
  return true;
}

bool sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

}  // namespace

std::string_view verdict_code(CardVerdict v) { return kCodes[static_cast<size_t>(v)]; }

std::optional<CardVerdict> verdict_from_code(std::string_view code) {
  for (size_t i = 0; i < kCodes.size(); ++i)
    if (kCodes[i] == code) return static_cast<CardVerdict>(i);
  return std::nullopt;
}

const Text& verdict_message(CardVerdict v) {
  static const std::array<std::string, 8> keys = [] {
    std::array<std::string, 8> k;
    for (size_t i = 0; i < kCodes.size(); ++i) k[i] = "card.verdict." + std::string(kCodes[i]);
    return k;
  }();
  return tr(keys[static_cast<size_t>(v)]);
}

bool is_valid_member_number(std::string_view sub) {
  if (sub.size() < 6 || sub.size() > 32) return false;
  for (char c : sub)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-')) return false;
  return true;
}

bool is_valid_kid(std::string_view kid) {
  auto n = code_points(kid);
  return n >= 1 && n <= 64;
}

std::string check_claims(const MemberCardClaims& c) {
  if (!is_valid_member_number(c.sub)) return "claims.sub: not 6-32 of [0-9A-Z-]";
  auto name_len = code_points(c.name);
  if (name_len < 1 || name_len > 32) return "claims.name: not 1-32 characters";
  if (code_points(c.org) > 64) return "claims.org: over 64 characters";
  if (c.role != "member" && c.role != "staff") return "claims.role: not member or staff";
  // 1.1
  if (has_control_or_format(c.name)) return "claims.name: a control or format character";
  if (has_control_or_format(c.org)) return "claims.org: a control or format character";
  if (c.iat > c.exp) return "claims.iat: after exp";
  if (static_cast<__int128>(c.exp) - c.iat > kMaxCardLifetimeSeconds) return "claims.exp: over 10 years after iat";
  return {};
}

MemberIdentity identity_of(const MemberCardClaims& c) {
  return MemberIdentity{c.iss, c.sub, c.name, c.org, c.role};
}

bool looks_like_member_card(std::string_view qr_text) {
  return qr_text.size() <= kMaxCardTextBytes && split(qr_text).has_value();
}

CardCheck verify_member_card(std::string_view qr_text, const TrustStore& trust, int64_t now_unix) {
  CardCheck r;
  // 0: a bound on everything that follows, before any decoding.
  if (qr_text.size() > kMaxCardTextBytes) {
    r.verdict = CardVerdict::Malformed;
    r.detail = "text: over 1024 bytes";
    return r;
  }
  // 1
  auto seg = split(qr_text);
  if (!seg) {
    r.verdict = CardVerdict::NotACard;
    return r;
  }
  // 2
  r.verdict = CardVerdict::Malformed;
  auto header = object_of(seg->header, "header", r.detail);
  if (!header) return r;
  auto claims = object_of(seg->claims, "claims", r.detail);
  if (!claims) return r;

  CardHeader h;
  if (!get_string(*header, "alg", true, h.alg, "header", r.detail) ||
      !get_string(*header, "kid", true, h.kid, "header", r.detail) ||
      !get_string(*header, "typ", true, h.typ, "header", r.detail))
    return r;
  if (h.alg != "EdDSA") {
    r.detail = "header.alg: not EdDSA";
    return r;
  }
  if (!is_valid_kid(h.kid)) {
    r.detail = "header.kid: not 1-64 characters";
    return r;
  }
  if (h.typ != "gh-member") {
    r.detail = "header.typ: not gh-member";
    return r;
  }
  if (header->contains("crit")) {  // 1.1: no extension may be required of us
    r.detail = "header.crit: present";
    return r;
  }

  MemberCardClaims c;
  if (!get_string(*claims, "iss", true, c.iss, "claims", r.detail) ||
      !get_string(*claims, "sub", true, c.sub, "claims", r.detail) ||
      !get_string(*claims, "name", true, c.name, "claims", r.detail) ||
      !get_string(*claims, "org", false, c.org, "claims", r.detail) ||
      !get_string(*claims, "role", false, c.role, "claims", r.detail) ||
      !get_integer(*claims, "iat", c.iat, r.detail) ||
      !get_integer(*claims, "exp", c.exp, r.detail))
    return r;
  if (auto why = check_claims(c); !why.empty()) {
    r.detail = why;
    return r;
  }
  r.detail.clear();
  r.header = h;
  r.claims = c;

  // 3
  const PublicKey* key = trust.key(h.kid);
  if (!key) {
    r.verdict = CardVerdict::UnknownIssuer;
    return r;
  }
  // 4: over the segments exactly as they came, not a re-encoding.
  auto sig = base64url_decode(seg->signature);
  std::string_view signed_part = qr_text.substr(0, seg->header.size() + 1 + seg->claims.size());
  if (!sodium_ready() || !sig || sig->size() != crypto_sign_BYTES ||
      crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                  reinterpret_cast<const unsigned char*>(signed_part.data()),
                                  signed_part.size(), key->data()) != 0) {
    r.verdict = CardVerdict::BadSignature;
    return r;
  }
  // 5, 6: saturating, so absurd times cannot overflow into "valid".
  auto sub_sat = [](int64_t a, int64_t b) { return a < INT64_MIN + b ? INT64_MIN : a - b; };
  auto add_sat = [](int64_t a, int64_t b) { return a > INT64_MAX - b ? INT64_MAX : a + b; };
  if (c.exp < sub_sat(now_unix, kCardLeewaySeconds)) {
    r.verdict = CardVerdict::Expired;
    return r;
  }
  if (c.iat > add_sat(now_unix, kCardLeewaySeconds)) {
    r.verdict = CardVerdict::NotYetValid;
    return r;
  }
  // 7
  if (trust.is_revoked(c.sub)) {
    r.verdict = CardVerdict::Revoked;
    return r;
  }
  // 8
  r.verdict = CardVerdict::Valid;
  r.identity = identity_of(c);
  return r;
}

}  // namespace kiosk::card
