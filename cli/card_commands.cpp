// union-kiosk card verify | card keygen | card issue, and scan --image: the
// technician's tools to check a card or a scanner, and the admin's to make
// test and demo cards. Exit codes (kiosk/base/exit_codes.hpp): verify exits 0 for a
// valid card and 1 for any other verdict; scan exits 1 when no code is found.
#include <sys/stat.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/card_trust.hpp"
#include "cli/command.hpp"
#include "kiosk/base/args.hpp"
#include "kiosk/base/exit_codes.hpp"
#include "kiosk/base/failure_output.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/card/issue.hpp"
#include "kiosk/card/member_card.hpp"
#include "kiosk/card/ticket_code.hpp"
#include "kiosk/card/trust.hpp"
#include "kiosk/domain/content.hpp"
#include "kiosk/install/config.hpp"
#include "kiosk/install/install.hpp"
#include "kiosk/scan/codes.hpp"

namespace kiosk::cli {
namespace {

using nlohmann::json;
using card::CardVerdict;

constexpr int kOk = kExitOk, kRefused = kExitRefused, kUsage = kExitUsage, kBroken = kExitCannotWork;

std::ostream& out(CliEnv& e) { return *e.out; }
std::ostream& err(CliEnv& e) { return *e.err; }

void print_text(std::ostream& o, const Text& t) { o << t.zh << "\n" << t.en << "\n"; }

json text_json(const Text& t) { return json{{"zh", t.zh}, {"en", t.en}}; }

int fail(CliEnv& env, const Error& e, int code) {
  return print_failure(out(env), err(env), env.json, e, code);
}

int usage(CliEnv& env, const std::string& text, const std::string& bad = {}) {
  return usage_failure(env, bad.empty() ? "card" : bad, text);
}

bool parse_int64(const std::string& s, int64_t& v) {
  if (s.empty()) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (size_t k = i; k < s.size(); ++k)
    if (s[k] < '0' || s[k] > '9') return false;
  try {
    v = std::stoll(s);
  } catch (...) {
    return false;
  }
  return true;
}

// --- card verify -----------------------------------------------------------

void print_check(CliEnv& env, const card::CardCheck& c, const std::string& source, const CardTrust& trust,
                 int64_t now) {
  const Text& msg = card::verdict_message(c.verdict);
  if (env.json) {
    json j{{"verdict", card::verdict_code(c.verdict)}, {"valid", c.valid()}, {"message", text_json(msg)},
           {"source", source}, {"now", now}, {"content_source", trust.content_source},
           {"demo", trust.demo}};
    if (!c.detail.empty()) j["detail"] = c.detail;
    if (c.header) j["header"] = {{"alg", c.header->alg}, {"kid", c.header->kid}, {"typ", c.header->typ}};
    if (c.claims) {
      const auto& k = *c.claims;
      j["claims"] = {{"iss", k.iss}, {"sub", k.sub}, {"name", k.name}, {"org", k.org},
                     {"role", k.role}, {"iat", k.iat}, {"exp", k.exp}};
    }
    out(env) << j.dump(1) << "\n";
    return;
  }
  out(env) << "verdict: " << card::verdict_code(c.verdict) << "\n";
  print_text(out(env), msg);
  if (!c.detail.empty()) out(env) << "detail: " << c.detail << "\n";
  if (c.header) out(env) << "kid: " << c.header->kid << "\n";
  if (c.claims) {
    const auto& k = *c.claims;
    auto when = [](int64_t t) {
      std::time_t tt = static_cast<std::time_t>(t);
      std::tm tm{};
      char buf[32] = "?";
      if (gmtime_r(&tt, &tm)) std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
      return std::to_string(t) + " (" + buf + ")";
    };
    out(env) << "iss: " << k.iss << "\n"
             << "sub: " << k.sub << "\n"
             << "name: " << k.name << "\n"
             << "org: " << k.org << "\n"
             << "role: " << k.role << "\n"
             << "iat: " << when(k.iat) << "\n"
             << "exp: " << when(k.exp) << "\n";
  }
  out(env) << "trust: " << trust.content_source << " content, " << trust.store.key_count() << " keys, "
           << trust.store.revoked_count() << " revoked" << (trust.demo ? ", demo mode" : "") << "\n";
  for (const auto& n : trust.notes) err(env) << "note: " << n << "\n";
}

const char* kCardUsage =
    "  card verify (--image FILE | --text TEXT) [--now EPOCH] [--json]\n"
    "      Verify a member card offline; prints the verdict and the claims. Exit 0 only if valid.\n"
    "  card keygen --kid KID --out KEYFILE [--seed-hex HEX] [--force]\n"
    "      Make an Ed25519 issuer key pair; the private key file is created 0600.\n"
    "      Prints the public key as {\"kid\", \"public_key_b64url\"} for config or content.\n"
    "  card issue --key KEYFILE --sub NUMBER --name NAME [--iss CODE] [--org ORG] [--role member|staff]\n"
    "             [--iat EPOCH] [--exp EPOCH | --days N] [--png FILE] [--module-px N]\n"
    "  card issue --key KEYFILE --claims FILE.json [--png FILE] [--module-px N]\n"
    "      Issue a member card: prints the QR text; --png writes a printable QR image.";

int run_verify(CliEnv& env) {
  Args o(env.args, {"--image", "--text", "--now"}, {}, 1, false);
  if (!o.bad.empty() || o.has("--image") == o.has("--text")) return usage(env, kCardUsage, o.bad);
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (o.has("--now") && !parse_int64(o.get("--now"), now)) return usage(env, kCardUsage, o.get("--now"));
  auto trust = load_card_trust(env);
  if (!trust) return fail(env, trust.error(), kBroken);

  std::string text, source = "text";
  if (o.has("--text")) {
    text = o.get("--text");
  } else {
    source = "image";
    auto img = scan::load_image_file(o.get("--image"));
    if (!img) return fail(env, img.error(), kBroken);
    scan::DecodeOptions d;
    d.try_harder = true;
    auto codes = scan::decode_codes(img->view(), d);
    if (codes.empty())
      return fail(env, Error{ErrorKind::NoCode, tr("card.cli.no_code"), "", o.get("--image")}, kRefused);
    // A card if there is one among the codes; else the first code (whose
    // verdict then says what it is not).
    text = codes.front().text;
    for (const auto& c : codes)
      if (card::looks_like_member_card(c.text)) {
        text = c.text;
        break;
      }
  }
  auto check = card::verify_member_card(text, trust->store, now);
  print_check(env, check, source, *trust, now);
  return check.valid() ? kOk : kRefused;
}

// --- card keygen -----------------------------------------------------------

int run_keygen(CliEnv& env) {
  Args o(env.args, {"--kid", "--out", "--seed-hex"}, {"--force"}, 1, false);
  if (!o.bad.empty() || !o.has("--kid") || !o.has("--out")) return usage(env, kCardUsage, o.bad);
  auto key = o.has("--seed-hex") ? card::issuer_key_from_seed_hex(o.get("--kid"), o.get("--seed-hex"))
                                 : card::generate_issuer_key(o.get("--kid"));
  if (!key) return fail(env, key.error(), kUsage);
  auto st = card::write_issuer_key_file(o.get("--out"), *key, o.has("--force"));
  if (!st) return fail(env, st.error(), kBroken);
  out(env) << card::public_key_json(*key) << "\n";
  return kOk;
}

// --- card issue ------------------------------------------------------------

int run_issue(CliEnv& env) {
  Args o(env.args,
         {"--key", "--sub", "--name", "--iss", "--org", "--role", "--iat", "--exp", "--days", "--png",
          "--module-px", "--claims"},
         {}, 1, false);
  if (!o.bad.empty() || !o.has("--key")) return usage(env, kCardUsage, o.bad);
  auto key = card::read_issuer_key_file(o.get("--key"));
  if (!key) return fail(env, key.error(), kBroken);

  card::MemberCardClaims c;
  c.iss = "CN-22-01";
  c.iat = static_cast<int64_t>(std::time(nullptr));
  int64_t days = 365;
  if (o.has("--claims")) {
    std::ifstream f(o.get("--claims"));
    json j = json::parse(f, nullptr, false);
    if (!f || j.is_discarded() || !j.is_object())
      return fail(env, Error{ErrorKind::BadClaims, tr("card.issue.bad_claims"), "", o.get("--claims") + ": not a JSON object"},
                  kUsage);
    auto str = [&](const char* k, std::string& v) {
      if (j.contains(k) && j[k].is_string()) v = j[k].get<std::string>();
    };
    str("iss", c.iss);
    str("sub", c.sub);
    str("name", c.name);
    str("org", c.org);
    str("role", c.role);
    if (j.contains("iat") && j["iat"].is_number_integer()) c.iat = j["iat"].get<int64_t>();
    if (j.contains("exp") && j["exp"].is_number_integer()) c.exp = j["exp"].get<int64_t>();
  }
  if (o.has("--iss")) c.iss = o.get("--iss");
  if (o.has("--sub")) c.sub = o.get("--sub");
  if (o.has("--name")) c.name = o.get("--name");
  if (o.has("--org")) c.org = o.get("--org");
  if (o.has("--role")) c.role = o.get("--role");
  if (o.has("--iat") && !parse_int64(o.get("--iat"), c.iat)) return usage(env, kCardUsage, o.get("--iat"));
  if (o.has("--days") && !parse_int64(o.get("--days"), days)) return usage(env, kCardUsage, o.get("--days"));
  if (o.has("--exp")) {
    if (!parse_int64(o.get("--exp"), c.exp)) return usage(env, kCardUsage, o.get("--exp"));
  } else if (c.exp == 0) {
    c.exp = c.iat + days * 86400;
  }
  if (c.sub.empty() || c.name.empty()) return usage(env, kCardUsage);

  auto token = card::issue_member_card(c, *key);
  if (!token) return fail(env, token.error(), kRefused);
  if (o.has("--png")) {
    int64_t px = 8;
    if (o.has("--module-px") && (!parse_int64(o.get("--module-px"), px) || px < 1 || px > 64))
      return usage(env, kCardUsage, o.get("--module-px"));
    auto qr = scan::encode_qr(*token, scan::QrEcc::M);
    if (!qr) return fail(env, qr.error(), kBroken);
    auto st = scan::save_png(o.get("--png"), scan::render_qr(*qr, int(px)));
    if (!st) return fail(env, st.error(), kBroken);
  }
  if (env.json)
    out(env) << json{{"qr_text", *token}, {"kid", key->kid}, {"png", o.has("--png") ? o.get("--png") : ""}}.dump(1)
             << "\n";
  else
    out(env) << *token << "\n";
  return kOk;
}

int run_card(CliEnv& env) {
  if (env.args.empty()) return usage(env, kCardUsage);
  const auto& sub = env.args[0];
  if (sub == "verify") return run_verify(env);
  if (sub == "keygen") return run_keygen(env);
  if (sub == "issue") return run_issue(env);
  return usage(env, kCardUsage, sub);
}

// --- scan ------------------------------------------------------------------

const char* kScanUsage =
    "  scan --image FILE [--fast] [--json]\n"
    "      Print every code found in an image (QR and other formats), one a line.";

int run_scan(CliEnv& env) {
  Args o(env.args, {"--image"}, {"--fast"}, 0, false);
  if (!o.bad.empty() || !o.has("--image")) return usage(env, kScanUsage, o.bad);
  auto img = scan::load_image_file(o.get("--image"));
  if (!img) return fail(env, img.error(), kBroken);
  scan::DecodeOptions d;
  // A technician checking a scanner or a printout wants every format found.
  d.qr_only = false;
  d.try_harder = !o.has("--fast");
  d.max_codes = 32;
  auto codes = scan::decode_codes(img->view(), d);
  auto kind = [](const std::string& t) {
    switch (card::classify_code(t)) {
      case card::CodeKind::Ticket: return "ticket";
      case card::CodeKind::MemberCard: return "member_card";
      case card::CodeKind::Other: break;
    }
    return "other";
  };
  if (env.json) {
    json arr = json::array();
    for (const auto& c : codes) {
      json corners = json::array();
      for (const auto& p : c.corners) corners.push_back({p.x, p.y});
      arr.push_back({{"format", c.format}, {"text", c.text}, {"kind", kind(c.text)}, {"corners", corners}});
    }
    out(env) << json{{"image", o.get("--image")}, {"width", img->width}, {"height", img->height}, {"codes", arr}}.dump(1)
             << "\n";
  } else {
    for (const auto& c : codes) out(env) << c.format << "\t" << kind(c.text) << "\t" << c.text << "\n";
    if (codes.empty()) print_text(err(env), tr("card.cli.no_code"));
  }
  return codes.empty() ? kRefused : kOk;
}

}  // namespace

void register_card_commands(CommandTable& t) {
  t.add({"card", kCardUsage, run_card});
  t.add({"scan", kScanUsage, run_scan});
}

}  // namespace kiosk::cli
