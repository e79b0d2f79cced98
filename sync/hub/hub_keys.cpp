#include "sync/hub/hub_keys.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "kiosk/base/strings.hpp"
#include "kiosk/domain/id_hash.hpp"

namespace kiosk::hub {

namespace {

Error key_error(ErrorKind kind, const char* text_key, const std::string& path, std::string why) {
  return Error{kind, trf(text_key, {{"path", plain(path)}}), path, std::move(why)};
}

// A key file as it must be: a regular file of the owner's alone, of exactly
// kHubKeyBytes. Nothing is read from one that is not.
Expected<HubKey> read_key(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return key_error(errno == ELOOP ? ErrorKind::KeyFileExposed : ErrorKind::KeyFileRead,
                     errno == ELOOP ? "hub.keys.exposed" : "hub.keys.unreadable", path,
                     std::string("open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return key_error(ErrorKind::KeyFileExposed, "hub.keys.exposed", path, "not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return key_error(ErrorKind::KeyFileExposed, "hub.keys.exposed", path,
                     "mode wider than 0600: refused, not regenerated");
  }
  if (st.st_size != static_cast<off_t>(kHubKeyBytes)) {
    ::close(fd);
    return key_error(ErrorKind::KeyFileRead, "hub.keys.bad_size", path,
                     "not " + std::to_string(kHubKeyBytes) + " bytes: refused, not regenerated");
  }
  HubKey k{};
  const ssize_t n = ::read(fd, k.data(), k.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(k.size()))
    return key_error(ErrorKind::KeyFileRead, "hub.keys.unreadable", path, "short read");
  return k;
}

// Written to a temporary file (0600), synced, then linked into place: a
// crash leaves either no key file or a whole one, and an existing one is
// never replaced (link fails on it).
Status write_key(const std::string& dir, const std::string& path, const HubKey& k) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return key_error(ErrorKind::KeyFileWrite, "hub.keys.write", path, std::strerror(errno));
  const bool ok = ::write(fd, k.data(), k.size()) == static_cast<ssize_t>(k.size()) &&
                  ::fchmod(fd, 0600) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::link(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return key_error(ErrorKind::KeyFileWrite, "hub.keys.write", path, why);
  }
  ::unlink(tmp.c_str());
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return ok_status();
}

Expected<HubKey> load_or_make(const std::string& dir, const char* name,
                              void (*make)(HubKey&)) {
  const std::string path = dir + "/" + name;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT)
      return key_error(ErrorKind::KeyFileRead, "hub.keys.unreadable", path, std::strerror(errno));
    HubKey k{};
    make(k);
    if (auto w = write_key(dir, path, k); !w) return w.error();
  }
  return read_key(path);
}

Status make_private_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return key_error(ErrorKind::Io, "hub.dir.unsafe", dir, std::strerror(errno));
  // The directory named may be a link to one (a data dir on other storage);
  // below it, links are neither followed nor changed (secure_tree).
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return key_error(ErrorKind::KeyFileExposed, "hub.dir.unsafe", dir, "not a directory");
  if ((st.st_mode & 0777) != 0700 && ::chmod(dir.c_str(), 0700) != 0)
    return key_error(ErrorKind::KeyFileExposed, "hub.dir.unsafe", dir, std::strerror(errno));
  return ok_status();
}

Status secure_tree(const std::string& dir, int depth) {
  if (auto st = make_private_dir(dir); !st) return st;
  if (depth > 8) return ok_status();
  DIR* d = ::opendir(dir.c_str());
  if (!d) return key_error(ErrorKind::Io, "hub.dir.unsafe", dir, std::strerror(errno));
  std::vector<std::string> subdirs;
  Status result = ok_status();
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = dir + "/" + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;  // gone meanwhile
    if (S_ISDIR(st.st_mode)) {
      subdirs.push_back(path);
    } else if (S_ISREG(st.st_mode) && (st.st_mode & 0777) != 0600 &&
               ::chmod(path.c_str(), 0600) != 0) {
      result = key_error(ErrorKind::Io, "hub.dir.unsafe", path, std::strerror(errno));
      break;
    }
  }
  ::closedir(d);
  if (!result) return result;
  for (const auto& s : subdirs)
    if (auto st = secure_tree(s, depth + 1); !st) return st;
  return ok_status();
}

}  // namespace

std::string key_dir_for(const std::string& data_dir, const std::string& key_dir) {
  return key_dir.empty() ? data_dir + "/keys" : key_dir;
}

Status secure_dir(const std::string& dir) { return secure_tree(dir, 0); }

Expected<HubKeys> load_or_create_keys(const std::string& key_dir) {
  if (sodium_init() < 0)
    return Error{ErrorKind::CryptoUnavailable, tr("sync.hub.storage"), "", "sodium_init failed"};
  if (auto st = make_private_dir(key_dir); !st) return st.error();
  // All three are made together, at the first start: one missing beside the
  // others was lost, and a new one would not open what the old one sealed.
  int present = 0;
  std::string missing;
  for (const char* name : {"box.key", "at-rest.key", "hash.key"}) {
    struct stat st {};
    const std::string path = key_dir + "/" + name;
    if (::lstat(path.c_str(), &st) == 0) ++present;
    else if (missing.empty()) missing = path;
  }
  if (present > 0 && present < 3)
    return key_error(ErrorKind::KeyFileRead, "hub.keys.missing", missing,
                     "missing beside the other key files: restore it, it is not remade");
  auto random_key = [](HubKey& k) { randombytes_buf(k.data(), k.size()); };
  HubKeys keys;
  auto box = load_or_make(key_dir, "box.key", random_key);
  if (!box) return box.error();
  auto rest = load_or_make(key_dir, "at-rest.key", random_key);
  if (!rest) return rest.error();
  auto hash = load_or_make(key_dir, "hash.key", random_key);
  if (!hash) return hash.error();
  keys.box_secret = *box;
  crypto_scalarmult_base(keys.box_public.data(), keys.box_secret.data());
  keys.at_rest = *rest;
  keys.hash = *hash;
  crypto_kdf_derive_from_key(keys.body_hash.data(), keys.body_hash.size(), 1, "hubbodyh",
                             keys.at_rest.data());
  return keys;
}

namespace {
std::string row_ad(int64_t kiosk_id, std::string_view request_id) {
  return std::to_string(kiosk_id) + '\0' + std::string(request_id);
}
}  // namespace

std::string seal_at_rest(const HubKeys& k, int64_t kiosk_id, std::string_view request_id,
                         std::string_view clear) {
  const std::string ad = row_ad(kiosk_id, request_id);
  std::string out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + clear.size() +
                      crypto_aead_xchacha20poly1305_ietf_ABYTES,
                  '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
      reinterpret_cast<const unsigned char*>(clear.data()), clear.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, nonce,
      k.at_rest.data());
  return out;
}

std::optional<std::string> open_at_rest(const HubKeys& k, int64_t kiosk_id,
                                        std::string_view request_id, std::string_view sealed) {
  constexpr size_t kN = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  constexpr size_t kA = crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (sealed.size() < kN + kA) return std::nullopt;
  const std::string ad = row_ad(kiosk_id, request_id);
  std::string clear(sealed.size() - kN - kA, '\0');
  unsigned long long mlen = 0;
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(clear.data()), &mlen, nullptr, nonce + kN,
          sealed.size() - kN, reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nonce,
          k.at_rest.data()) != 0)
    return std::nullopt;
  clear.resize(mlen);
  return clear;
}

std::optional<std::string> open_sealed(const HubKeys& k, std::string_view sealed) {
  if (sealed.size() < crypto_box_SEALBYTES) return std::nullopt;
  std::string clear(sealed.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(clear.data()),
                           reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
                           k.box_public.data(), k.box_secret.data()) != 0)
    return std::nullopt;
  return clear;
}

namespace {
std::string hex(const unsigned char* p, size_t n, bool upper) {
  static const char* kLo = "0123456789abcdef";
  static const char* kUp = "0123456789ABCDEF";
  const char* digits = upper ? kUp : kLo;
  std::string s;
  s.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    s.push_back(digits[p[i] >> 4]);
    s.push_back(digits[p[i] & 15]);
  }
  return s;
}
}  // namespace

std::string body_hash_hex(const HubKeys& k, std::string_view body) {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(body.data()),
                     body.size(), k.body_hash.data(), k.body_hash.size());
  return hex(out, sizeof out, false);
}

std::optional<std::string> child_id_hash(const HubKey& hash_key, std::string_view id_number) {
  return kiosk::child_id_hash(
      std::string_view(reinterpret_cast<const char*>(hash_key.data()), hash_key.size()), id_number);
}

}  // namespace kiosk::hub
