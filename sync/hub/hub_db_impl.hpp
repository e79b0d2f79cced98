// HubDb's private state, shared by hub_db.cpp (schema, admin) and
// hub_db_protocol.cpp (what kiosks call). Not an interface for other modules.
#pragma once
#include <memory>
#include <mutex>

#include <sqlite3.h>

#include "kiosk/base/sqlite.hpp"
#include "sync/hub/group_commit.hpp"
#include "sync/hub/hub_db.hpp"

namespace kiosk::hub {

using Stmt = SqlStatement;

// Symbols of an enrollment code that name it (unique among outstanding
// codes); the other seven (35 bits) are the secret.
inline constexpr size_t kCodeSelector = 3;

// Classified as the kiosk's store does (kiosk/base/sqlite); one message for all.
Error db_error(sqlite3* db, const char* what);

struct HubDb::Impl {
  sqlite3* db = nullptr;  // the one writer; also the admin's reads
  mutable std::mutex mu;
  std::unique_ptr<StatementCache> cache;  // db's statements (under mu)
  // What kiosks write (uploads, heartbeats, last_seen) goes through here:
  // many callers' work in one transaction and one fsync.
  std::unique_ptr<GroupCommit> group;
  // A second connection, for the token lookup every call makes: in WAL it
  // reads the last commit while the writer waits for its fsync.
  sqlite3* rdb = nullptr;
  mutable std::mutex rmu;
  std::unique_ptr<StatementCache> rcache;  // rdb's statements (under rmu)
  HubDbOptions opts;
  KioskQuota quota;
  EnrollLimiter enroll_limiter;
  explicit Impl(HubDbOptions o) : opts(std::move(o)), quota(opts.quota), enroll_limiter(opts.enroll) {}
  ~Impl() {
    group.reset();
    cache.reset();  // statements first: a connection closes only without them
    rcache.reset();
    sqlite3_close(rdb);
    sqlite3_close(db);
  }

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

// hub_db_ingest.cpp: one uploaded item as far as it is decided without the
// database (no lock needed: keys, content and services are fixed).
struct PreparedItem {
  std::string reason;       // refused whatever is stored ("invalid", "too_large", ...)
  std::string hash;         // keyed hash of the canonical body
  std::string form_reason;  // the form check refused it: told unless already stored
  std::string sealed;       // the body sealed at rest, when the form check passed
  int64_t bytes = 0;        // canonical body size (counted against the quota)
};
PreparedItem prepare_item(const HubKeys& keys, const ContentBundle* content, int64_t kiosk_id,
                          const sync::WireRequest& r, const std::set<std::string>& services);
// The SQL part of an ingest, inside a transaction the caller opened (and
// commits or rolls back): each item decided against what is stored, the
// quota held, the new items and the kiosk's sequence written.
Expected<sync::UploadResponse> apply_prepared(StatementCache& c, KioskQuota& quota, int64_t kiosk_id,
                                              const sync::UploadBatch& batch,
                                              const std::vector<PreparedItem>& prepared,
                                              int64_t now_ms);

}  // namespace kiosk::hub
