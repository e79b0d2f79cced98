// Opening the request store: refuse a damaged or foreign file before anything
// could write to it, then WAL + synchronous=FULL and the schema migrations.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "kiosk/base/log.hpp"
#include "kiosk/store/store.hpp"
#include "kiosk/store/store_detail.hpp"
#include "kiosk/store/store_impl.hpp"

namespace kiosk {

using namespace store_detail;

namespace {

// The first read of a file that is not a database (or is cut short) fails with
// NOTADB/CORRUPT; quick_check finds damage deeper in. Both only read.
Status check_readable(sqlite3* db, bool quick_check) {
  if (auto s = exec(db, "SELECT count(*) FROM sqlite_master", "read schema"); !s) return s;
  if (!quick_check) return ok_status();
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(st);
  Status result = ok_status();
  if (rc == SQLITE_ROW) {
    const char* r = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    if (!r || std::strcmp(r, "ok") != 0)
      result = store_error(ErrorKind::StoreDamaged, std::string("quick_check: ") + (r ? r : "?"));
  } else {
    result = sqlite_error(db, rc, "quick_check");
  }
  sqlite3_finalize(st);
  return result;
}

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

bool writable(const std::string& path) {
  return ::access(path.c_str(), W_OK) == 0 && ::access(dir_of(path).c_str(), W_OK) == 0;
}

constexpr size_t kDedupSecretBytes = 32;

// The secret the duplicate-check keys are keyed with: `dedup.key` beside the
// file, 0600. Kept out of the database, so that a copy of requests.db alone
// cannot be tested against guessed numbers. A new one is written whole to a
// temporary file and linked into place, so a second process opening a new
// store at the same moment reads either nothing or all 32 bytes, never a
// file half written, and both end up with the same secret. A store that
// cannot read or write it (read-only, permissions, a damaged file) still
// opens, with a secret for this connection only: its checks then match
// nothing already stored, which is logged; nothing is refused or
// overwritten for it.
std::string dedup_secret(const std::string& db_path, bool may_create) {
  const std::string dir = dir_of(db_path);
  const std::string file = dir + "/dedup.key";
  std::string fresh(kDedupSecretBytes, '\0');
  randombytes_buf(fresh.data(), fresh.size());
  auto fallback = [&](const std::string& why) {
    log::event(log::Level::Warn, "store", "dedup_key_unusable", {{"detail", why}});
    return fresh;
  };
  auto read_existing = [&](std::string* out) -> int {  // 0, or the errno
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return errno;
    std::string s(kDedupSecretBytes + 1, '\0');
    const ssize_t n = ::read(fd, s.data(), s.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(kDedupSecretBytes)) return EINVAL;
    s.resize(kDedupSecretBytes);
    *out = std::move(s);
    return 0;
  };
  std::string have;
  int err = read_existing(&have);
  if (err == 0) return have;
  if (err != ENOENT) return fallback(err == EINVAL ? "not 32 bytes" : std::strerror(err));
  if (!may_create) return fresh;

  // A name of its own per opener (threads of one process too).
  const std::string tmp = dir + "/.dedup.key." + std::to_string(::getpid()) + "." +
                          std::to_string(randombytes_random()) + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fallback(std::strerror(errno));
  const bool written =
      ::write(fd, fresh.data(), fresh.size()) == static_cast<ssize_t>(fresh.size()) && ::fsync(fd) == 0;
  ::close(fd);
  const int linked = written ? ::link(tmp.c_str(), file.c_str()) : -1;
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (!written) return fallback("cannot write");
  if (linked != 0) {
    // Another process put its secret in place first: that one holds.
    if (link_errno == EEXIST && read_existing(&have) == 0) return have;
    return fallback(std::strerror(link_errno));
  }
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return fresh;
}

}  // namespace

Expected<std::unique_ptr<RequestStore>> RequestStore::open(const std::string& path,
                                                           StoreOptions opts) {
  struct stat sb {};
  const bool exists = ::stat(path.c_str(), &sb) == 0;
  if (!exists && !opts.create_if_missing) return store_error(ErrorKind::StoreMissing, "no file");
  if (exists && !S_ISREG(sb.st_mode))
    return store_error(ErrorKind::StoreDamaged, "not a regular file");
  if (exists && ::access(path.c_str(), R_OK) != 0)
    return store_error(ErrorKind::StoreDamaged, std::string("cannot read: ") + std::strerror(errno));

  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  if (opts.create_if_missing) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, opts.vfs.empty() ? nullptr : opts.vfs.c_str());
  if (rc != SQLITE_OK) {
    Error e = sqlite_error(db, rc, "open");
    sqlite3_close_v2(db);
    if (e.kind == ErrorKind::Io) e = store_error(exists ? ErrorKind::StoreDamaged : ErrorKind::Io, e.detail);
    return e;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, opts.busy_timeout_ms);

  auto fail = [&](Error e) -> Expected<std::unique_ptr<RequestStore>> {
    sqlite3_close_v2(db);
    log::event(log::Level::Error, "store", "open_failed", {{"code", e.name()}, {"detail", e.detail}});
    return e;
  };

  if (auto s = check_readable(db, opts.quick_check_on_open && exists); !s) {
    Error e = s.error();
    // A WAL file's -shm/-wal cannot be created beside it: SQLite says only
    // "unable to open". A directory or file we may not write is the real cause.
    if (exists && e.kind == ErrorKind::Io && !writable(path)) e = store_error(ErrorKind::ReadOnly, e.detail);
    return fail(e);
  }
  if (auto s = precheck_schema(db); !s) return fail(s.error());
  // A file that fell back to read-only (permissions, read-only mount) still opens
  // for reading; writes then fail with read_only.
  const bool read_only = sqlite3_db_readonly(db, "main") == 1;
  if (!read_only) {
    sqlite3_stmt* st = nullptr;
    rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, nullptr);
    // Leaving rollback mode needs an exclusive lock, and SQLite does not wait
    // for it when that could deadlock: another process opening the same file
    // at once. Wait here instead, as long as the busy timeout allows.
    for (int waited = 0; rc == SQLITE_OK; waited += 10) {
      rc = sqlite3_step(st);
      if ((rc & 0xff) != SQLITE_BUSY || waited >= opts.busy_timeout_ms) break;
      sqlite3_reset(st);
      rc = SQLITE_OK;
      sqlite3_sleep(10);
    }
    const bool wal = rc == SQLITE_ROW &&
                     std::strcmp(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                                 "wal") == 0;
    if (rc != SQLITE_ROW) {
      Error e = sqlite_error(db, rc, "journal_mode");
      sqlite3_finalize(st);
      return fail(e);
    }
    sqlite3_finalize(st);
    if (!wal) return fail(store_error(ErrorKind::Io, "WAL mode refused"));
  }
  // FULL: the WAL is synced at every commit, so a ticket shown survives power loss.
  // secure_delete: purged answers are overwritten, not left in free pages.
  if (auto s = exec(db,
                    "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;",
                    "pragmas");
      !s)
    return fail(s.error());
  const std::string& seal_to = opts.hub_box_public_key.size() == kBoxKeyBytes ? opts.hub_box_public_key
                                                                               : opts.local_box.public_key;
  std::string secret = dedup_secret(path, !read_only);
  if (auto s = migrate(db, read_only, seal_to, secret); !s) return fail(s.error());

  auto impl = std::make_unique<Impl>();
  impl->dedup_secret = std::move(secret);
  impl->db = db;
  impl->conn.cache = std::make_unique<StatementCache>(db);
  impl->path = path;
  impl->opts = std::move(opts);
  impl->read_only = read_only;
  std::unique_ptr<RequestStore> store(new RequestStore(std::move(impl)));
  const StoreOptions& o = store->impl_->opts;
  if (!read_only && o.hub_box_public_key.size() == kBoxKeyBytes) {
    // A failure here leaves the rows sealed to the local key, still readable
    // by it: logged, and tried again at the next open.
    if (auto n = store->adopt_hub_key(o.hub_box_public_key, o.local_box); !n)
      log::event(log::Level::Warn, "store", "reseal_failed", {{"code", n.error().name()}});
  }
  return store;
}

RequestStore::RequestStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RequestStore::~RequestStore() = default;

RequestStore::Impl::~Impl() { sodium_memzero(dedup_secret.data(), dedup_secret.size()); }

store_detail::Connection::~Connection() {
  cache.reset();  // its statements are finalised before the connection closes
  if (db) sqlite3_close_v2(db);
}

}  // namespace kiosk
