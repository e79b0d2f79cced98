// The request store's queries: submit (one IMMEDIATE transaction: capacity,
// duplicates, ticket, row, COMMIT), lookups, and the sync side's state changes.
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <optional>

#include "kiosk/core/log.hpp"
#include "kiosk/core/store.hpp"
#include "kiosk/core/store_detail.hpp"
#include "kiosk/core/store_impl.hpp"

namespace kiosk {

using namespace store_detail;

std::string_view to_string(RequestState s) {
  switch (s) {
    case RequestState::Queued: return "queued";
    case RequestState::Sending: return "sending";
    case RequestState::Delivered: return "delivered";
    case RequestState::Handled: return "handled";
    case RequestState::Quarantined: return "quarantined";
  }
  return "queued";
}

std::optional<RequestState> parse_request_state(std::string_view s) {
  for (auto st : {RequestState::Queued, RequestState::Sending, RequestState::Delivered,
                  RequestState::Handled, RequestState::Quarantined})
    if (to_string(st) == s) return st;
  return std::nullopt;
}

namespace {

constexpr const char* kColumns =
    "id, ticket, service, content_version, created_at, state, state_at, state_reason, "
    "staff_note, answers, attempts, delivered_at";

// A cached statement in use: bindings and cursor cleared when it goes out of scope.
class Query {
 public:
  Query(Connection& c, const char* sql) : db_(c.db), st_(c.prepare(sql, &err_)) {}
  ~Query() {
    if (st_) {
      sqlite3_reset(st_);
      sqlite3_clear_bindings(st_);
    }
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  bool ok() const { return st_ != nullptr; }
  const Error& error() const { return err_; }
  Query& bind(int i, std::string_view v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Query& bind(int i, int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Query& bind_null(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE, or an error code (then error() is set).
  int step(std::string_view what) {
    int rc = sqlite3_step(st_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) err_ = sqlite_error(db_, rc, what);
    return rc;
  }
  Status run(std::string_view what) {
    int rc = step(what);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) return ok_status();
    return err_;
  }
  int64_t i64(int c) const { return sqlite3_column_int64(st_, c); }
  std::string text(int c) const {
    const auto* p = sqlite3_column_text(st_, c);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(st_, c)))
             : std::string();
  }
  bool is_null(int c) const { return sqlite3_column_type(st_, c) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  Error err_;
  sqlite3_stmt* st_;
};

// BEGIN IMMEDIATE ... COMMIT; rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  ~Transaction() {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Status begin() { return exec(db_, "BEGIN IMMEDIATE", "begin"); }
  Status commit() { return exec(db_, "COMMIT", "commit"); }

 private:
  sqlite3* db_;
};

RequestRecord read_record(const Query& q) {
  RequestRecord r;
  r.id = q.text(0);
  r.ticket = q.text(1);
  r.service_id = q.text(2);
  r.content_version = q.text(3);
  r.created_at_ms = q.i64(4);
  r.state = parse_request_state(q.text(5)).value_or(RequestState::Queued);
  r.state_at_ms = q.i64(6);
  r.state_reason = q.text(7);
  r.staff_note = q.text(8);
  if (!q.is_null(9)) {
    auto j = nlohmann::json::parse(q.text(9), nullptr, false);
    if (!j.is_discarded()) r.answers = std::move(j);
  }
  r.attempts = static_cast<int>(q.i64(10));
  r.delivered_at_ms = q.i64(11);
  return r;
}

std::string format_ticket(const std::string& prefix, int64_t n) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%04" PRId64, n);
  return prefix + "-" + digits;
}

bool valid_prefix(const std::string& p) {
  if (p.empty() || p.size() > 8) return false;
  for (char c : p)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string upper_ascii(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

void log_read_error(const Error& e) {
  log::event(log::Level::Error, "store", "read_failed", {{"code", e.code}, {"detail", e.detail}});
}

Expected<int> purge_locked(Connection& c, int64_t retention_ms, int64_t now_ms) {
  const int64_t cutoff = now_ms - retention_ms;
  Query q(c,
          "UPDATE requests SET answers = NULL WHERE answers IS NOT NULL AND ("
          "(state IN ('delivered', 'handled') AND delivered_at > 0 AND delivered_at <= ?1) OR "
          "(state = 'quarantined' AND state_at <= ?1))");
  if (!q.ok()) return q.error();
  if (auto st = q.bind(1, cutoff).run("purge"); !st) return st.error();
  const int n = sqlite3_changes(c.db);
  if (n > 0) {
    // The old pages may still sit in the WAL: copy back and truncate it.
    sqlite3_wal_checkpoint_v2(c.db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    log::event(log::Level::Info, "store", "purged", {{"count", int64_t{n}}});
  }
  return n;
}

}  // namespace

Expected<RequestRecord> RequestStore::submit(const NewRequest& req, int64_t now_ms) {
  if (req.service_id.empty() || !valid_prefix(req.ticket_prefix) ||
      !req.plan.answers.is_object())
    return store_error("bad_request", "service, ticket prefix or answers missing");
  std::lock_guard lock(impl_->mu);
  Impl& s = *impl_;
  Transaction txn(s.db);
  if (auto st = txn.begin(); !st) return st.error();

  for (const auto& r : req.plan.reservations) {
    Query q(s.conn,
            "SELECT count(*) FROM reservations r JOIN requests q ON q.id = r.request_id "
            "WHERE r.resource_key = ?1 AND q.state != 'quarantined'");
    if (!q.ok()) return q.error();
    if (q.bind(1, r.resource_key).step("count bookings") != SQLITE_ROW) return q.error();
    if (q.i64(0) >= r.capacity) return store_error("slot_full", r.resource_key);
  }
  for (const auto& k : req.plan.dedup_keys) {
    Query q(s.conn, "SELECT 1 FROM dedup_keys WHERE key = ?1");
    if (!q.ok()) return q.error();
    const int rc = q.bind(1, k).step("check duplicate");
    if (rc == SQLITE_ROW) return store_error("duplicate", "dedup key taken");
    if (rc != SQLITE_DONE) return q.error();
  }

  RequestRecord rec;
  {
    Query q(s.conn,
            "INSERT INTO ticket_counters (prefix, next) VALUES (?1, 2) "
            "ON CONFLICT (prefix) DO UPDATE SET next = next + 1 RETURNING next - 1");
    if (!q.ok()) return q.error();
    if (q.bind(1, req.ticket_prefix).step("issue ticket") != SQLITE_ROW) return q.error();
    rec.ticket = format_ticket(req.ticket_prefix, q.i64(0));
  }
  rec.id = make_uuid_v7(now_ms);
  rec.service_id = req.service_id;
  rec.content_version = req.content_version;
  rec.created_at_ms = now_ms;
  rec.state = RequestState::Queued;
  rec.state_at_ms = now_ms;
  rec.answers = req.plan.answers;
  {
    Query q(s.conn,
            "INSERT INTO requests (id, ticket, service, content_version, created_at, state, "
            "state_at, answers) VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?5, ?6)");
    if (!q.ok()) return q.error();
    q.bind(1, rec.id).bind(2, rec.ticket).bind(3, rec.service_id).bind(4, rec.content_version);
    q.bind(5, now_ms).bind(6, req.plan.answers.dump());
    if (auto st = q.run("insert request"); !st) return st.error();
  }
  for (const auto& r : req.plan.reservations) {
    Query q(s.conn, "INSERT OR IGNORE INTO reservations (request_id, resource_key) VALUES (?1, ?2)");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, rec.id).bind(2, r.resource_key).run("reserve"); !st)
      return st.error();
  }
  for (const auto& k : req.plan.dedup_keys) {
    Query q(s.conn, "INSERT OR IGNORE INTO dedup_keys (key, request_id) VALUES (?1, ?2)");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, k).bind(2, rec.id).run("dedup key"); !st) return st.error();
  }
  // Only a COMMIT that returned OK makes a ticket; anything else was rolled back.
  if (auto st = txn.commit(); !st) {
    log::event(log::Level::Error, "store", "submit_failed",
               {{"code", st.error().code}, {"detail", st.error().detail}});
    return st.error();
  }
  log::event(log::Level::Info, "store", "submitted",
             {{"ticket", rec.ticket}, {"id", rec.id}, {"service", rec.service_id}});
  return rec;
}

std::optional<RequestRecord> RequestStore::find(std::string_view ticket_or_id) const {
  std::lock_guard lock(impl_->mu);
  static const std::string sql = std::string("SELECT ") + kColumns +
                                 " FROM requests WHERE id = ?1 OR ticket = ?2 LIMIT 1";
  Query q(impl_->conn, sql.c_str());
  if (!q.ok()) return log_read_error(q.error()), std::nullopt;
  const int rc = q.bind(1, ticket_or_id).bind(2, upper_ascii(ticket_or_id)).step("find");
  if (rc == SQLITE_ROW) return read_record(q);
  if (rc != SQLITE_DONE) log_read_error(q.error());
  return std::nullopt;
}

std::vector<RequestRecord> RequestStore::list(std::optional<RequestState> state, int limit,
                                              int offset) const {
  std::lock_guard lock(impl_->mu);
  static const std::string sql = std::string("SELECT ") + kColumns +
                                 " FROM requests WHERE ?1 IS NULL OR state = ?1 "
                                 "ORDER BY created_at DESC, rowid DESC LIMIT ?2 OFFSET ?3";
  std::vector<RequestRecord> out;
  Query q(impl_->conn, sql.c_str());
  if (!q.ok()) return log_read_error(q.error()), out;
  if (state)
    q.bind(1, to_string(*state));
  else
    q.bind_null(1);
  q.bind(2, int64_t{limit}).bind(3, int64_t{offset});
  int rc;
  while ((rc = q.step("list")) == SQLITE_ROW) out.push_back(read_record(q));
  if (rc != SQLITE_DONE) log_read_error(q.error());
  return out;
}

QueueStats RequestStore::stats() const {
  std::lock_guard lock(impl_->mu);
  QueueStats st;
  {
    Query q(impl_->conn, "SELECT state, count(*) FROM requests GROUP BY state");
    if (!q.ok()) return log_read_error(q.error()), st;
    while (q.step("stats") == SQLITE_ROW) {
      const int n = static_cast<int>(q.i64(1));
      switch (parse_request_state(q.text(0)).value_or(RequestState::Queued)) {
        case RequestState::Queued: st.queued += n; break;
        case RequestState::Sending: st.sending += n; break;
        case RequestState::Delivered: st.delivered += n; break;
        case RequestState::Handled: st.handled += n; break;
        case RequestState::Quarantined: st.quarantined += n; break;
      }
    }
  }
  Query q(impl_->conn, "SELECT min(created_at) FROM requests WHERE state = 'queued'");
  if (q.ok() && q.step("oldest") == SQLITE_ROW && !q.is_null(0)) st.oldest_queued_ms = q.i64(0);
  return st;
}

int RequestStore::local_bookings(const std::string& resource_key) const {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn,
          "SELECT count(*) FROM reservations r JOIN requests q ON q.id = r.request_id "
          "WHERE r.resource_key = ?1 AND q.state != 'quarantined'");
  if (!q.ok()) return log_read_error(q.error()), 0;
  if (q.bind(1, resource_key).step("bookings") != SQLITE_ROW) return log_read_error(q.error()), 0;
  return static_cast<int>(q.i64(0));
}

bool RequestStore::has_dedup_key(const std::string& dedup_key) const {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn, "SELECT 1 FROM dedup_keys WHERE key = ?1");
  if (!q.ok()) return log_read_error(q.error()), false;
  const int rc = q.bind(1, dedup_key).step("dedup");
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) log_read_error(q.error());
  return rc == SQLITE_ROW;
}

Expected<std::vector<RequestRecord>> RequestStore::claim_batch(int max_items, int64_t max_bytes,
                                                               int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  Impl& s = *impl_;
  Transaction txn(s.db);
  if (auto st = txn.begin(); !st) return st.error();
  static const std::string sql = std::string("SELECT ") + kColumns +
                                 ", length(answers) FROM requests WHERE state = 'queued' "
                                 "ORDER BY created_at, rowid LIMIT ?1";
  std::vector<RequestRecord> batch;
  {
    Query q(s.conn, sql.c_str());
    if (!q.ok()) return q.error();
    q.bind(1, int64_t{max_items});
    int64_t bytes = 0;
    int rc;
    while ((rc = q.step("claim")) == SQLITE_ROW) {
      const int64_t size = q.i64(12);
      // Always at least one, so an oversized request still travels alone.
      if (!batch.empty() && bytes + size > max_bytes) break;
      bytes += size;
      batch.push_back(read_record(q));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return q.error();
  }
  for (auto& r : batch) {
    Query q(s.conn, "UPDATE requests SET state = 'sending', state_at = ?2 WHERE id = ?1");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, r.id).bind(2, now_ms).run("claim"); !st) return st.error();
    r.state = RequestState::Sending;
    r.state_at_ms = now_ms;
  }
  if (auto st = txn.commit(); !st) return st.error();
  return batch;
}

Status RequestStore::requeue(const std::vector<std::string>& ids, std::string_view reason,
                             int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  Transaction txn(impl_->db);
  if (auto st = txn.begin(); !st) return st;
  for (const auto& id : ids) {
    Query q(impl_->conn,
            "UPDATE requests SET state = 'queued', state_at = ?2, state_reason = ?3, "
            "attempts = attempts + 1 WHERE id = ?1 AND state = 'sending'");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, id).bind(2, now_ms).bind(3, reason).run("requeue"); !st) return st;
  }
  return txn.commit();
}

Status RequestStore::requeue_all_sending(std::string_view reason, int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn,
          "UPDATE requests SET state = 'queued', state_at = ?1, state_reason = ?2, "
          "attempts = attempts + 1 WHERE state = 'sending'");
  if (!q.ok()) return q.error();
  return q.bind(1, now_ms).bind(2, reason).run("requeue all");
}

Status RequestStore::mark_delivered(const std::vector<std::string>& ids, int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  Transaction txn(impl_->db);
  if (auto st = txn.begin(); !st) return st;
  for (const auto& id : ids) {
    // The hub may already hold a request we still had queued (an answer lost
    // on the way back): delivered either way, but never back from handled.
    Query q(impl_->conn,
            "UPDATE requests SET state = 'delivered', state_at = ?2, state_reason = '', "
            "delivered_at = ?2 WHERE id = ?1 AND state IN ('queued', 'sending')");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, id).bind(2, now_ms).run("deliver"); !st) return st;
  }
  if (auto st = txn.commit(); !st) return st;
  // Retention runs where deliveries happen, at most hourly, so no caller has to
  // remember it; a failure here is logged and retried next time.
  if (impl_->last_purge_ms == 0 || now_ms - impl_->last_purge_ms >= 3'600'000) {
    impl_->last_purge_ms = now_ms;
    if (auto n = purge_locked(impl_->conn, impl_->opts.retention_ms, now_ms); !n)
      log::event(log::Level::Warn, "store", "purge_failed", {{"code", n.error().code}});
  }
  return ok_status();
}

Status RequestStore::quarantine(const std::string& id, std::string_view reason, int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  Transaction txn(impl_->db);
  if (auto st = txn.begin(); !st) return st;
  {
    Query q(impl_->conn,
            "UPDATE requests SET state = 'quarantined', state_at = ?2, state_reason = ?3 "
            "WHERE id = ?1");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, id).bind(2, now_ms).bind(3, reason).run("quarantine"); !st) return st;
    if (sqlite3_changes(impl_->db) == 0) return store_error("not_found", "quarantine");
  }
  {
    // Its places are released by the state; its duplicate keys must go, or the
    // worker could never file the corrected request.
    Query q(impl_->conn, "DELETE FROM dedup_keys WHERE request_id = ?1");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, id).run("release dedup"); !st) return st;
  }
  if (auto st = txn.commit(); !st) return st;
  log::event(log::Level::Warn, "store", "quarantined", {{"id", id}});
  return ok_status();
}

Status RequestStore::mark_handled(const std::string& id, std::string_view staff_note,
                                  int64_t at_ms) {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn,
          "UPDATE requests SET state = 'handled', state_at = ?2, state_reason = '', "
          "staff_note = ?3, delivered_at = CASE WHEN delivered_at = 0 THEN ?2 ELSE delivered_at "
          "END WHERE id = ?1 AND state != 'quarantined'");
  if (!q.ok()) return q.error();
  if (auto st = q.bind(1, id).bind(2, at_ms).bind(3, staff_note).run("handled"); !st) return st;
  if (sqlite3_changes(impl_->db) == 0) return store_error("not_found", "handled");
  return ok_status();
}

Expected<int> RequestStore::purge_expired(int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  impl_->last_purge_ms = now_ms;
  return purge_locked(impl_->conn, impl_->opts.retention_ms, now_ms);
}

std::optional<std::string> RequestStore::setting(std::string_view key) const {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn, "SELECT value FROM settings WHERE key = ?1");
  if (!q.ok()) return log_read_error(q.error()), std::nullopt;
  const int rc = q.bind(1, key).step("setting");
  if (rc == SQLITE_ROW) return q.text(0);
  if (rc != SQLITE_DONE) log_read_error(q.error());
  return std::nullopt;
}

Status RequestStore::set_setting(std::string_view key, std::string_view value) {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn,
          "INSERT INTO settings (key, value) VALUES (?1, ?2) "
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!q.ok()) return q.error();
  return q.bind(1, key).bind(2, value).run("set setting");
}

int RequestStore::schema_version() const {
  std::lock_guard lock(impl_->mu);
  return user_version(impl_->db, nullptr);
}

Status RequestStore::integrity_check() const {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn, "PRAGMA integrity_check");
  if (!q.ok()) return q.error();
  std::string first;
  int rc = q.step("integrity_check");
  if (rc == SQLITE_ROW) first = q.text(0);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return q.error();
  if (first != "ok") return store_error("store_damaged", "integrity_check: " + first);
  return ok_status();
}

const std::string& RequestStore::path() const { return impl_->path; }

}  // namespace kiosk
