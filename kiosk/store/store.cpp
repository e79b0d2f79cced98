// The request store's queries: submit (one IMMEDIATE transaction: capacity,
// duplicates, ticket, row, COMMIT), lookups and settings. The sync side's
// state changes are in store_sync.cpp.
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <algorithm>
#include <optional>
#include <utility>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/hash.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/store/store.hpp"
#include "kiosk/store/store_detail.hpp"
#include "kiosk/store/store_impl.hpp"

namespace kiosk {

using namespace store_detail;

std::string_view to_string(RequestState s) {
  switch (s) {
    case RequestState::Queued: return "queued";
    case RequestState::Sending: return "sending";
    case RequestState::Delivered: return "delivered";
    case RequestState::Handled: return "handled";
    case RequestState::Quarantined: return "quarantined";
  }
  return "queued";
}

std::optional<RequestState> parse_request_state(std::string_view s) {
  for (auto st : {RequestState::Queued, RequestState::Sending, RequestState::Delivered,
                  RequestState::Handled, RequestState::Quarantined})
    if (to_string(st) == s) return st;
  return std::nullopt;
}

namespace store_detail {

RequestRecord read_record(const Query& q) {
  RequestRecord r;
  r.id = q.text(0);
  r.ticket = q.text(1);
  r.service_id = q.text(2);
  r.content_version = q.text(3);
  r.created_at_ms = q.i64(4);
  r.state = parse_request_state(q.text(5)).value_or(RequestState::Queued);
  r.state_at_ms = q.i64(6);
  r.state_reason = q.text(7);
  r.staff_note = q.text(8);
  if (!q.is_null(9)) {
    auto j = nlohmann::json::parse(q.text(9), nullptr, false);
    if (!j.is_discarded()) r.answers = std::move(j);
  }
  r.attempts = static_cast<int>(q.i64(10));
  r.delivered_at_ms = q.i64(11);
  if (!q.is_null(12)) r.answers_sealed = q.blob(12);
  r.sealed_to = q.text(13);
  return r;
}

std::string current_hub_key(Connection& c, const StoreOptions& opts) {
  if (opts.hub_box_public_key.size() == kBoxKeyBytes) return opts.hub_box_public_key;
  Query q(c, "SELECT value FROM settings WHERE key = ?1");
  if (!q.ok() || q.bind(1, kHubKeySetting).step("hub key") != SQLITE_ROW) return {};
  auto raw = base64url_decode(q.text(0));
  return raw && raw->size() == kBoxKeyBytes ? *raw : std::string();
}

void log_read_error(const Error& e) {
  log::event(log::Level::Error, "store", "read_failed", {{"code", e.name()}, {"detail", e.detail}});
}

}  // namespace store_detail

namespace {

std::string format_ticket(const std::string& prefix, int64_t n) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%04" PRId64, n);
  return prefix + "-" + digits;
}

bool valid_prefix(const std::string& p) {
  if (p.empty() || p.size() > 8) return false;
  for (char c : p)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string upper_ascii(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

}  // namespace

Expected<RequestRecord> RequestStore::submit(const NewRequest& req, int64_t now_ms) {
  if (req.service_id.empty() || !valid_prefix(req.ticket_prefix) ||
      !req.plan.answers.is_object())
    return store_error(ErrorKind::BadRequest, "service, ticket prefix or answers missing");
  std::lock_guard lock(impl_->mu);
  Impl& s = *impl_;
  Transaction txn(s.db);
  if (auto st = txn.begin(); !st) return st.error();

  for (const auto& r : req.plan.reservations) {
    Query q(s.conn,
            "SELECT count(*) FROM reservations r JOIN requests q ON q.id = r.request_id "
            "WHERE r.resource_key = ?1 AND q.state != 'quarantined'");
    if (!q.ok()) return q.error();
    if (q.bind(1, r.resource_key).step("count bookings") != SQLITE_ROW) return q.error();
    if (q.i64(0) >= r.capacity) return store_error(ErrorKind::SlotFull, r.resource_key);
  }
  for (const auto& k : req.plan.dedup_keys) {
    Query q(s.conn, "SELECT 1 FROM dedup_keys WHERE key = ?1");
    if (!q.ok()) return q.error();
    const int rc = q.bind(1, k.key).step("check duplicate");
    if (rc == SQLITE_ROW) return store_error(ErrorKind::Duplicate, "dedup key taken");
    if (rc != SQLITE_DONE) return q.error();
  }

  RequestRecord rec;
  {
    Query q(s.conn,
            "INSERT INTO ticket_counters (prefix, next) VALUES (?1, 2) "
            "ON CONFLICT (prefix) DO UPDATE SET next = next + 1 RETURNING next - 1");
    if (!q.ok()) return q.error();
    if (q.bind(1, req.ticket_prefix).step("issue ticket") != SQLITE_ROW) return q.error();
    rec.ticket = format_ticket(req.ticket_prefix, q.i64(0));
  }
  rec.id = make_uuid_v7(now_ms);
  rec.service_id = req.service_id;
  rec.content_version = req.content_version;
  rec.created_at_ms = now_ms;
  rec.state = RequestState::Queued;
  rec.state_at_ms = now_ms;
  rec.answers = req.plan.answers;
  {
    // Read inside the transaction: a hub key another connection adopted a
    // moment ago is the one this request is sealed to.
    std::string to = current_hub_key(s.conn, s.opts);
    if (to.empty()) to = s.opts.local_box.public_key;
    std::string plain = req.plan.answers.dump();
    auto sealed = seal_answers(to, plain);
    std::fill(plain.begin(), plain.end(), '\0');
    if (!sealed) return sealed.error();
    rec.answers_sealed = std::move(*sealed);
    rec.sealed_to = base64url_encode(to);
    Query q(s.conn,
            "INSERT INTO requests (id, ticket, service, content_version, created_at, state, "
            "state_at, answers_sealed, sealed_to) VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?5, ?6, ?7)");
    if (!q.ok()) return q.error();
    q.bind(1, rec.id).bind(2, rec.ticket).bind(3, rec.service_id).bind(4, rec.content_version);
    q.bind(5, now_ms).bind_blob(6, rec.answers_sealed).bind(7, rec.sealed_to);
    if (auto st = q.run("insert request"); !st) return st.error();
  }
  for (const auto& r : req.plan.reservations) {
    Query q(s.conn, "INSERT OR IGNORE INTO reservations (request_id, resource_key) VALUES (?1, ?2)");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, rec.id).bind(2, r.resource_key).run("reserve"); !st)
      return st.error();
  }
  for (const auto& k : req.plan.dedup_keys) {
    Query q(s.conn, "INSERT OR IGNORE INTO dedup_keys (key, request_id, kept_until) VALUES (?1, ?2, ?3)");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, k.key).bind(2, rec.id).bind(3, k.until).run("dedup key"); !st) return st.error();
  }
  // Only a COMMIT that returned OK makes a ticket; anything else was rolled back.
  if (auto st = txn.commit(); !st) {
    log::event(log::Level::Error, "store", "submit_failed",
               {{"code", st.error().name()}, {"detail", st.error().detail}});
    return st.error();
  }
  log::event(log::Level::Info, "store", "submitted",
             {{"ticket", rec.ticket}, {"id", rec.id}, {"service", rec.service_id}});
  return rec;
}

std::optional<RequestRecord> RequestStore::find(std::string_view ticket_or_id) const {
  std::lock_guard lock(impl_->mu);
  static const std::string sql = std::string("SELECT ") + kColumns +
                                 " FROM requests WHERE id = ?1 OR ticket = ?2 LIMIT 1";
  Query q(impl_->conn, sql.c_str());
  if (!q.ok()) return log_read_error(q.error()), std::nullopt;
  const int rc = q.bind(1, ticket_or_id).bind(2, upper_ascii(ticket_or_id)).step("find");
  if (rc == SQLITE_ROW) return read_record(q);
  if (rc != SQLITE_DONE) log_read_error(q.error());
  return std::nullopt;
}

std::vector<RequestRecord> RequestStore::list(std::optional<RequestState> state, int limit,
                                              int offset) const {
  std::lock_guard lock(impl_->mu);
  static const std::string sql = std::string("SELECT ") + kColumns +
                                 " FROM requests WHERE ?1 IS NULL OR state = ?1 "
                                 "ORDER BY created_at DESC, rowid DESC LIMIT ?2 OFFSET ?3";
  std::vector<RequestRecord> out;
  Query q(impl_->conn, sql.c_str());
  if (!q.ok()) return log_read_error(q.error()), out;
  if (state)
    q.bind(1, to_string(*state));
  else
    q.bind_null(1);
  q.bind(2, int64_t{limit}).bind(3, int64_t{offset});
  int rc;
  while ((rc = q.step("list")) == SQLITE_ROW) out.push_back(read_record(q));
  if (rc != SQLITE_DONE) log_read_error(q.error());
  return out;
}

QueueStats RequestStore::stats() const {
  std::lock_guard lock(impl_->mu);
  QueueStats st;
  {
    Query q(impl_->conn, "SELECT state, count(*) FROM requests GROUP BY state");
    if (!q.ok()) return log_read_error(q.error()), st;
    while (q.step("stats") == SQLITE_ROW) {
      const int n = static_cast<int>(q.i64(1));
      switch (parse_request_state(q.text(0)).value_or(RequestState::Queued)) {
        case RequestState::Queued: st.queued += n; break;
        case RequestState::Sending: st.sending += n; break;
        case RequestState::Delivered: st.delivered += n; break;
        case RequestState::Handled: st.handled += n; break;
        case RequestState::Quarantined: st.quarantined += n; break;
      }
    }
  }
  Query q(impl_->conn, "SELECT min(created_at) FROM requests WHERE state = 'queued'");
  if (q.ok() && q.step("oldest") == SQLITE_ROW && !q.is_null(0)) st.oldest_queued_ms = q.i64(0);
  return st;
}

int RequestStore::local_bookings(const std::string& resource_key) const {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn,
          "SELECT count(*) FROM reservations r JOIN requests q ON q.id = r.request_id "
          "WHERE r.resource_key = ?1 AND q.state != 'quarantined'");
  if (!q.ok()) return log_read_error(q.error()), 0;
  if (q.bind(1, resource_key).step("bookings") != SQLITE_ROW) return log_read_error(q.error()), 0;
  return static_cast<int>(q.i64(0));
}

bool RequestStore::has_dedup_key(const std::string& dedup_key) const {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn, "SELECT 1 FROM dedup_keys WHERE key = ?1");
  if (!q.ok()) return log_read_error(q.error()), false;
  const int rc = q.bind(1, dedup_key).step("dedup");
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) log_read_error(q.error());
  return rc == SQLITE_ROW;
}

std::string RequestStore::dedup_hash(const std::string& subject) const {
  return keyed_dedup_hash(impl_->dedup_secret, sha256_hex(subject, HexCase::Upper));
}

std::optional<std::string> RequestStore::setting(std::string_view key) const {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn, "SELECT value FROM settings WHERE key = ?1");
  if (!q.ok()) return log_read_error(q.error()), std::nullopt;
  const int rc = q.bind(1, key).step("setting");
  if (rc == SQLITE_ROW) return q.text(0);
  if (rc != SQLITE_DONE) log_read_error(q.error());
  return std::nullopt;
}

Status RequestStore::set_setting(std::string_view key, std::string_view value) {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn,
          "INSERT INTO settings (key, value) VALUES (?1, ?2) "
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!q.ok()) return q.error();
  return q.bind(1, key).bind(2, value).run("set setting");
}

Expected<int> RequestStore::adopt_hub_key(const std::string& hub_public_key, const BoxKeyPair& local) {
  if (hub_public_key.size() != kBoxKeyBytes) return store_error(ErrorKind::BadRequest, "hub key not 32 bytes");
  std::lock_guard lock(impl_->mu);
  Impl& s = *impl_;
  Transaction txn(s.db);
  if (auto st = txn.begin(); !st) return st.error();
  const std::string hub_b64 = base64url_encode(hub_public_key);
  {
    Query q(s.conn,
            "INSERT INTO settings (key, value) VALUES (?1, ?2) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, kHubKeySetting).bind(2, hub_b64).run("adopt hub key"); !st) return st.error();
  }
  std::vector<std::pair<std::string, std::string>> rows;  // id, sealed box
  if (local.valid()) {
    Query q(s.conn, "SELECT id, answers_sealed FROM requests WHERE sealed_to = ?1 AND answers_sealed IS NOT NULL");
    if (!q.ok()) return q.error();
    q.bind(1, base64url_encode(local.public_key));
    int rc;
    while ((rc = q.step("find local seals")) == SQLITE_ROW) rows.emplace_back(q.text(0), q.blob(1));
    if (rc != SQLITE_DONE) return q.error();
  }
  int n = 0;
  for (const auto& [id, box] : rows) {
    auto plain = open_box(local, box);
    if (!plain) {
      // Not openable with this key (altered?): it stays as it is, and so does the key.
      log::event(log::Level::Error, "store", "reseal_unopenable", {{"id", id}});
      continue;
    }
    auto sealed = seal_answers(hub_public_key, *plain);
    std::fill(plain->begin(), plain->end(), '\0');
    if (!sealed) return sealed.error();
    Query q(s.conn, "UPDATE requests SET answers_sealed = ?2, sealed_to = ?3 WHERE id = ?1");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, id).bind_blob(2, *sealed).bind(3, hub_b64).run("reseal"); !st) return st.error();
    ++n;
  }
  if (auto st = txn.commit(); !st) return st.error();
  if (n > 0) log::event(log::Level::Info, "store", "resealed", {{"count", int64_t{n}}});
  return n;
}

int RequestStore::count_sealed_to(std::string_view public_key) const {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn, "SELECT count(*) FROM requests WHERE sealed_to = ?1 AND answers_sealed IS NOT NULL");
  if (!q.ok()) return log_read_error(q.error()), -1;
  if (q.bind(1, base64url_encode(public_key)).step("count seals") != SQLITE_ROW)
    return log_read_error(q.error()), -1;
  return static_cast<int>(q.i64(0));
}

std::optional<std::string> RequestStore::hub_box_public_key() const {
  std::lock_guard lock(impl_->mu);
  std::string k = current_hub_key(impl_->conn, impl_->opts);
  if (k.empty()) return std::nullopt;
  return k;
}

int RequestStore::schema_version() const {
  std::lock_guard lock(impl_->mu);
  return user_version(impl_->db, nullptr);
}

Status RequestStore::integrity_check() const {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn, "PRAGMA integrity_check");
  if (!q.ok()) return q.error();
  std::string first;
  int rc = q.step("integrity_check");
  if (rc == SQLITE_ROW) first = q.text(0);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return q.error();
  if (first != "ok") return store_error(ErrorKind::StoreDamaged, "integrity_check: " + first);
  return ok_status();
}

const std::string& RequestStore::path() const { return impl_->path; }

}  // namespace kiosk
