// A failed SQLite call classified once, for every SQLite user (the request
// store, the hub's database): the kind decides what to do, the detail is for
// the log. Each user adds its own message for the worker or technician.
#pragma once
#include <string>
#include <string_view>

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

}  // namespace kiosk
