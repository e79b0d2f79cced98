// HubDb: the schema and its migrations, and the admin's side (kiosks,
// requests, resolving). What kiosks call is in hub_db_protocol.cpp.
#include "sync/hub/hub_db.hpp"

#include <sodium.h>

#include "kiosk/base/hash.hpp"
#include "kiosk/base/strings.hpp"
#include "sync/hub/hub_db_impl.hpp"

namespace kiosk::hub {

Error db_error(sqlite3* db, const char* what) {
  SqliteFailure f = classify_sqlite(db, sqlite3_extended_errcode(db), what);
  return Error{f.kind, tr("sync.hub.storage"), "", std::move(f.detail)};
}

namespace {

constexpr int kSchemaVersion = 3;

// The columns of `requests` after its id in versions 1 and 2 (3 seals the
// body: hub_db_at_rest.cpp).
#define KIOSK_HUB_REQUEST_COLUMNS                           \
  "kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),\n"     \
  "kiosk_seq INTEGER NOT NULL,\n"                          \
  "ticket TEXT NOT NULL,\n"                                \
  "service_id TEXT NOT NULL,\n"                            \
  "content_version TEXT NOT NULL,\n"                       \
  "created_at_ms INTEGER NOT NULL,\n"                      \
  "received_at_ms INTEGER NOT NULL,\n"                     \
  "body_hash TEXT NOT NULL,\n"                             \
  "body TEXT NOT NULL,\n"                                  \
  "state TEXT NOT NULL DEFAULT 'received',\n"              \
  "staff_note TEXT NOT NULL DEFAULT '',\n"                 \
  "handled_at_ms INTEGER NOT NULL DEFAULT 0,\n"            \
  "out_of_order INTEGER NOT NULL DEFAULT 0"

// Version 1 as it was first written: a new file is created at 1 and brought
// up by the same migrations an old file runs, so both end up identical.
const char* kSchemaV1 = R"sql(
CREATE TABLE IF NOT EXISTS kiosks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  code_hash TEXT,
  code_expires_ms INTEGER NOT NULL DEFAULT 0,
  token_hash TEXT UNIQUE,
  enrolled_ms INTEGER NOT NULL DEFAULT 0,
  revoked_ms INTEGER NOT NULL DEFAULT 0,
  last_seen_ms INTEGER NOT NULL DEFAULT 0,
  last_heartbeat_ms INTEGER NOT NULL DEFAULT 0,
  heartbeat TEXT NOT NULL DEFAULT '',
  next_seq INTEGER NOT NULL DEFAULT 1,
  last_created_ms INTEGER NOT NULL DEFAULT 0,
  last_request_id TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS kiosks_code ON kiosks(code_hash);
CREATE TABLE IF NOT EXISTS requests (
  id TEXT PRIMARY KEY,
)sql" KIOSK_HUB_REQUEST_COLUMNS R"sql(
);
CREATE INDEX IF NOT EXISTS requests_kiosk ON requests(kiosk_id, kiosk_seq);
CREATE TABLE IF NOT EXISTS changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kiosk_id INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  state TEXT NOT NULL,
  staff_note TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_kiosk ON changes(kiosk_id, seq);
)sql";

// 1 -> 2: a request's key is (kiosk_id, id), so one kiosk can neither see
// nor take another's ids; every row is kept. Codes get a selector (their
// first symbols, which name the code without revealing it) and a count of
// wrong tries, so a code can be retired after a few.
const char* kMigrateV2 = R"sql(
CREATE TABLE requests_v2 (
  id TEXT NOT NULL,
)sql" KIOSK_HUB_REQUEST_COLUMNS R"sql(,
  PRIMARY KEY (kiosk_id, id)
);
INSERT INTO requests_v2 SELECT id, kiosk_id, kiosk_seq, ticket, service_id, content_version,
  created_at_ms, received_at_ms, body_hash, body, state, staff_note, handled_at_ms, out_of_order
  FROM requests;
DROP TABLE requests;
ALTER TABLE requests_v2 RENAME TO requests;
CREATE INDEX requests_kiosk ON requests(kiosk_id, kiosk_seq);
CREATE INDEX requests_id ON requests(id);
ALTER TABLE kiosks ADD COLUMN code_selector TEXT;
ALTER TABLE kiosks ADD COLUMN code_failures INTEGER NOT NULL DEFAULT 0;
CREATE INDEX kiosks_code_selector ON kiosks(code_selector);
PRAGMA user_version=2;
)sql";

std::string random_code_symbols() {
  static const char* kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford
  std::string code;
  for (int i = 0; i < 10; ++i) code.push_back(kAlphabet[randombytes_uniform(32)]);
  return code;
}

}  // namespace

HubDb::HubDb(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HubDb::~HubDb() = default;

Expected<std::unique_ptr<HubDb>> HubDb::open(const std::string& path, HubDbOptions opts) {
  if (sodium_init() < 0) return Error{ErrorKind::Io, tr("sync.hub.storage"), "", "sodium_init failed"};
  auto impl = std::make_unique<Impl>(std::move(opts));
  if (sqlite3_open_v2(path.c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK)
    return db_error(impl->db, "open");
  sqlite3_busy_timeout(impl->db, 5000);
  // WAL + FULL: a commit is on disk before the hub acknowledges anything.
  // secure_delete: what a row held is zeroed when the row goes, not left
  // in a free page; temp_store: what a VACUUM or a sort copies stays in memory.
  if (!impl->exec("PRAGMA journal_mode=WAL;") || !impl->exec("PRAGMA synchronous=FULL;") ||
      !impl->exec("PRAGMA foreign_keys=ON;") || !impl->exec("PRAGMA secure_delete=ON;") ||
      !impl->exec("PRAGMA temp_store=MEMORY;"))
    return db_error(impl->db, "pragma");
  int version = 0;
  {
    Stmt v(impl->db, "PRAGMA user_version");
    if (v.row()) v.read(version);
  }
  if (version > kSchemaVersion)
    return Error{ErrorKind::StoreDamaged, tr("sync.hub.storage"), "", "hub.db is from a newer hub"};
  // Each step in its own transaction: a crash between them leaves a file at
  // the last version reached, which the next start carries on from.
  auto step = [&](const char* sql, const char* what) -> Status {
    if (impl->exec("BEGIN IMMEDIATE") && impl->exec(sql) && impl->exec("COMMIT")) return ok_status();
    Error e = db_error(impl->db, what);
    impl->exec("ROLLBACK");
    return e;
  };
  switch (version) {
    case 0:
      if (auto st = step((std::string(kSchemaV1) + "PRAGMA user_version=1;").c_str(), "schema"); !st)
        return st.error();
      [[fallthrough]];
    case 1:
      if (auto st = step(kMigrateV2, "migrate to 2"); !st) return st.error();
      [[fallthrough]];
    case 2:
      if (auto st = migrate_to_v3(*impl); !st) return st.error();
      [[fallthrough]];
    default:
      break;
  }
  // Opened once the schema is current: it only ever reads.
  if (sqlite3_open_v2(path.c_str(), &impl->rdb, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK)
    return db_error(impl->rdb, "open reader");
  sqlite3_busy_timeout(impl->rdb, 5000);
  if (sqlite3_exec(impl->rdb, "PRAGMA query_only=ON;", nullptr, nullptr, nullptr) != SQLITE_OK)
    return db_error(impl->rdb, "pragma");
  impl->cache = std::make_unique<StatementCache>(impl->db);
  impl->rcache = std::make_unique<StatementCache>(impl->rdb);
  impl->group = std::make_unique<GroupCommit>(*impl->cache, impl->mu);
  return std::unique_ptr<HubDb>(new HubDb(std::move(impl)));
}

Expected<EnrollmentCode> HubDb::add_kiosk(const std::string& name, int64_t now_ms,
                                          int64_t valid_ms) {
  std::lock_guard lock(impl_->mu);
  EnrollmentCode c;
  c.expires_ms = now_ms + valid_ms;
  // The selector (the first kCodeSelector symbols) is unique among the codes
  // outstanding, so a wrong try that names it counts against this code alone.
  std::string code;
  for (int attempt = 0; attempt < 64 && code.empty(); ++attempt) {
    std::string candidate = random_code_symbols();
    Stmt taken(impl_->db, "SELECT 1 FROM kiosks WHERE code_selector=? AND code_hash IS NOT NULL");
    taken.bind(1, candidate.substr(0, kCodeSelector));
    const int rc = taken.step();
    if (rc == SQLITE_DONE) code = candidate;
    else if (rc != SQLITE_ROW) return db_error(impl_->db, "add kiosk");
  }
  if (code.empty())
    return Error{ErrorKind::Busy, tr("sync.hub.storage"), "", "too many enrollment codes outstanding"};
  Stmt s(impl_->db,
         "INSERT INTO kiosks(name, created_ms, code_hash, code_expires_ms, code_selector) "
         "VALUES(?,?,?,?,?)");
  s.bind_all(name, now_ms, sha256_hex(code, HexCase::Lower), c.expires_ms,
             code.substr(0, kCodeSelector));
  if (!s.done()) return db_error(impl_->db, "add kiosk");
  c.kiosk_id = sqlite3_last_insert_rowid(impl_->db);
  c.code = code.substr(0, 5) + "-" + code.substr(5);
  return c;
}

Expected<std::vector<KioskInfo>> HubDb::list_kiosks() const {
  std::lock_guard lock(impl_->mu);
  Stmt s(impl_->db,
         "SELECT k.id, k.name, k.created_ms, k.enrolled_ms, k.revoked_ms, k.last_seen_ms, "
         "k.last_heartbeat_ms, k.heartbeat, (SELECT COUNT(*) FROM requests r WHERE r.kiosk_id=k.id) "
         "FROM kiosks k ORDER BY k.id");
  if (!s.ok()) return db_error(impl_->db, "list kiosks");
  std::vector<KioskInfo> out;
  while (s.row()) {
    KioskInfo k;
    s.read(k.id, k.name, k.created_ms, k.enrolled_ms, k.revoked_ms, k.last_seen_ms,
           k.last_heartbeat_ms, k.heartbeat_json, k.requests);
    out.push_back(std::move(k));
  }
  return out;
}

Status HubDb::revoke_kiosk(int64_t kiosk_id, int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  // The code is kept (only its hash is held): a kiosk revoked before it
  // enrolled is then told "revoked" (403), not "invalid code" (401).
  Stmt s(impl_->db, "UPDATE kiosks SET revoked_ms=? WHERE id=? AND revoked_ms=0");
  s.bind_all(now_ms, kiosk_id);
  if (!s.done()) return db_error(impl_->db, "revoke");
  if (sqlite3_changes(impl_->db) == 0)
    return Error{ErrorKind::NotFound, tr("sync.hub.kiosk_not_found"), "", "no active kiosk with that id"};
  return ok_status();
}

namespace {
// The row; its body is opened only when asked (never for a list).
HubRequest read_request(const Stmt& s, const HubKeys* keys = nullptr, bool open = false) {
  HubRequest r;
  std::string sealed;
  std::string note;
  s.read(r.id, r.kiosk_id, r.kiosk_seq, r.ticket, r.service_id, r.content_version,
         r.created_at_ms, r.received_at_ms, r.state, note, r.handled_at_ms,
         r.out_of_order, sealed);
  r.staff_note = open_note(keys, r.kiosk_id, r.id, note);
  if (open) open_body(keys, r, sealed);
  return r;
}
constexpr const char* kRequestColumns =
    "SELECT id, kiosk_id, kiosk_seq, ticket, service_id, content_version, created_at_ms, "
    "received_at_ms, state, staff_note, handled_at_ms, out_of_order, body_sealed FROM requests ";
}  // namespace

Expected<std::vector<HubRequest>> HubDb::list_requests(const RequestFilter& f) const {
  std::lock_guard lock(impl_->mu);
  std::string sql = std::string(kRequestColumns) +
                    "WHERE (?1 IS NULL OR kiosk_id=?1) AND (?2 IS NULL OR state=?2) "
                    "ORDER BY kiosk_id, kiosk_seq LIMIT ?3";
  Stmt s(impl_->db, sql.c_str());
  if (!s.ok()) return db_error(impl_->db, "list requests");
  if (f.kiosk_id) s.bind(1, *f.kiosk_id); else s.bind_null(1);
  if (f.state) s.bind(2, *f.state); else s.bind_null(2);
  s.bind(3, static_cast<int64_t>(f.limit <= 0 ? -1 : f.limit));
  std::vector<HubRequest> out;
  while (s.row()) out.push_back(read_request(s, impl_->opts.keys.get()));
  return out;
}

Expected<std::vector<HubRequest>> HubDb::find_requests(const std::string& id) const {
  std::lock_guard lock(impl_->mu);
  std::string sql = std::string(kRequestColumns) + "WHERE id=? ORDER BY kiosk_id";
  Stmt s(impl_->db, sql.c_str());
  if (!s.ok()) return db_error(impl_->db, "find request");
  s.bind(1, id);
  std::vector<HubRequest> out;
  while (s.row()) out.push_back(read_request(s, impl_->opts.keys.get(), true));
  return out;
}

std::optional<HubRequest> HubDb::find_request(int64_t kiosk_id, const std::string& id) const {
  std::lock_guard lock(impl_->mu);
  std::string sql = std::string(kRequestColumns) + "WHERE kiosk_id=? AND id=?";
  Stmt s(impl_->db, sql.c_str());
  s.bind_all(kiosk_id, id);
  if (!s.row()) return std::nullopt;
  return read_request(s, impl_->opts.keys.get(), true);
}

int64_t HubDb::count_requests() const {
  std::lock_guard lock(impl_->mu);
  Stmt s(impl_->db, "SELECT COUNT(*) FROM requests");
  return s.row() ? s.i64(0) : -1;
}

Status HubDb::resolve_request(int64_t kiosk_id, const std::string& id, const std::string& note,
                              int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->opts.keys) return no_keys_error("a staff note is stored sealed");
  const HubKeys& keys = *impl_->opts.keys;
  if (!impl_->exec("BEGIN IMMEDIATE")) return db_error(impl_->db, "begin");
  auto fail = [&](Error e) { impl_->exec("ROLLBACK"); return e; };
  Stmt u(impl_->db,
         "UPDATE requests SET state='handled', staff_note=CAST(? AS BLOB), handled_at_ms=? "
         "WHERE kiosk_id=? AND id=?");
  u.bind_all(seal_note(keys, kiosk_id, id, note), now_ms, kiosk_id, id);
  if (!u.done()) return fail(db_error(impl_->db, "resolve"));
  if (sqlite3_changes(impl_->db) == 0)
    return fail(Error{ErrorKind::NotFound, tr("sync.hub.request_not_found"), "", "no request with that id"});
  Stmt c(impl_->db,
         "INSERT INTO changes(kiosk_id, request_id, state, staff_note, at_ms) "
         "VALUES(?,?,'handled',CAST(? AS BLOB),?)");
  c.bind_all(kiosk_id, id, seal_note(keys, kiosk_id, id, note), now_ms);
  if (!c.done()) return fail(db_error(impl_->db, "change"));
  if (!impl_->exec("COMMIT")) return fail(db_error(impl_->db, "commit"));
  return ok_status();
}

}  // namespace kiosk::hub
