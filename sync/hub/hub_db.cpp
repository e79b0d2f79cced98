#include "sync/hub/hub_db.hpp"
#include "kiosk/base/hash.hpp"
#include "kiosk/base/sqlite.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <chrono>
#include <mutex>

#include "kiosk/base/strings.hpp"

namespace kiosk::hub {

namespace {

constexpr int kSchemaVersion = 1;

const char* kSchema = R"sql(
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
  kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),
  kiosk_seq INTEGER NOT NULL,
  ticket TEXT NOT NULL,
  service_id TEXT NOT NULL,
  content_version TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  body_hash TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'received',
  staff_note TEXT NOT NULL DEFAULT '',
  handled_at_ms INTEGER NOT NULL DEFAULT 0,
  out_of_order INTEGER NOT NULL DEFAULT 0
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

// Classified as the kiosk's store does (kiosk/base/sqlite); one message for all.
Error db_error(sqlite3* db, const char* what) {
  SqliteFailure f = classify_sqlite(db, sqlite3_extended_errcode(db), what);
  return Error{f.kind, tr("sync.hub.storage"), "", std::move(f.detail)};
}

// A prepared statement with bind/step helpers; finalised on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) s_ = nullptr;
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return s_ != nullptr; }
  Stmt& bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); return *this; }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind_null(int i) { sqlite3_bind_null(s_, i); return *this; }
  void reset() { sqlite3_reset(s_); sqlite3_clear_bindings(s_); }
  int step() { return s_ ? sqlite3_step(s_) : SQLITE_ERROR; }
  bool row() { return step() == SQLITE_ROW; }
  bool done() { return step() == SQLITE_DONE; }
  int64_t i64(int c) const { return sqlite3_column_int64(s_, c); }
  std::string str(int c) const {
    const unsigned char* t = sqlite3_column_text(s_, c);
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<size_t>(sqlite3_column_bytes(s_, c)))
             : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

std::string random_code() {
  static const char* kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford
  std::string code;
  for (int i = 0; i < 10; ++i) code.push_back(kAlphabet[randombytes_uniform(32)]);
  return code;
}

std::string random_token() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return b64;
}

}  // namespace

struct HubDb::Impl {
  sqlite3* db = nullptr;
  mutable std::mutex mu;
  ~Impl() { sqlite3_close(db); }

  bool exec(const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }
};

HubDb::HubDb(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HubDb::~HubDb() = default;

Expected<std::unique_ptr<HubDb>> HubDb::open(const std::string& path) {
  if (sodium_init() < 0) return Error{ErrorKind::Io, tr("sync.hub.storage"), "", "sodium_init failed"};
  auto impl = std::make_unique<Impl>();
  if (sqlite3_open_v2(path.c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK)
    return db_error(impl->db, "open");
  sqlite3_busy_timeout(impl->db, 5000);
  // WAL + FULL: a commit is on disk before the hub acknowledges anything.
  if (!impl->exec("PRAGMA journal_mode=WAL;") || !impl->exec("PRAGMA synchronous=FULL;") ||
      !impl->exec("PRAGMA foreign_keys=ON;"))
    return db_error(impl->db, "pragma");
  Stmt v(impl->db, "PRAGMA user_version");
  int version = v.row() ? static_cast<int>(v.i64(0)) : 0;
  if (version > kSchemaVersion)
    return Error{ErrorKind::StoreDamaged, tr("sync.hub.storage"), "", "hub.db is from a newer hub"};
  switch (version) {
    case 0:
      if (!impl->exec("BEGIN") || !impl->exec(kSchema) || !impl->exec("PRAGMA user_version=1") ||
          !impl->exec("COMMIT"))
        return db_error(impl->db, "schema");
      [[fallthrough]];
    default:
      break;
  }
  return std::unique_ptr<HubDb>(new HubDb(std::move(impl)));
}

Expected<EnrollmentCode> HubDb::add_kiosk(const std::string& name, int64_t now_ms,
                                          int64_t valid_ms) {
  std::lock_guard lock(impl_->mu);
  EnrollmentCode c;
  c.code = random_code();
  c.expires_ms = now_ms + valid_ms;
  Stmt s(impl_->db,
         "INSERT INTO kiosks(name, created_ms, code_hash, code_expires_ms) VALUES(?,?,?,?)");
  s.bind(1, name).bind(2, now_ms).bind(3, sha256_hex(c.code, HexCase::Lower)).bind(4, c.expires_ms);
  if (!s.done()) return db_error(impl_->db, "add kiosk");
  c.kiosk_id = sqlite3_last_insert_rowid(impl_->db);
  c.code = c.code.substr(0, 5) + "-" + c.code.substr(5);
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
    k.id = s.i64(0);
    k.name = s.str(1);
    k.created_ms = s.i64(2);
    k.enrolled_ms = s.i64(3);
    k.revoked_ms = s.i64(4);
    k.last_seen_ms = s.i64(5);
    k.last_heartbeat_ms = s.i64(6);
    k.heartbeat_json = s.str(7);
    k.requests = s.i64(8);
    out.push_back(std::move(k));
  }
  return out;
}

Status HubDb::revoke_kiosk(int64_t kiosk_id, int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  Stmt s(impl_->db,
         "UPDATE kiosks SET revoked_ms=?, code_hash=NULL WHERE id=? AND revoked_ms=0");
  s.bind(1, now_ms).bind(2, kiosk_id);
  if (!s.done()) return db_error(impl_->db, "revoke");
  if (sqlite3_changes(impl_->db) == 0)
    return Error{ErrorKind::NotFound, tr("sync.hub.kiosk_not_found"), "", "no active kiosk with that id"};
  return ok_status();
}

namespace {
HubRequest read_request(Stmt& s) {
  HubRequest r;
  r.id = s.str(0);
  r.kiosk_id = s.i64(1);
  r.kiosk_seq = s.i64(2);
  r.ticket = s.str(3);
  r.service_id = s.str(4);
  r.content_version = s.str(5);
  r.created_at_ms = s.i64(6);
  r.received_at_ms = s.i64(7);
  r.state = s.str(8);
  r.staff_note = s.str(9);
  r.handled_at_ms = s.i64(10);
  r.out_of_order = s.i64(11) != 0;
  r.body = s.str(12);
  return r;
}
constexpr const char* kRequestColumns =
    "SELECT id, kiosk_id, kiosk_seq, ticket, service_id, content_version, created_at_ms, "
    "received_at_ms, state, staff_note, handled_at_ms, out_of_order, body FROM requests ";
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
  while (s.row()) out.push_back(read_request(s));
  return out;
}

std::optional<HubRequest> HubDb::find_request(const std::string& id) const {
  std::lock_guard lock(impl_->mu);
  std::string sql = std::string(kRequestColumns) + "WHERE id=?";
  Stmt s(impl_->db, sql.c_str());
  s.bind(1, id);
  if (!s.row()) return std::nullopt;
  return read_request(s);
}

int64_t HubDb::count_requests() const {
  std::lock_guard lock(impl_->mu);
  Stmt s(impl_->db, "SELECT COUNT(*) FROM requests");
  return s.row() ? s.i64(0) : -1;
}

Status HubDb::resolve_request(const std::string& id, const std::string& note, int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->exec("BEGIN IMMEDIATE")) return db_error(impl_->db, "begin");
  auto fail = [&](Error e) { impl_->exec("ROLLBACK"); return e; };
  Stmt k(impl_->db, "SELECT kiosk_id FROM requests WHERE id=?");
  k.bind(1, id);
  if (!k.row())
    return fail(Error{ErrorKind::NotFound, tr("sync.hub.request_not_found"), "", "no request with that id"});
  int64_t kiosk_id = k.i64(0);
  Stmt u(impl_->db,
         "UPDATE requests SET state='handled', staff_note=?, handled_at_ms=? WHERE id=?");
  u.bind(1, note).bind(2, now_ms).bind(3, id);
  if (!u.done()) return fail(db_error(impl_->db, "resolve"));
  Stmt c(impl_->db,
         "INSERT INTO changes(kiosk_id, request_id, state, staff_note, at_ms) "
         "VALUES(?,?,'handled',?,?)");
  c.bind(1, kiosk_id).bind(2, id).bind(3, note).bind(4, now_ms);
  if (!c.done()) return fail(db_error(impl_->db, "change"));
  if (!impl_->exec("COMMIT")) return fail(db_error(impl_->db, "commit"));
  return ok_status();
}

Expected<sync::EnrollResponse> HubDb::enroll(const std::string& code, int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  std::string norm = sync::normalize_enroll_code(code);
  Stmt s(impl_->db, "SELECT id, name, code_expires_ms, revoked_ms FROM kiosks WHERE code_hash=?");
  s.bind(1, sha256_hex(norm, HexCase::Lower));
  if (norm.size() != 10 || !s.row())
    return Error{ErrorKind::InvalidCode, tr("sync.enroll.invalid_code"), "", "unknown or used code"};
  if (s.i64(3) != 0) return Error{ErrorKind::Revoked, tr("sync.revoked"), "", "kiosk revoked"};
  if (s.i64(2) < now_ms)
    return Error{ErrorKind::InvalidCode, tr("sync.enroll.invalid_code"), "", "code expired"};
  sync::EnrollResponse r;
  r.kiosk_id = std::to_string(s.i64(0));
  r.kiosk_name = s.str(1);
  r.token = random_token();
  // One-time: the code hash is dropped in the same statement that stores the token hash.
  Stmt u(impl_->db,
         "UPDATE kiosks SET code_hash=NULL, token_hash=?, enrolled_ms=? WHERE id=? AND code_hash=?");
  u.bind(1, sha256_hex(r.token, HexCase::Lower)).bind(2, now_ms).bind(3, s.i64(0)).bind(4, sha256_hex(norm, HexCase::Lower));
  if (!u.done() || sqlite3_changes(impl_->db) != 1) return db_error(impl_->db, "enroll");
  return r;
}

Expected<int64_t> HubDb::authenticate(const std::string& token, int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  if (token.empty())
    return Error{ErrorKind::Unauthorized, tr("sync.unauthorized"), "", "no token"};
  Stmt s(impl_->db, "SELECT id, revoked_ms, last_seen_ms FROM kiosks WHERE token_hash=?");
  s.bind(1, sha256_hex(token, HexCase::Lower));
  if (!s.row()) return Error{ErrorKind::Unauthorized, tr("sync.unauthorized"), "", "unknown token"};
  if (s.i64(1) != 0) return Error{ErrorKind::Revoked, tr("sync.revoked"), "", "kiosk revoked"};
  int64_t id = s.i64(0);
  // last_seen is advisory: written at most every 10 s to keep reads cheap.
  if (now_ms - s.i64(2) > 10000) {
    Stmt u(impl_->db, "UPDATE kiosks SET last_seen_ms=? WHERE id=?");
    u.bind(1, now_ms).bind(2, id);
    u.done();
  }
  return id;
}

Expected<sync::UploadResponse> HubDb::ingest(int64_t kiosk_id, const sync::UploadBatch& batch,
                                             const std::set<std::string>& services,
                                             int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->exec("BEGIN IMMEDIATE")) return db_error(impl_->db, "begin");
  auto fail = [&](Error e) { impl_->exec("ROLLBACK"); return e; };

  Stmt k(impl_->db, "SELECT next_seq, last_created_ms, last_request_id FROM kiosks WHERE id=?");
  k.bind(1, kiosk_id);
  if (!k.row()) return fail(Error{ErrorKind::Unauthorized, tr("sync.unauthorized"), "", "kiosk gone"});
  int64_t next_seq = k.i64(0);
  int64_t last_created = k.i64(1);
  std::string last_id = k.str(2);

  Stmt find(impl_->db, "SELECT body_hash FROM requests WHERE id=?");
  Stmt ins(impl_->db,
           "INSERT INTO requests(id, kiosk_id, kiosk_seq, ticket, service_id, content_version, "
           "created_at_ms, received_at_ms, body_hash, body, out_of_order) "
           "VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  if (!find.ok() || !ins.ok()) return fail(db_error(impl_->db, "prepare"));

  sync::UploadResponse resp;
  resp.results.reserve(batch.requests.size());
  for (const auto& r : batch.requests) {
    sync::ItemOutcome o;
    o.id = r.id;
    auto reject = [&](const char* reason) {
      o.result = sync::ItemResult::Rejected;
      o.reason = reason;
      resp.results.push_back(o);
    };
    if (r.created_at_ms < 0 || !sync::is_uuid_v7(r.id) || !sync::is_valid_ticket(r.ticket) ||
        r.service_id.empty()) {
      reject("invalid");
      continue;
    }
    if (!services.empty() && !services.count(r.service_id)) {
      reject("unknown_service");
      continue;
    }
    std::string body = sync::to_json(r);
    if (static_cast<int64_t>(body.size()) > sync::kMaxItemBytes) {
      reject("too_large");
      continue;
    }
    std::string hash = sha256_hex(body, HexCase::Lower);
    find.reset();
    find.bind(1, r.id);
    if (find.row()) {
      if (find.str(0) == hash) {
        o.result = sync::ItemResult::Duplicate;
        resp.results.push_back(o);
      } else {
        reject("conflict");
      }
      continue;
    }
    bool out_of_order = r.created_at_ms < last_created ||
                        (r.created_at_ms == last_created && r.id < last_id);
    Stmt& i = ins;
    i.reset();
    i.bind(1, r.id).bind(2, kiosk_id).bind(3, next_seq).bind(4, r.ticket).bind(5, r.service_id);
    i.bind(6, r.content_version).bind(7, r.created_at_ms).bind(8, now_ms).bind(9, hash);
    i.bind(10, body).bind(11, static_cast<int64_t>(out_of_order ? 1 : 0));
    if (!i.done()) return fail(db_error(impl_->db, "insert"));
    ++next_seq;
    if (!out_of_order) {
      last_created = r.created_at_ms;
      last_id = r.id;
    }
    o.result = sync::ItemResult::Accepted;
    resp.results.push_back(o);
  }
  Stmt u(impl_->db,
         "UPDATE kiosks SET next_seq=?, last_created_ms=?, last_request_id=?, last_seen_ms=? "
         "WHERE id=?");
  u.bind(1, next_seq).bind(2, last_created).bind(3, last_id).bind(4, now_ms).bind(5, kiosk_id);
  if (!u.done()) return fail(db_error(impl_->db, "kiosk seq"));
  if (!impl_->exec("COMMIT")) return fail(db_error(impl_->db, "commit"));
  resp.hub_time_ms = now_ms;
  return resp;
}

Expected<sync::StatusPage> HubDb::changes_since(int64_t kiosk_id, const std::string& cursor,
                                                int limit) const {
  std::lock_guard lock(impl_->mu);
  int64_t after = 0;
  if (!cursor.empty()) {
    try {
      size_t used = 0;
      after = std::stoll(cursor, &used);
      if (used != cursor.size() || after < 0) throw std::invalid_argument("cursor");
    } catch (const std::exception&) {
      return Error{ErrorKind::BadField, tr("sync.bad_field"), "cursor", "cursor is not ours"};
    }
  }
  Stmt s(impl_->db,
         "SELECT c.seq, c.request_id, r.ticket, c.state, c.staff_note, c.at_ms FROM changes c "
         "JOIN requests r ON r.id=c.request_id WHERE c.kiosk_id=? AND c.seq>? ORDER BY c.seq "
         "LIMIT ?");
  s.bind(1, kiosk_id).bind(2, after).bind(3, static_cast<int64_t>(limit + 1));
  sync::StatusPage p;
  int64_t last = after;
  while (s.row()) {
    if (static_cast<int>(p.changes.size()) == limit) {
      p.more = true;
      break;
    }
    sync::StatusChange c;
    last = s.i64(0);
    c.id = s.str(1);
    c.ticket = s.str(2);
    c.state = s.str(3);
    c.staff_note = s.str(4);
    c.at_ms = s.i64(5);
    p.changes.push_back(std::move(c));
  }
  p.cursor = std::to_string(last);
  return p;
}

Status HubDb::record_heartbeat(int64_t kiosk_id, const std::string& heartbeat_json,
                               int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  // A heartbeat is a status report, not a request: losing the last one in a
  // power cut is harmless, so it is committed without waiting for fsync and
  // does not queue behind the requests' durable commits.
  impl_->exec("PRAGMA synchronous=NORMAL");
  Stmt u(impl_->db,
         "UPDATE kiosks SET heartbeat=?, last_heartbeat_ms=?, last_seen_ms=? WHERE id=?");
  u.bind(1, heartbeat_json).bind(2, now_ms).bind(3, now_ms).bind(4, kiosk_id);
  const bool ok = u.done();
  impl_->exec("PRAGMA synchronous=FULL");
  if (!ok) return db_error(impl_->db, "heartbeat");
  return ok_status();
}

}  // namespace kiosk::hub
