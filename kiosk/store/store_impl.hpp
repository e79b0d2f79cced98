// RequestStore's private state and the query helpers shared by store_open.cpp,
// store.cpp and store_sync.cpp.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <sqlite3.h>

#include "kiosk/base/sqlite.hpp"
#include "kiosk/store/store.hpp"
#include "kiosk/store/store_detail.hpp"

namespace kiosk {

namespace store_detail {

// One SQLite connection and its prepared statements (the project's one
// statement cache, kiosk/base/sqlite.hpp), made when the connection is
// handed to the store and finalised before it is closed.
struct Connection {
  sqlite3* db = nullptr;
  std::unique_ptr<StatementCache> cache;
  ~Connection();
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

// A cached statement in use (kiosk/base's SqlStatement, given back to the
// connection's cache when it goes out of scope) that keeps the store's
// classified error of its last failure: binds chain, step(what) and
// run(what) name what failed.
class Query : public SqlStatement {
 public:
  Query(Connection& c, const char* sql) : SqlStatement(*c.cache, sql), db_(c.db) {
    if (!ok()) err_ = sqlite_error(db_, sqlite3_errcode(db_), "prepare");
  }
  const Error& error() const { return err_; }
  template <class T>
  Query& bind(int i, const T& v) {
    SqlStatement::bind(i, v);
    return *this;
  }
  Query& bind_blob(int i, std::string_view v) {
    SqlStatement::bind_blob(i, v);
    return *this;
  }
  Query& bind_null(int i) {
    SqlStatement::bind_null(i);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE, or an error code (then error() is set).
  int step(std::string_view what) {
    const int rc = SqlStatement::step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) err_ = sqlite_error(db_, rc, what);
    return rc;
  }
  Status run(std::string_view what) {
    const int rc = step(what);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) return ok_status();
    return err_;
  }

 private:
  sqlite3* db_;
  Error err_;
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
