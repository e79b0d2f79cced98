// HubDb: what kiosks call (enroll, authenticate, ingest, status, heartbeat).
#include <sodium.h>

#include <map>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/hash.hpp"
#include "kiosk/base/json_limited.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/base/strings.hpp"
#include "sync/hub/hub_db.hpp"
#include "sync/hub/hub_db_impl.hpp"
#include "sync/hub/hub_errors.hpp"
#include "sync/hub/validate.hpp"

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
  std::lock_guard lock(impl_->mu);
  if (token.empty())
    return Error{ErrorKind::Unauthorized, tr("sync.unauthorized"), "", "no token"};
  Stmt s(impl_->db, "SELECT id, revoked_ms, last_seen_ms FROM kiosks WHERE token_hash=?");
  s.bind(1, sha256_hex(token, HexCase::Lower));
  if (!s.row()) return Error{ErrorKind::Unauthorized, tr("sync.unauthorized"), "", "unknown token"};
  int64_t id = 0, revoked_ms = 0, last_seen_ms = 0;
  s.read(id, revoked_ms, last_seen_ms);
  if (revoked_ms != 0) return Error{ErrorKind::Revoked, tr("sync.revoked"), "", "kiosk revoked"};
  // last_seen is advisory: written at most every 10 s to keep reads cheap.
  if (now_ms - last_seen_ms > 10000) {
    Stmt u(impl_->db, "UPDATE kiosks SET last_seen_ms=? WHERE id=?");
    u.bind_all(now_ms, id);
    u.done();
  }
  return id;
}

namespace {

// One item of a batch, decided before anything is written.
struct Planned {
  sync::ItemOutcome outcome;
  std::string body, hash;  // set for an item to insert
};

// A kiosk's sealed answers, opened with box.key and parsed as any body is
// (depth and size held while parsing). "sealed_unopenable": not base64url,
// or not sealed to this hub's key; "invalid": opened, but not a JSON object.
Expected<nlohmann::json> open_answers(const HubKeys& keys, const std::string& sealed) {
  const auto fail = [](const char* reason) {
    return Error{ErrorKind::Rejected, tr("sync.hub.bad_field"), "answers_sealed", reason};
  };
  // base64url of at most one item's worth: nothing larger is decoded.
  if (sealed.size() > static_cast<size_t>(sync::kMaxItemBytes) * 4 / 3 + 64)
    return fail("too_large");
  auto raw = base64url_decode(sealed);
  if (!raw) return fail("sealed_unopenable");
  auto clear = open_sealed(keys, *raw);
  if (!clear) return fail("sealed_unopenable");
  JsonLimits limits;
  limits.max_depth = sync::kMaxJsonDepth;
  limits.max_bytes = static_cast<size_t>(sync::kMaxItemBytes);
  JsonParse p = parse_json_limited(*clear, limits);
  sodium_memzero(clear->data(), clear->size());
  if (!p.value || !p.value->is_object()) return fail("invalid");
  return std::move(*p.value);
}

}  // namespace

Expected<sync::UploadResponse> HubDb::ingest(int64_t kiosk_id, const sync::UploadBatch& batch,
                                             const std::set<std::string>& services,
                                             int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->opts.keys) return no_keys_error("ingest without the hub's keys");
  const HubKeys& keys = *impl_->opts.keys;
  if (!impl_->exec("BEGIN IMMEDIATE")) return db_error(impl_->db, "begin");
  auto fail = [&](Error e) { impl_->exec("ROLLBACK"); return e; };

  Stmt k(impl_->db, "SELECT next_seq, last_created_ms, last_request_id FROM kiosks WHERE id=?");
  k.bind(1, kiosk_id);
  if (!k.row()) return fail(Error{ErrorKind::Unauthorized, tr("sync.unauthorized"), "", "kiosk gone"});
  int64_t next_seq = 0, last_created = 0;
  std::string last_id;
  k.read(next_seq, last_created, last_id);

  // Ids are this kiosk's own: another kiosk's ids are neither seen nor taken.
  Stmt find(impl_->db, "SELECT body_hash FROM requests WHERE kiosk_id=? AND id=?");
  Stmt ins(impl_->db,
           "INSERT INTO requests(id, kiosk_id, kiosk_seq, ticket, service_id, content_version, "
           "created_at_ms, received_at_ms, body_hash, body_sealed, out_of_order) "
           "VALUES(?,?,?,?,?,?,?,?,?,CAST(? AS BLOB),?)");
  if (!find.ok() || !ins.ok()) return fail(db_error(impl_->db, "prepare"));

  // First every item is decided; then what is new is held against the
  // kiosk's quota all together; then it is written.
  std::vector<Planned> plan(batch.requests.size());
  std::map<std::string, std::string> in_batch;  // id -> hash of the new items so far
  int64_t new_items = 0, new_bytes = 0;
  for (size_t n = 0; n < batch.requests.size(); ++n) {
    const auto& r = batch.requests[n];
    Planned& p = plan[n];
    p.outcome.id = r.id;
    auto reject = [&](std::string reason) {
      p.outcome.result = sync::ItemResult::Rejected;
      p.outcome.reason = std::move(reason);
    };
    if (r.created_at_ms < 0 || !sync::is_uuid_v7(r.id) || !sync::is_valid_ticket(r.ticket) ||
        r.service_id.empty()) {
      reject("invalid");
      continue;
    }
    if (!services.empty() && !services.count(r.service_id)) {
      reject("unknown_service");
      continue;
    }
    // Sealed answers are opened here, and from then on the item is the one
    // a kiosk would have sent in clear: the same canonical body, hash and
    // form check, so a resend sealed again (to a new nonce) is a duplicate.
    const sync::WireRequest* item = &r;
    sync::WireRequest opened;
    if (!r.answers_sealed.empty()) {
      auto answers = open_answers(keys, r.answers_sealed);
      if (!answers) {
        reject(answers.error().detail);
        continue;
      }
      opened = r;
      opened.answers_sealed.clear();
      opened.answers = std::move(*answers);
      item = &opened;
    }
    std::string body = sync::to_json(*item);
    if (static_cast<int64_t>(body.size()) > sync::kMaxItemBytes) {
      reject("too_large");
      continue;
    }
    std::string hash = body_hash_hex(keys, body);
    std::optional<std::string> held;
    if (auto it = in_batch.find(r.id); it != in_batch.end()) {
      held = it->second;
    } else {
      find.reset();
      find.bind_all(kiosk_id, r.id);
      const int rc = find.step();
      if (rc == SQLITE_ROW) held = find.text(0);
      else if (rc != SQLITE_DONE) return fail(db_error(impl_->db, "find"));
    }
    if (held) {
      if (*held == hash) p.outcome.result = sync::ItemResult::Duplicate;
      else reject("conflict");
      continue;
    }
    // The form check, where the answers are in hand: the one place.
    if (impl_->opts.content) {
      ItemCheck c =
          validate_item(*impl_->opts.content, r.service_id, item->answers, r.created_at_ms,
                        std::string_view(reinterpret_cast<const char*>(keys.hash.data()), keys.hash.size()));
      if (!c.ok) {
        reject(c.reason());
        continue;
      }
    }
    in_batch[r.id] = hash;
    ++new_items;
    new_bytes += static_cast<int64_t>(body.size());
    p.outcome.result = sync::ItemResult::Accepted;
    p.body = seal_at_rest(keys, kiosk_id, r.id, body);
    sodium_memzero(body.data(), body.size());
    p.hash = std::move(hash);
  }
  if (new_items > 0) {
    const QuotaDecision q = impl_->quota.reserve(kiosk_id, new_items, new_bytes, now_ms);
    if (!q.allowed)
      return fail(retry_later(ErrorKind::QuotaExceeded, q.retry_after_s,
                              "kiosk " + std::to_string(kiosk_id) + " over its hourly quota"));
  }
  // Held from here on: a failed commit below leaves the quota spent, which
  // errs on the side of the hub (the kiosk retries after its Retry-After).
  sync::UploadResponse resp;
  resp.results.reserve(plan.size());
  for (size_t n = 0; n < plan.size(); ++n) {
    Planned& p = plan[n];
    const auto& r = batch.requests[n];
    if (p.outcome.result == sync::ItemResult::Accepted && !p.body.empty()) {
      const bool out_of_order = r.created_at_ms < last_created ||
                                (r.created_at_ms == last_created && r.id < last_id);
      ins.reset();
      ins.bind_all(r.id, kiosk_id, next_seq, r.ticket, r.service_id, r.content_version,
                   r.created_at_ms, now_ms, p.hash, p.body, out_of_order);
      if (!ins.done()) return fail(db_error(impl_->db, "insert"));
      ++next_seq;
      if (!out_of_order) {
        last_created = r.created_at_ms;
        last_id = r.id;
      }
    }
    resp.results.push_back(std::move(p.outcome));
  }
  Stmt u(impl_->db,
         "UPDATE kiosks SET next_seq=?, last_created_ms=?, last_request_id=?, last_seen_ms=? "
         "WHERE id=?");
  u.bind_all(next_seq, last_created, last_id, now_ms, kiosk_id);
  if (!u.done()) return fail(db_error(impl_->db, "kiosk seq"));
  if (!impl_->exec("COMMIT")) return fail(db_error(impl_->db, "commit"));
  resp.hub_time_ms = now_ms;
  return resp;
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
  std::lock_guard lock(impl_->mu);
  // A heartbeat is a status report, not a request: losing the last one in a
  // power cut is harmless, so it is committed without waiting for fsync and
  // does not queue behind the requests' durable commits.
  impl_->exec("PRAGMA synchronous=NORMAL");
  Stmt u(impl_->db,
         "UPDATE kiosks SET heartbeat=?, last_heartbeat_ms=?, last_seen_ms=? WHERE id=?");
  u.bind_all(heartbeat_json, now_ms, now_ms, kiosk_id);
  const bool ok = u.done();
  impl_->exec("PRAGMA synchronous=FULL");
  if (!ok) return db_error(impl_->db, "heartbeat");
  return ok_status();
}

}  // namespace kiosk::hub
