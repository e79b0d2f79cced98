// How the store's failures become values: SQLite result codes classified once
// (kiosk/base/sqlite), with the message from assets/strings/store.json.
#include <string>

#include "kiosk/base/sqlite.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/store/store_detail.hpp"

namespace kiosk::store_detail {

namespace {

std::string_view message_key(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::DiskFull: return "store.disk_full";
    case ErrorKind::ReadOnly: return "store.read_only";
    case ErrorKind::StoreDamaged: return "store.damaged";
    case ErrorKind::StoreTooNew: return "store.too_new";
    case ErrorKind::StoreMissing: return "store.missing";
    case ErrorKind::StoreBusy: return "store.busy";
    case ErrorKind::NotFound: return "store.not_found";
    case ErrorKind::Duplicate: return "store.duplicate";
    case ErrorKind::SlotFull: return "store.slot_full";
    case ErrorKind::BadRequest: return "store.bad_request";
    default: return "store.io";
  }
}

}  // namespace

Error store_error(ErrorKind kind, std::string detail) {
  Error e;
  e.message = tr(message_key(kind));
  e.kind = kind;
  e.detail = std::move(detail);
  return e;
}

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  SqliteFailure f = classify_sqlite(db, rc, what);
  return store_error(f.kind, std::move(f.detail));
}

Status exec(sqlite3* db, const char* sql, std::string_view what) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, what);
  return ok_status();
}

int user_version(sqlite3* db, Error* err) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  int v = -1;
  if (rc == SQLITE_OK) rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    v = sqlite3_column_int(st, 0);
  } else if (err) {
    *err = sqlite_error(db, rc, "read schema version");
  }
  sqlite3_finalize(st);
  return v;
}

}  // namespace kiosk::store_detail
