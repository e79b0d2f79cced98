// Internals of the request store shared by its files (errors, schema,
// queries). Not an interface for other modules: use store.hpp.
#pragma once
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <sqlite3.h>

#include "kiosk/base/expected.hpp"

namespace kiosk::store_detail {

// The schema this build writes. Bump it with a new `case` in migrate().
constexpr int kSchemaVersion = 5;

// An error from the store's string table, e.g. store_error(ErrorKind::DiskFull, "commit: ...").
Error store_error(ErrorKind kind, std::string detail = {});

// Classifies a failed SQLite call once, so callers decide from the kind alone:
// disk_full, read_only, store_damaged, store_busy or io.
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

// Runs SQL without results; on failure the classified error.
Status exec(sqlite3* db, const char* sql, std::string_view what);

// PRAGMA user_version, or -1 with the error.
int user_version(sqlite3* db, Error* err);

// Refuses, before anything is written, a file this build must not touch:
// a newer schema (store_too_new) or another program's database (store_damaged).
Status precheck_schema(sqlite3* db);

// Brings the file to kSchemaVersion: a new file gets the current schema, an old
// one runs each migration in its own transaction. A newer file is refused.
// v3 -> v4 seals the answers it finds to `seal_to` (a raw 32-byte public
// key); without one a file holding answers is not migrated (bad_request).
// v4 -> v5 re-keys the duplicate-check keys under `dedup_secret`.
Status migrate(sqlite3* db, bool read_only, std::string_view seal_to, std::string_view dedup_secret);

// A duplicate-check key ends with HMAC-SHA256(secret, `digest`), where
// `digest` is the SHA-256 hex the key ended with before v5.
std::string keyed_dedup_hash(std::string_view secret, std::string_view digest);

// The answers JSON sealed to `public_key`; bad_request for a bad key.
Expected<std::string> seal_answers(std::string_view public_key, const std::string& json_text);


}  // namespace kiosk::store_detail
