// SQLite helpers for every SQLite user (the request store, the hub's
// database): a failed call classified once (the kind decides what to do, the
// detail is for the log; each user adds its own message for the worker or
// technician), and a prepared statement with bind/step/read helpers.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <sqlite3.h>

#include "kiosk/base/expected.hpp"

namespace kiosk {

struct SqliteFailure {
  ErrorKind kind;      // DiskFull, ReadOnly, StoreDamaged, StoreBusy or Io
  std::string detail;  // "what: sqlite's text (sqlite N, errno E) message"; never bound values
};

// Call right after the failing call: for I/O errors the thread's errno is
// one of the witnesses.
SqliteFailure classify_sqlite(sqlite3* db, int rc, std::string_view what);

// Prepared statements of one connection, kept for the next call with the
// same SQL text: a hot path (the hub's every upload and heartbeat) prepares
// each statement once, not on every call. Guarded by whatever guards the
// connection; destroy it before closing the connection.
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  sqlite3* db() const { return db_; }
  // A statement for `sql`, kept or newly prepared; nullptr if it does not
  // prepare. Hand it back with give(), never finalise it.
  sqlite3_stmt* take(const char* sql);
  // Reset, bindings cleared, kept for the next take() of `sql`.
  void give(const char* sql, sqlite3_stmt* s);
  // Runs one statement without rows (BEGIN, SAVEPOINT, COMMIT, a PRAGMA).
  bool exec(const char* sql);

 private:
  sqlite3* db_;
  // More than one per text when one is in use while another is taken.
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> free_;
};

// One prepared statement, finalised at scope exit (or given back to its
// cache). A statement that did not
// prepare is !ok(); stepping it then fails (SQLITE_ERROR), never crashes.
class SqlStatement {
 public:
  SqlStatement(sqlite3* db, const char* sql);
  SqlStatement(StatementCache& cache, const char* sql);
  ~SqlStatement();
  SqlStatement(const SqlStatement&) = delete;
  SqlStatement& operator=(const SqlStatement&) = delete;

  bool ok() const { return s_ != nullptr; }
  SqlStatement& bind(int i, int64_t v);
  SqlStatement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  SqlStatement& bind(int i, bool v) { return bind(i, static_cast<int64_t>(v ? 1 : 0)); }
  SqlStatement& bind(int i, std::string_view v);
  SqlStatement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  SqlStatement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  SqlStatement& bind_null(int i);
  SqlStatement& bind_blob(int i, std::string_view v);
  // Binds the values to parameters 1, 2, ... in order.
  template <class... T>
  SqlStatement& bind_all(const T&... v) {
    int i = 0;
    (bind(++i, v), ...);
    return *this;
  }
  // Cursor and bindings cleared, ready to run again.
  void reset();

  int step();  // SQLITE_ROW, SQLITE_DONE or an error code
  bool row() { return step() == SQLITE_ROW; }
  bool done() { return step() == SQLITE_DONE; }

  int64_t i64(int c) const;
  std::string text(int c) const;
  std::string blob(int c) const;
  bool is_null(int c) const;
  // The current row's columns 0, 1, ... into `out...` in order (integers,
  // bools and strings), so a row is read in one line, not a line a column.
  template <class... T>
  void read(T&... out) const {
    int c = 0;
    (read_one(c++, out), ...);
  }

 private:
  template <class T>
  void read_one(int c, T& out) const {
    if constexpr (std::is_same_v<T, std::string>) out = text(c);
    else if constexpr (std::is_same_v<T, bool>) out = i64(c) != 0;
    else out = static_cast<T>(i64(c));
  }
  sqlite3_stmt* s_ = nullptr;
  StatementCache* cache_ = nullptr;
  const char* sql_ = nullptr;
};

}  // namespace kiosk
