// HubDb's private state, shared by hub_db.cpp (schema, admin) and
// hub_db_protocol.cpp (what kiosks call). Not an interface for other modules.
#pragma once
#include <mutex>

#include <sqlite3.h>

#include "kiosk/base/sqlite.hpp"
#include "sync/hub/hub_db.hpp"

namespace kiosk::hub {

using Stmt = SqlStatement;

// Symbols of an enrollment code that name it (unique among outstanding
// codes); the other seven (35 bits) are the secret.
inline constexpr size_t kCodeSelector = 3;

// Classified as the kiosk's store does (kiosk/base/sqlite); one message for all.
Error db_error(sqlite3* db, const char* what);

struct HubDb::Impl {
  sqlite3* db = nullptr;
  mutable std::mutex mu;
  HubDbOptions opts;
  KioskQuota quota;
  EnrollLimiter enroll_limiter;
  explicit Impl(HubDbOptions o) : opts(std::move(o)), quota(opts.quota), enroll_limiter(opts.enroll) {}
  ~Impl() { sqlite3_close(db); }

  bool exec(const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }
};

// hub_db_at_rest.cpp: schema 2 -> 3 (every clear body sealed, the file
// rewritten), a row's body opened, and the error for a db without keys.
Status migrate_to_v3(HubDb::Impl& impl);
void open_body(const HubKeys* keys, HubRequest& r, const std::string& sealed);
Error no_keys_error(const char* why);
// A staff note as stored (sealed to its row; "" stays ""), and opened ("" when
// there are no keys or it does not open).
std::string seal_note(const HubKeys& k, int64_t kiosk_id, std::string_view request_id,
                      std::string_view note);
std::string open_note(const HubKeys* k, int64_t kiosk_id, std::string_view request_id,
                      std::string_view stored);

}  // namespace kiosk::hub
