// RequestStore's private state and the query helpers shared by store_open.cpp,
// store.cpp and store_sync.cpp.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include <sqlite3.h>

#include "kiosk/store/store.hpp"
#include "kiosk/store/store_detail.hpp"

namespace kiosk {

namespace store_detail {

// One SQLite connection and its cached prepared statements, keyed by the SQL
// literal's address (every query is a string constant).
struct Connection {
  sqlite3* db = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> cache;
  ~Connection();
  sqlite3_stmt* prepare(const char* sql, Error* err);
};

}  // namespace store_detail

struct RequestStore::Impl {
  store_detail::Connection conn;
  sqlite3*& db = conn.db;
  std::string path;
  StoreOptions opts;
  bool read_only = false;
  int64_t last_purge_ms = 0;  // mark_delivered purges expired answers at most hourly
  std::string dedup_secret;   // the key of the duplicate checks (dedup.key)
  ~Impl();
  // The UI and the sync thread each open their own store (WAL lets them work
  // side by side); a store used from two threads anyway stays safe, since
  // every method holds this for its whole transaction (statements are not
  // re-entrant).
  std::mutex mu;
};

namespace store_detail {

inline constexpr const char* kColumns =
    "id, ticket, service, content_version, created_at, state, state_at, state_reason, "
    "staff_note, answers, attempts, delivered_at, answers_sealed, sealed_to";

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
  Query& bind_blob(int i, std::string_view v) {
    sqlite3_bind_blob(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
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
  std::string blob(int c) const {
    const void* p = sqlite3_column_blob(st_, c);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st_, c)))
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

RequestRecord read_record(const Query& q);  // the kColumns of one row
void log_read_error(const Error& e);
Expected<int> purge_locked(Connection& c, int64_t retention_ms, int64_t now_ms);

// The settings key that holds the adopted hub key (base64url).
inline constexpr const char* kHubKeySetting = "seal.hub_box_public_key";
// The hub key in force: the options', else the file's (raw bytes), else "".
std::string current_hub_key(Connection& c, const StoreOptions& opts);

}  // namespace store_detail

}  // namespace kiosk
