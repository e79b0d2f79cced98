#include "kiosk/card/issue.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/strings.hpp"

namespace kiosk::card {
namespace {

using json = nlohmann::json;

Error err(ErrorKind kind, std::string detail) {
  return Error{kind, tr("card.issue." + to_string(kind)), "", std::move(detail)};
}

std::string hex(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

bool unhex(std::string_view s, uint8_t* out, size_t n) {
  if (s.size() != 2 * n) return false;
  auto v = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < n; ++i) {
    int hi = v(s[2 * i]), lo = v(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = uint8_t(hi * 16 + lo);
  }
  return true;
}

bool sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

}  // namespace

std::string IssuerKey::public_key_b64url() const { return base64url_encode(public_key.data(), public_key.size()); }

Expected<IssuerKey> issuer_key_from_seed(std::string_view kid, const std::array<uint8_t, 32>& seed) {
  if (!is_valid_kid(kid)) return err(ErrorKind::BadKid, "kid is not 1-64 characters");
  if (!sodium_ready()) return err(ErrorKind::CryptoUnavailable, "sodium_init failed");
  IssuerKey k;
  k.kid = std::string(kid);
  k.seed = seed;
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(k.public_key.data(), sk, k.seed.data());
  sodium_memzero(sk, sizeof sk);
  return k;
}

Expected<IssuerKey> issuer_key_from_seed_hex(std::string_view kid, std::string_view seed_hex) {
  std::array<uint8_t, 32> seed{};
  if (!unhex(seed_hex, seed.data(), seed.size())) return err(ErrorKind::BadSeed, "seed is not 64 hex digits");
  return issuer_key_from_seed(kid, seed);
}

Expected<IssuerKey> generate_issuer_key(std::string_view kid) {
  if (!sodium_ready()) return err(ErrorKind::CryptoUnavailable, "sodium_init failed");
  std::array<uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  auto k = issuer_key_from_seed(kid, seed);
  sodium_memzero(seed.data(), seed.size());
  return k;
}

Expected<std::string> issue_member_card(const MemberCardClaims& c, const IssuerKey& key) {
  if (auto why = check_claims(c); !why.empty()) return err(ErrorKind::BadClaims, why);
  if (!sodium_ready()) return err(ErrorKind::CryptoUnavailable, "sodium_init failed");
  // ordered_json keeps the spec's field order, so the text is reproducible.
  nlohmann::ordered_json h = {{"alg", "EdDSA"}, {"kid", key.kid}, {"typ", "gh-member"}};
  nlohmann::ordered_json p;
  p["iss"] = c.iss;
  p["sub"] = c.sub;
  p["name"] = c.name;
  if (!c.org.empty()) p["org"] = c.org;
  if (c.role != "member") p["role"] = c.role;
  p["iat"] = c.iat;
  p["exp"] = c.exp;
  std::string signing_input;
  try {
    signing_input = base64url_encode(h.dump()) + "." + base64url_encode(p.dump());
  } catch (const json::exception& e) {  // invalid UTF-8 in a claim
    return err(ErrorKind::BadClaims, e.what());
  }
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, key.seed.data());
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size(), sk);
  sodium_memzero(sk, sizeof sk);
  std::string token = signing_input + "." + base64url_encode(sig, sizeof sig);
  if (token.size() > kMaxCardTextBytes) return err(ErrorKind::BadClaims, "card text over 1024 bytes");
  return token;
}

std::string public_key_json(const IssuerKey& key) {
  return nlohmann::ordered_json{{"kid", key.kid}, {"public_key_b64url", key.public_key_b64url()}}.dump();
}

Status write_issuer_key_file(const std::string& path, const IssuerKey& key, bool overwrite) {
  nlohmann::ordered_json j = {{"kid", key.kid},
                              {"alg", "EdDSA"},
                              {"seed_hex", hex(key.seed.data(), key.seed.size())},
                              {"public_key_b64url", key.public_key_b64url()}};
  std::string text = j.dump(1) + "\n";
  // Written to a fresh 0600 file, then renamed: the secret never sits in a
  // file with looser permissions, even for an instant, whatever the umask.
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return err(ErrorKind::KeyFileWrite, tmp + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0;
  struct stat st {};
  ok = ok && ::fstat(fd, &st) == 0 && (st.st_mode & 077) == 0;
  size_t done = 0;
  while (ok && done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false;
    else done += size_t(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  if (!ok) {
    ::unlink(tmp.c_str());
    return err(ErrorKind::KeyFileWrite, path + ": could not write a private (0600) file");
  }
  if (!overwrite) {
    // link() fails if path exists: never replaces someone's key by accident.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      int e = errno;
      ::unlink(tmp.c_str());
      return err(e == EEXIST ? ErrorKind::KeyFileExists : ErrorKind::KeyFileWrite, path + ": " + std::strerror(e));
    }
    ::unlink(tmp.c_str());
  } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return err(ErrorKind::KeyFileWrite, path + ": " + std::strerror(e));
  }
  return ok_status();
}

Expected<IssuerKey> read_issuer_key_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return err(ErrorKind::KeyFileRead, path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return err(ErrorKind::KeyFileRead, path + ": not a regular file");
  }
  if (st.st_mode & 077) {
    ::close(fd);
    std::ostringstream m;
    m << path << ": mode " << std::oct << (st.st_mode & 0777) << ", must be 600 (chmod 600 " << path << ")";
    return err(ErrorKind::KeyFileExposed, m.str());
  }
  std::string text;
  char buf[4096];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, size_t(n));
    if (text.size() > 65536) break;
  }
  ::close(fd);
  json j = json::parse(text, nullptr, false);
  sodium_memzero(text.data(), text.size());
  if (j.is_discarded() || !j.is_object() || !j.contains("kid") || !j["kid"].is_string() ||
      !j.contains("seed_hex") || !j["seed_hex"].is_string())
    return err(ErrorKind::KeyFileRead, path + ": not an issuer key file (kid, seed_hex)");
  auto k = issuer_key_from_seed_hex(j["kid"].get<std::string>(), j["seed_hex"].get<std::string>());
  if (!k) return k;
  if (j.contains("public_key_b64url") && j["public_key_b64url"].is_string() &&
      j["public_key_b64url"].get<std::string>() != k->public_key_b64url())
    return err(ErrorKind::KeyFileRead, path + ": public key does not match the seed");
  return k;
}

}  // namespace kiosk::card
