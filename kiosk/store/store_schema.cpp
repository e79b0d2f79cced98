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
//   v4  answers_sealed, sealed_to: answers sealed (crypto_box_seal) to the
//       hub's key or the kiosk's own; `answers` is NULL for every sealed row,
//       and the migration seals the answers a v3 file held in clear.
//   v5  dedup_keys.kept_until: a duplicate check is deleted when its event or
//       period is over; each key's hash is keyed (HMAC-SHA256 under the
//       store's dedup.key), the migration re-keys the unkeyed ones.
#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/hash.hpp"
#include "kiosk/store/seal.hpp"
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
  staff_note TEXT NOT NULL DEFAULT '',
  answers_sealed BLOB,
  sealed_to TEXT NOT NULL DEFAULT ''
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
  request_id TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
  kept_until TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dedup_keys_request ON dedup_keys(request_id);
CREATE INDEX requests_state_created ON requests(state, created_at);
CREATE INDEX requests_created ON requests(created_at);
PRAGMA user_version = 5;
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

constexpr const char* kMigrate3to4 = R"sql(
ALTER TABLE requests ADD COLUMN answers_sealed BLOB;
ALTER TABLE requests ADD COLUMN sealed_to TEXT NOT NULL DEFAULT '';
)sql";

constexpr const char* kMigrate4to5 = R"sql(
ALTER TABLE dedup_keys ADD COLUMN kept_until TEXT NOT NULL DEFAULT '';
)sql";

// Inside the v4 -> v5 transaction: each key's last part (an unkeyed SHA-256
// of a member or ID number, reversible by guessing) replaced by its keyed
// hash. Old keys do not know their event or period: they are kept as long
// as their request's answers (kept_until '').
Status rekey_v4_dedup(sqlite3* db, std::string_view secret) {
  sqlite3_stmt* sel = nullptr;
  sqlite3_stmt* upd = nullptr;
  Status result = ok_status();
  int rc = sqlite3_prepare_v2(db, "SELECT key FROM dedup_keys", -1, &sel, nullptr);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(db, "UPDATE dedup_keys SET key = ?2 WHERE key = ?1", -1, &upd, nullptr);
  if (rc != SQLITE_OK) result = sqlite_error(db, rc, "prepare re-keying");
  std::vector<std::string> keys;
  while (result && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
    const auto* p = sqlite3_column_text(sel, 0);
    keys.emplace_back(p ? reinterpret_cast<const char*>(p) : "");
  }
  if (result && rc != SQLITE_DONE) result = sqlite_error(db, rc, "read dedup keys");
  if (result && !keys.empty() && secret.empty())
    result = store_error(ErrorKind::BadRequest, "no secret to key the duplicate checks with");
  for (const auto& key : keys) {
    if (!result) break;
    const auto colon = key.rfind(':');
    const std::string prefix = colon == std::string::npos ? std::string() : key.substr(0, colon + 1);
    const std::string keyed = prefix + keyed_dedup_hash(secret, colon == std::string::npos ? key : key.substr(colon + 1));
    sqlite3_bind_text(upd, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(upd, 2, keyed.data(), static_cast<int>(keyed.size()), SQLITE_TRANSIENT);
    rc = sqlite3_step(upd);
    if (rc != SQLITE_DONE) result = sqlite_error(db, rc, "re-key dedup key");
    sqlite3_reset(upd);
    sqlite3_clear_bindings(upd);
  }
  sqlite3_finalize(sel);
  sqlite3_finalize(upd);
  if (result) result = exec(db, "PRAGMA user_version = 5", "set v5");
  return result;
}

// Inside the v3 -> v4 transaction: every answer held in clear is sealed and
// the clear text set to NULL (secure_delete overwrites the old bytes).
Status seal_v3_answers(sqlite3* db, std::string_view seal_to) {
  sqlite3_stmt* sel = nullptr;
  sqlite3_stmt* upd = nullptr;
  Status result = ok_status();
  int rc = sqlite3_prepare_v2(db, "SELECT id, answers FROM requests WHERE answers IS NOT NULL", -1, &sel,
                              nullptr);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(db,
                            "UPDATE requests SET answers = NULL, answers_sealed = ?2, sealed_to = ?3 "
                            "WHERE id = ?1",
                            -1, &upd, nullptr);
  if (rc != SQLITE_OK) result = sqlite_error(db, rc, "prepare sealing");
  const std::string to = base64url_encode(seal_to);
  // The rows are read first: updating the table under an open cursor over it is
  // allowed in SQLite but needlessly subtle.
  std::vector<std::pair<std::string, std::string>> rows;
  while (result && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
    auto text = [&](int c) {
      const auto* p = sqlite3_column_text(sel, c);
      return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(sel, c)))
               : std::string();
    };
    rows.emplace_back(text(0), text(1));
  }
  if (result && rc != SQLITE_DONE) result = sqlite_error(db, rc, "read answers");
  if (result && !rows.empty() && seal_to.size() != kBoxKeyBytes)
    result = store_error(ErrorKind::BadRequest, "no key to seal the answers of a v3 file to");
  for (auto& [id, answers] : rows) {
    if (!result) break;
    auto sealed = seal_answers(seal_to, answers);
    if (!sealed) {
      result = sealed.error();
      break;
    }
    sqlite3_bind_text(upd, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(upd, 2, sealed->data(), static_cast<int>(sealed->size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(upd, 3, to.data(), static_cast<int>(to.size()), SQLITE_TRANSIENT);
    rc = sqlite3_step(upd);
    if (rc != SQLITE_DONE) result = sqlite_error(db, rc, "seal answers");
    sqlite3_reset(upd);
    sqlite3_clear_bindings(upd);
    std::fill(answers.begin(), answers.end(), '\0');
  }
  sqlite3_finalize(sel);
  sqlite3_finalize(upd);
  if (result) result = exec(db, "PRAGMA user_version = 4", "set v4");
  return result;
}

bool has_tables(sqlite3* db) {
  sqlite3_stmt* st = nullptr;
  bool any = false;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master LIMIT 1", -1, &st, nullptr) ==
      SQLITE_OK)
    any = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return any;
}

// One step from `from` to the next version, unless another connection already
// did it: the SQL, then `after` (work that needs code), in one transaction.
Status step(sqlite3* db, int from, const char* sql,
            const std::function<Status(sqlite3*)>& after = {}) {
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
    if (result && after) result = after(db);
  }
  if (result) result = exec(db, "COMMIT", "commit migration");
  if (!result && !sqlite3_get_autocommit(db))
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return result;
}

// The file's schema version, if this build knows it (else store_too_new).
Expected<int> known_version(sqlite3* db) {
  Error err;
  const int v = user_version(db, &err);
  if (v < 0) return err;
  if (v > kSchemaVersion)
    return store_error(ErrorKind::StoreTooNew, "schema v" + std::to_string(v) + " > v" +
                                            std::to_string(kSchemaVersion));
  return v;
}

}  // namespace

Status precheck_schema(sqlite3* db) {
  // The version and the tables are read in one read transaction: read apart,
  // another connection's first migration could commit between the two (a
  // version of 0 read before it, its tables after), and a new, sound file
  // would be called damaged.
  if (auto s = exec(db, "BEGIN", "begin schema check"); !s) return s;
  auto check = [&]() -> Status {
    const Expected<int> v = known_version(db);
    if (!v) return v.error();
    if (*v == 0 && has_tables(db))
      return store_error(ErrorKind::StoreDamaged, "user_version 0 but tables present");
    return ok_status();
  };
  Status result = check();
  if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  return result;
}

Expected<std::string> seal_answers(std::string_view public_key, const std::string& json_text) {
  auto sealed = seal_box(public_key, json_text);
  if (!sealed) return store_error(ErrorKind::BadRequest, "cannot seal: no valid public key");
  return std::move(*sealed);
}

std::string keyed_dedup_hash(std::string_view secret, std::string_view digest) {
  return hmac_sha256_hex(secret, digest, HexCase::Upper);
}

Status migrate(sqlite3* db, bool read_only, std::string_view seal_to, std::string_view dedup_secret) {
  const Expected<int> known = known_version(db);
  if (!known) return known.error();
  const int v = *known;
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
    case 3:
      if (auto s = step(db, 3, kMigrate3to4, [&](sqlite3* d) { return seal_v3_answers(d, seal_to); }); !s)
        return s;
      // The clear pages may still sit in the WAL: copy back and truncate it.
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
      [[fallthrough]];
    case 4:
      if (auto s = step(db, 4, kMigrate4to5, [&](sqlite3* d) { return rekey_v4_dedup(d, dedup_secret); }); !s)
        return s;
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
      [[fallthrough]];
    default:
      break;
  }
  Error err;
  const int now = user_version(db, &err);
  if (now != kSchemaVersion) {
    // Newer than us already (another process upgraded it meanwhile), or unreadable.
    if (now > kSchemaVersion) return store_error(ErrorKind::StoreTooNew, "upgraded meanwhile");
    return now < 0 ? err : store_error(ErrorKind::Io, "migration ended at v" + std::to_string(now));
  }
  return ok_status();
}

}  // namespace kiosk::store_detail
