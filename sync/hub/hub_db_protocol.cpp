// HubDb: what kiosks call (enroll, authenticate, status, heartbeat); ingest
// is in hub_db_ingest.cpp.
#include <sodium.h>

#include "kiosk/base/hash.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/base/strings.hpp"
#include "sync/hub/hub_db.hpp"
#include "sync/hub/hub_db_impl.hpp"
#include "sync/hub/hub_errors.hpp"

namespace kiosk::hub {

namespace {

std::string random_token() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return b64;
}

Error invalid_code(const char* why) {
  return Error{ErrorKind::InvalidCode, tr("sync.enroll.invalid_code"), "", why};
}

}  // namespace

Expected<sync::EnrollResponse> HubDb::enroll(const std::string& code, int64_t now_ms,
                                             const std::string& remote_addr) {
  std::lock_guard lock(impl_->mu);
  const EnrollDecision d = impl_->enroll_limiter.admit(remote_addr, now_ms);
  if (!d.allowed)
    return retry_later(ErrorKind::RateLimited, d.retry_after_s,
                       d.global ? "enroll: hub-wide limit" : "enroll: address limit");
  const std::string norm = sync::normalize_enroll_code(code);
  if (norm.size() != 10) return invalid_code("not a code");
  const std::string hash = sha256_hex(norm, HexCase::Lower);
  Stmt s(impl_->db, "SELECT id, name, code_expires_ms, revoked_ms FROM kiosks WHERE code_hash=?");
  s.bind(1, hash);
  int rc = s.step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_error(impl_->db, "enroll");
  if (rc == SQLITE_DONE) {
    // A wrong code: if its first symbols name an outstanding code, the try
    // counts against that code, which is retired after a few.
    Stmt sel(impl_->db,
             "SELECT id, code_failures FROM kiosks WHERE code_selector=? AND code_hash IS NOT NULL");
    sel.bind(1, norm.substr(0, kCodeSelector));
    if (sel.row()) {
      int64_t id = 0, failures = 0;
      sel.read(id, failures);
      ++failures;
      const bool retire = failures >= impl_->opts.enroll.code_failures;
      Stmt u(impl_->db,
             retire ? "UPDATE kiosks SET code_failures=?, code_hash=NULL WHERE id=?"
                    : "UPDATE kiosks SET code_failures=? WHERE id=?");
      u.bind_all(failures, id);
      if (!u.done()) return db_error(impl_->db, "enroll");
      if (retire)
        log::event(log::Level::Warn, "hub", "enrollment code retired after wrong tries",
                   {{"kiosk", id}, {"tries", failures}});
    }
    return invalid_code("unknown, used or retired code");
  }
  int64_t id = 0, expires_ms = 0, revoked_ms = 0;
  std::string name;
  s.read(id, name, expires_ms, revoked_ms);
  if (revoked_ms != 0) return Error{ErrorKind::Revoked, tr("sync.revoked"), "", "kiosk revoked"};
  if (expires_ms < now_ms) return invalid_code("code expired");
  sync::EnrollResponse r;
  r.kiosk_id = std::to_string(id);
  r.kiosk_name = name;
  r.token = random_token();
  // One-time: the code hash is dropped in the same statement that stores the token hash.
  Stmt u(impl_->db,
         "UPDATE kiosks SET code_hash=NULL, code_selector=NULL, token_hash=?, enrolled_ms=? "
         "WHERE id=? AND code_hash=?");
  u.bind_all(sha256_hex(r.token, HexCase::Lower), now_ms, id, hash);
  if (!u.done() || sqlite3_changes(impl_->db) != 1) return db_error(impl_->db, "enroll");
  return r;
}

Expected<int64_t> HubDb::authenticate(const std::string& token, int64_t now_ms) {
  if (token.empty())
    return Error{ErrorKind::Unauthorized, tr("sync.unauthorized"), "", "no token"};
  const std::string hash = sha256_hex(token, HexCase::Lower);
  int64_t id = 0, revoked_ms = 0, last_seen_ms = 0;
  {
    // On the reader: not held up by a commit waiting for its fsync.
    std::lock_guard lock(impl_->rmu);
    Stmt s(*impl_->rcache, "SELECT id, revoked_ms, last_seen_ms FROM kiosks WHERE token_hash=?");
    s.bind(1, hash);
    if (!s.row())
      return Error{ErrorKind::Unauthorized, tr("sync.unauthorized"), "", "unknown token"};
    s.read(id, revoked_ms, last_seen_ms);
  }
  if (revoked_ms != 0) return Error{ErrorKind::Revoked, tr("sync.revoked"), "", "kiosk revoked"};
  // last_seen is advisory: written at most every 10 s to keep reads cheap,
  // and not worth an fsync of its own.
  if (now_ms - last_seen_ms > 10000) {
    (void)impl_->group->run(
        [&](StatementCache& c) -> Status {
          Stmt u(c, "UPDATE kiosks SET last_seen_ms=? WHERE id=?");
          u.bind_all(now_ms, id);
          if (!u.done()) return db_error(c.db(), "last seen");
          return ok_status();
        },
        /*durable=*/false);
  }
  return id;
}

Expected<sync::StatusPage> HubDb::changes_since(int64_t kiosk_id, const std::string& cursor,
                                                int limit) const {
  std::lock_guard lock(impl_->mu);
  int64_t after = 0;
  if (!cursor.empty()) {
    try {
      size_t used = 0;
      after = std::stoll(cursor, &used);
      if (used != cursor.size() || after < 0) throw std::invalid_argument("cursor");
    } catch (const std::exception&) {
      return Error{ErrorKind::BadField, tr("sync.bad_field"), "cursor", "cursor is not ours"};
    }
  }
  Stmt s(impl_->db,
         "SELECT c.seq, c.request_id, r.ticket, c.state, c.staff_note, c.at_ms FROM changes c "
         "JOIN requests r ON r.kiosk_id=c.kiosk_id AND r.id=c.request_id "
         "WHERE c.kiosk_id=? AND c.seq>? ORDER BY c.seq LIMIT ?");
  s.bind_all(kiosk_id, after, static_cast<int64_t>(limit + 1));
  sync::StatusPage p;
  int64_t last = after;
  while (s.row()) {
    if (static_cast<int>(p.changes.size()) == limit) {
      p.more = true;
      break;
    }
    sync::StatusChange c;
    std::string note;
    s.read(last, c.id, c.ticket, c.state, note, c.at_ms);
    c.staff_note = open_note(impl_->opts.keys.get(), kiosk_id, c.id, note);
    p.changes.push_back(std::move(c));
  }
  p.cursor = std::to_string(last);
  return p;
}

Status HubDb::record_heartbeat(int64_t kiosk_id, const std::string& heartbeat_json,
                               int64_t now_ms) {
  // A heartbeat is a status report, not a request: losing the last one in a
  // power cut is harmless. It shares the transaction of whatever else is
  // being written; a group of heartbeats alone is committed without waiting
  // for fsync (group_commit.hpp).
  return impl_->group->run(
      [&](StatementCache& c) -> Status {
        Stmt u(c, "UPDATE kiosks SET heartbeat=?, last_heartbeat_ms=?, last_seen_ms=? WHERE id=?");
        u.bind_all(heartbeat_json, now_ms, now_ms, kiosk_id);
        if (!u.done()) return db_error(c.db(), "heartbeat");
        return ok_status();
      },
      /*durable=*/false);
}

}  // namespace kiosk::hub
