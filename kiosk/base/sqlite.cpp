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
