#include "kiosk/base/sqlite.hpp"

#include <cerrno>

namespace kiosk {

SqliteFailure classify_sqlite(sqlite3* db, int rc, std::string_view what) {
  const int saved_errno = errno;  // first, before anything else can touch it
  const int primary = rc & 0xff;
  // The OS error is only recorded for I/O and open failures; elsewhere it is stale.
  // SQLite does not record it for a failed COMMIT; then the thread's errno, read
  // right after the failing call, is the best witness (rollback only unlocks).
  int sys = 0;
  if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN) {
    sys = db ? sqlite3_system_errno(db) : 0;
    if (sys == 0) sys = saved_errno;
  }
  ErrorKind kind = ErrorKind::Io;
  if (primary == SQLITE_FULL || sys == ENOSPC || sys == EDQUOT)
    kind = ErrorKind::DiskFull;
  else if (primary == SQLITE_READONLY || primary == SQLITE_PERM || sys == EROFS ||
           sys == EACCES || sys == EPERM)
    kind = ErrorKind::ReadOnly;
  else if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    kind = ErrorKind::StoreDamaged;
  else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    kind = ErrorKind::StoreBusy;
  // SQLite's messages name tables and constraints, never the values bound to them.
  std::string detail(what);
  detail += ": ";
  detail += sqlite3_errstr(rc);
  detail += " (sqlite " + std::to_string(rc);
  if (sys) detail += ", errno " + std::to_string(sys);
  detail += ")";
  if (db && sqlite3_errcode(db) == rc) {
    const char* m = sqlite3_errmsg(db);
    if (m && std::string_view(m) != sqlite3_errstr(rc)) detail += std::string(" ") + m;
  }
  return {kind, std::move(detail)};
}

}  // namespace kiosk

namespace kiosk {

SqlStatement::SqlStatement(sqlite3* db, const char* sql) {
  if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) {
    sqlite3_finalize(s_);
    s_ = nullptr;
  }
}

SqlStatement::SqlStatement(StatementCache& cache, const char* sql)
    : s_(cache.take(sql)), cache_(&cache), sql_(sql) {}

SqlStatement::~SqlStatement() {
  if (cache_ && s_) cache_->give(sql_, s_);
  else sqlite3_finalize(s_);
}

StatementCache::~StatementCache() {
  for (auto& [sql, list] : free_)
    for (sqlite3_stmt* s : list) sqlite3_finalize(s);
}

sqlite3_stmt* StatementCache::take(const char* sql) {
  auto it = free_.find(sql);
  if (it != free_.end() && !it->second.empty()) {
    sqlite3_stmt* s = it->second.back();
    it->second.pop_back();
    return s;
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
    sqlite3_finalize(s);
    return nullptr;
  }
  return s;
}

void StatementCache::give(const char* sql, sqlite3_stmt* s) {
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  free_[sql].push_back(s);
}

bool StatementCache::exec(const char* sql) {
  sqlite3_stmt* s = take(sql);
  if (!s) return false;
  int rc = sqlite3_step(s);
  give(sql, s);
  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

SqlStatement& SqlStatement::bind(int i, int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}

SqlStatement& SqlStatement::bind(int i, std::string_view v) {
  sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

SqlStatement& SqlStatement::bind_blob(int i, std::string_view v) {
  sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

SqlStatement& SqlStatement::bind_null(int i) {
  sqlite3_bind_null(s_, i);
  return *this;
}

void SqlStatement::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

int SqlStatement::step() { return s_ ? sqlite3_step(s_) : SQLITE_ERROR; }

int64_t SqlStatement::i64(int c) const { return sqlite3_column_int64(s_, c); }

std::string SqlStatement::text(int c) const {
  const unsigned char* t = sqlite3_column_text(s_, c);
  return t ? std::string(reinterpret_cast<const char*>(t),
                         static_cast<size_t>(sqlite3_column_bytes(s_, c)))
           : std::string();
}

std::string SqlStatement::blob(int c) const {
  const void* p = sqlite3_column_blob(s_, c);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, c)))
           : std::string();
}

bool SqlStatement::is_null(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }

}  // namespace kiosk
