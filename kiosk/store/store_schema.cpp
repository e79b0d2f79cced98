// The request store's schema and its history. PRAGMA user_version says which
// schema a file holds; each migration runs in its own IMMEDIATE transaction and
// re-reads the version inside it, so two processes opening an old file at once
// migrate it exactly once, and a crash mid-migration leaves the previous version.
//
// History:
//   v1  requests, ticket_counters, settings; a refused request was 'rejected'.
//   v2  reservations and dedup_keys (capacity and duplicates checked at submit),
//       delivered_at, 'rejected' renamed 'quarantined', index for the sync claim.
//   v3  staff_note (the staff's reply from the hub), 'handled', index for listing.
#include "kiosk/store/store_detail.hpp"

namespace kiosk::store_detail {

namespace {

// A new file gets the current schema directly; the migration tests check that it
// matches what the migrations make of a v1 file, column for column.
constexpr const char* kCreateCurrent = R"sql(
CREATE TABLE requests (
  id TEXT PRIMARY KEY NOT NULL,
  ticket TEXT NOT NULL UNIQUE,
  service TEXT NOT NULL,
  content_version TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  state_at INTEGER NOT NULL,
  state_reason TEXT NOT NULL DEFAULT '',
  answers TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  delivered_at INTEGER NOT NULL DEFAULT 0,
  staff_note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE ticket_counters (
  prefix TEXT PRIMARY KEY NOT NULL,
  next INTEGER NOT NULL
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
CREATE TABLE reservations (
  request_id TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
  resource_key TEXT NOT NULL,
  PRIMARY KEY (resource_key, request_id)
);
CREATE TABLE dedup_keys (
  key TEXT PRIMARY KEY NOT NULL,
  request_id TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE
);
CREATE INDEX dedup_keys_request ON dedup_keys(request_id);
CREATE INDEX requests_state_created ON requests(state, created_at);
CREATE INDEX requests_created ON requests(created_at);
PRAGMA user_version = 3;
)sql";

constexpr const char* kMigrate1to2 = R"sql(
ALTER TABLE requests ADD COLUMN delivered_at INTEGER NOT NULL DEFAULT 0;
UPDATE requests SET delivered_at = state_at WHERE state = 'delivered';
UPDATE requests SET state = 'quarantined' WHERE state = 'rejected';
CREATE TABLE reservations (
  request_id TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
  resource_key TEXT NOT NULL,
  PRIMARY KEY (resource_key, request_id)
);
CREATE TABLE dedup_keys (
  key TEXT PRIMARY KEY NOT NULL,
  request_id TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE
);
CREATE INDEX dedup_keys_request ON dedup_keys(request_id);
CREATE INDEX requests_state_created ON requests(state, created_at);
PRAGMA user_version = 2;
)sql";

constexpr const char* kMigrate2to3 = R"sql(
ALTER TABLE requests ADD COLUMN staff_note TEXT NOT NULL DEFAULT '';
CREATE INDEX requests_created ON requests(created_at);
PRAGMA user_version = 3;
)sql";

bool has_tables(sqlite3* db) {
  sqlite3_stmt* st = nullptr;
  bool any = false;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master LIMIT 1", -1, &st, nullptr) ==
      SQLITE_OK)
    any = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return any;
}

// One step from `from` to the next version, unless another connection already did it.
Status step(sqlite3* db, int from, const char* sql) {
  if (auto s = exec(db, "BEGIN IMMEDIATE", "begin migration"); !s) return s;
  Error err;
  const int v = user_version(db, &err);
  Status result = ok_status();
  if (v < 0) {
    result = err;
  } else if (v == from) {
    if (from == 0 && has_tables(db))
      // Tables but no version: some other program's file. Leave it alone.
      result = store_error(ErrorKind::StoreDamaged, "user_version 0 but tables present");
    else
      result = exec(db, sql, "migrate from v" + std::to_string(from));
  }
  if (result) result = exec(db, "COMMIT", "commit migration");
  if (!result && !sqlite3_get_autocommit(db))
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return result;
}

}  // namespace

Status precheck_schema(sqlite3* db) {
  Error err;
  const int v = user_version(db, &err);
  if (v < 0) return err;
  if (v > kSchemaVersion)
    return store_error(ErrorKind::StoreTooNew, "schema v" + std::to_string(v) + " > v" +
                                            std::to_string(kSchemaVersion));
  if (v == 0 && has_tables(db)) return store_error(ErrorKind::StoreDamaged, "user_version 0 but tables present");
  return ok_status();
}

Status migrate(sqlite3* db, bool read_only) {
  Error err;
  const int v = user_version(db, &err);
  if (v < 0) return err;
  if (v > kSchemaVersion)
    return store_error(ErrorKind::StoreTooNew, "schema v" + std::to_string(v) + " > v" +
                                            std::to_string(kSchemaVersion));
  if (v == kSchemaVersion) return ok_status();
  if (read_only) return store_error(ErrorKind::ReadOnly, "schema needs migration on a read-only file");
  switch (v) {
    case 0:
      return step(db, 0, kCreateCurrent);
    case 1:
      if (auto s = step(db, 1, kMigrate1to2); !s) return s;
      [[fallthrough]];
    case 2:
      if (auto s = step(db, 2, kMigrate2to3); !s) return s;
      [[fallthrough]];
    default:
      break;
  }
  const int now = user_version(db, &err);
  if (now != kSchemaVersion) {
    // Newer than us already (another process upgraded it meanwhile), or unreadable.
    if (now > kSchemaVersion) return store_error(ErrorKind::StoreTooNew, "upgraded meanwhile");
    return now < 0 ? err : store_error(ErrorKind::Io, "migration ended at v" + std::to_string(now));
  }
  return ok_status();
}

}  // namespace kiosk::store_detail
