// A full disk and a read-only file system: a submit fails with a clear code and
// message, nothing is half-written, earlier requests are intact, and the store
// works again once the fault is gone. First through a VFS that fails writes on
// command (every write position of a commit), then, where the test may mount
// file systems (root), on a real full tmpfs and a real read-only mount.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <optional>

#include <doctest/doctest.h>

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faulty_vfs.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/store/store.hpp"
#include "kiosk/base/strings.hpp"
#include "testkit.hpp"

using namespace kiosk;
using namespace kiosk::test;

namespace {

std::unique_ptr<RequestStore> open_store(const std::string& path, StoreOptions o = {}) {
  auto s = RequestStore::open(path, sealed(o));
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().name() + " " + s.error().detail));
  return std::move(*s);
}

StoreOptions faulty() {
  faulty_vfs_register();
  StoreOptions o;
  o.vfs = kFaultyVfs;
  return o;
}

// What must hold after any failure: the file is sound and holds exactly the
// requests that were reported, with their places and keys, nothing more.
void check_intact(RequestStore& s, const std::string& db, const std::vector<std::string>& tickets) {
  CHECK(s.integrity_check().ok());
  CHECK(sql_text(db, "PRAGMA integrity_check") == "ok");
  CHECK(sql_int(db, "SELECT count(*) FROM requests") == static_cast<int64_t>(tickets.size()));
  CHECK(sql_int(db, "SELECT count(*) FROM reservations") == static_cast<int64_t>(tickets.size()));
  CHECK(sql_int(db, "SELECT count(*) FROM dedup_keys") == static_cast<int64_t>(tickets.size()));
  CHECK(sql_int(db, "SELECT count(*) FROM requests r WHERE NOT EXISTS "
                    "(SELECT 1 FROM reservations v WHERE v.request_id = r.id)") == 0);
  for (const auto& t : tickets) {
    auto r = s.find(t);
    REQUIRE_MESSAGE(r, t);
    CHECK(r->has_answers());
  }
}

NewRequest numbered(int n) {
  return make_request("legal", "F", {{"slot:S-1", 1'000'000}}, {"key-" + std::to_string(n)}, 300);
}

struct QuietLog {
  QuietLog() { log::set_min_level(log::Level::Error); log::set_sink([](std::string_view) {}); }
  ~QuietLog() { log::set_sink(nullptr); log::set_min_level(log::Level::Info); }
};

void fault_at_every_write(Fault fault, ErrorKind kind, const char* key) {
  QuietLog quiet;
  TempDir dir;
  const auto db = dir.file("requests.db");
  auto s = open_store(db, faulty());
  std::vector<std::string> tickets;
  for (int i = 0; i < 3; ++i) {
    auto r = s->submit(numbered(i), i);
    REQUIRE(r.ok());
    tickets.push_back(r->ticket);
  }
  int n = 0, failures = 0;
  for (;; ++n) {
    REQUIRE(n < 200);
    faulty_vfs_arm(fault, n);
    auto r = s->submit(numbered(100 + n), 100 + n);
    faulty_vfs_disarm();
    if (r.ok()) {
      tickets.push_back(r->ticket);
      break;  // the whole commit fitted in n writes
    }
    ++failures;
    CAPTURE(n);
    CHECK_MESSAGE(r.error().kind == kind, r.error().detail);
    CHECK(r.error().message == tr(key));
    CHECK(r.error().message.complete());
    check_intact(*s, db, tickets);
  }
  CHECK(failures >= 1);
  // The number a failed submit would have had is given to the next one.
  CHECK(tickets.back() == "F-0004");
  // And the store keeps working.
  for (int i = 0; i < 3; ++i) {
    auto r = s->submit(numbered(1000 + i), 1000 + i);
    REQUIRE(r.ok());
    tickets.push_back(r->ticket);
  }
  check_intact(*s, db, tickets);
  s.reset();
  auto reopened = open_store(db);
  check_intact(*reopened, db, tickets);
}

// Root may mount: a private mount namespace keeps it to this process.
bool private_mounts() {
  if (geteuid() != 0) return false;
  if (unshare(CLONE_NEWNS) != 0) return false;
  return mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
}

}  // namespace

TEST_CASE("disk full at any write of a submit: disk_full, nothing half-written") {
  fault_at_every_write(Fault::DiskFull, ErrorKind::DiskFull, "store.disk_full");
}

TEST_CASE("read-only file system at any write of a submit: read_only, nothing half-written") {
  fault_at_every_write(Fault::ReadOnly, ErrorKind::ReadOnly, "store.read_only");
}

TEST_CASE("disk full during the sync side's state changes leaves states as they were") {
  QuietLog quiet;
  TempDir dir;
  const auto db = dir.file("requests.db");
  auto s = open_store(db, faulty());
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(s->submit(numbered(i), i)->id);
  faulty_vfs_arm(Fault::DiskFull);
  auto claim = s->claim_batch(10, 1 << 20, 10);
  faulty_vfs_disarm();
  REQUIRE_FALSE(claim.ok());
  CHECK(claim.error().kind == ErrorKind::DiskFull);
  CHECK(s->stats().queued == 3);
  REQUIRE(s->claim_batch(10, 1 << 20, 11).ok());
  faulty_vfs_arm(Fault::DiskFull);
  CHECK(s->mark_delivered(ids, 12).error().kind == ErrorKind::DiskFull);
  CHECK(s->quarantine(ids[0], "x", 12).error().kind == ErrorKind::DiskFull);
  faulty_vfs_disarm();
  CHECK(s->stats().sending == 3);
  CHECK(s->find(ids[0])->delivered_at_ms == 0);
  REQUIRE(s->mark_delivered(ids, 13).ok());
  CHECK(s->stats().delivered == 3);
  CHECK(s->integrity_check().ok());
}

TEST_CASE("a new store on a full disk fails with disk_full and can be created later") {
  QuietLog quiet;
  TempDir dir;
  const auto db = dir.file("requests.db");
  faulty_vfs_register();
  faulty_vfs_arm(Fault::DiskFull);
  auto s = RequestStore::open(db, sealed(faulty()));
  faulty_vfs_disarm();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == ErrorKind::DiskFull);
  auto again = open_store(db, faulty());
  CHECK(again->schema_version() == 5);
  CHECK(again->submit(numbered(1), 1)->ticket == "F-0001");
}

TEST_CASE("a real full disk (tmpfs): disk_full, earlier requests intact, works once space is freed") {
  if (!private_mounts()) {
    MESSAGE("skipped: needs root to mount a small tmpfs");
    return;
  }
  QuietLog quiet;
  TempDir dir;
  REQUIRE(mount("tmpfs", dir.path().c_str(), "tmpfs", 0, "size=1m,mode=0700") == 0);
  const auto db = dir.file("requests.db");
  // Space to give back later, the way a technician would clear old logs.
  write_file(dir.file("ballast"), std::string(200 * 1024, 'b'));
  std::vector<std::string> tickets;
  std::optional<ErrorKind> failure;
  {
    auto s = open_store(db);
    for (int i = 0; i < 5000 && !failure; ++i) {
      auto r = s->submit(numbered(i), i);
      if (r.ok()) {
        tickets.push_back(r->ticket);
      } else {
        failure = r.error().kind;
        CHECK(r.error().message == tr("store.disk_full"));
        MESSAGE("disk full after " << tickets.size() << " requests: " << r.error().detail);
      }
    }
    REQUIRE(failure == ErrorKind::DiskFull);
    REQUIRE(tickets.size() > 10);
    check_intact(*s, db, tickets);
    // Still full: still refused, still clean.
    CHECK(s->submit(numbered(9999), 9999).error().kind == ErrorKind::DiskFull);
    check_intact(*s, db, tickets);
    ::unlink(dir.file("ballast").c_str());
    auto r = s->submit(numbered(10000), 10000);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().detail));
    tickets.push_back(r->ticket);
    CHECK(r->ticket == "F-" + std::string(4 - std::to_string(tickets.size()).size(), '0') +
                           std::to_string(tickets.size()));
  }
  auto s = open_store(db);
  check_intact(*s, db, tickets);
  umount2(dir.path().c_str(), MNT_DETACH);
}

TEST_CASE("a real read-only mount: read_only, file untouched, intact when writable again") {
  if (!private_mounts()) {
    MESSAGE("skipped: needs root to mount a read-only file system");
    return;
  }
  QuietLog quiet;
  TempDir dir;
  REQUIRE(mount("tmpfs", dir.path().c_str(), "tmpfs", 0, "size=4m,mode=0700") == 0);
  const auto db = dir.file("requests.db");
  std::vector<std::string> tickets;
  {
    auto s = open_store(db);
    for (int i = 0; i < 3; ++i) tickets.push_back(s->submit(numbered(i), i)->ticket);
  }
  const std::string before = read_file(db);
  REQUIRE(mount(nullptr, dir.path().c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) == 0);
  {
    auto s = RequestStore::open(db, sealed());
    // What a kiosk sees depends on whether it can even read a WAL file here:
    // either open or the submit says read_only, never anything vaguer.
    if (s.ok()) {
      auto r = (*s)->submit(numbered(5), 5);
      REQUIRE_FALSE(r.ok());
      CHECK_MESSAGE(r.error().kind == ErrorKind::ReadOnly, r.error().detail);
      CHECK(r.error().message == tr("store.read_only"));
    } else {
      CHECK_MESSAGE(s.error().kind == ErrorKind::ReadOnly, s.error().detail);
      CHECK(s.error().message == tr("store.read_only"));
    }
  }
  CHECK(read_file(db) == before);
  REQUIRE(mount(nullptr, dir.path().c_str(), nullptr, MS_REMOUNT, nullptr) == 0);
  auto w = open_store(db);
  check_intact(*w, db, tickets);
  CHECK(w->submit(numbered(6), 6)->ticket == "F-0004");
  w.reset();
  umount2(dir.path().c_str(), MNT_DETACH);
}

TEST_CASE("a database file the kiosk's user may only read: lists work, submit says read_only") {
  if (geteuid() != 0) {
    MESSAGE("skipped: needs root to act as another user");
    return;
  }
  TempDir dir;
  const auto db = dir.file("requests.db");
  std::vector<std::string> tickets;
  {
    auto s = open_store(db);
    for (int i = 0; i < 2; ++i) tickets.push_back(s->submit(numbered(i), i)->ticket);
  }
  // The directory is the kiosk user's; the file was left read-only (e.g. restored
  // from a backup by root). Root ignores permissions, so the check runs as nobody.
  REQUIRE(chmod(dir.path().c_str(), 0777) == 0);
  REQUIRE(chmod(db.c_str(), 0444) == 0);
  const std::string before = read_file(db);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(10);
    log::set_min_level(log::Level::Error);
    auto s = RequestStore::open(db, sealed());
    if (!s.ok()) _exit(s.error().kind == ErrorKind::ReadOnly ? 20 : 11);
    if ((*s)->list(std::nullopt).size() != 2) _exit(12);
    auto r = (*s)->submit(numbered(9), 9);
    if (r.ok()) _exit(13);
    if (r.error().kind != ErrorKind::ReadOnly || !(r.error().message == tr("store.read_only"))) _exit(14);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  // 0: opened for reading, submit refused; 20: refused at open. Both say read_only.
  CHECK_MESSAGE((WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 20), "child exit " << WEXITSTATUS(status));
  MESSAGE("read-only file: " << std::string(WEXITSTATUS(status) == 0 ? "readable, submit refused" : "refused at open"));
  CHECK(read_file(db) == before);
  REQUIRE(chmod(db.c_str(), 0600) == 0);
  auto s = open_store(db);
  check_intact(*s, db, tickets);
}
