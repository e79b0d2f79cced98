// The request store, sync side: claim in creation order, requeue, delivered,
// quarantined (releasing its duplicate keys), handled, and the retention purge.
#include "kiosk/base/base64url.hpp"
#include "kiosk/base/date.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/store/store.hpp"
#include "kiosk/store/store_detail.hpp"
#include "kiosk/store/store_impl.hpp"

namespace kiosk {

using namespace store_detail;

namespace store_detail {

Expected<int> purge_locked(Connection& c, int64_t retention_ms, int64_t now_ms) {
  const int64_t cutoff = now_ms - retention_ms;
  Query q(c,
          "UPDATE requests SET answers = NULL, answers_sealed = NULL "
          "WHERE (answers IS NOT NULL OR answers_sealed IS NOT NULL) AND ("
          "(state IN ('delivered', 'handled') AND delivered_at > 0 AND delivered_at <= ?1) OR "
          "(state = 'quarantined' AND state_at <= ?1))");
  if (!q.ok()) return q.error();
  if (auto st = q.bind(1, cutoff).run("purge"); !st) return st.error();
  const int n = sqlite3_changes(c.db);
  // Duplicate checks go when their event or period is over (the day after
  // kept_until, China time); those without a date, with their answers.
  Query d(c,
          "DELETE FROM dedup_keys WHERE (kept_until != '' AND kept_until < ?1) OR "
          "(kept_until = '' AND request_id IN (SELECT id FROM requests "
          "WHERE answers IS NULL AND answers_sealed IS NULL))");
  if (!d.ok()) return d.error();
  if (auto st = d.bind(1, Date::from_unix(now_ms / 1000).iso()).run("purge dedup keys"); !st) return st.error();
  const int keys = sqlite3_changes(c.db);
  if (keys > 0) log::event(log::Level::Info, "store", "dedup_keys_purged", {{"count", int64_t{keys}}});
  if (n > 0 || keys > 0) {
    // The old pages may still sit in the WAL: copy back and truncate it.
    sqlite3_wal_checkpoint_v2(c.db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    if (n > 0) log::event(log::Level::Info, "store", "purged", {{"count", int64_t{n}}});
  }
  return n;
}

}  // namespace store_detail

Expected<std::vector<RequestRecord>> RequestStore::claim_batch(int max_items, int64_t max_bytes,
                                                               int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  Impl& s = *impl_;
  Transaction txn(s.db);
  if (auto st = txn.begin(); !st) return st.error();
  static const std::string sql = std::string("SELECT ") + kColumns +
                                 ", length(answers_sealed) FROM requests WHERE state = 'queued' "
                                 "AND sealed_to = ?2 AND answers_sealed IS NOT NULL ORDER BY created_at, rowid LIMIT ?1";
  std::vector<RequestRecord> batch;
  {
    Query q(s.conn, sql.c_str());
    if (!q.ok()) return q.error();
    // Only what the hub can open travels; rows still sealed to the kiosk's
    // own key wait (queued) until adopt_hub_key re-seals them.
    const std::string hub = current_hub_key(s.conn, s.opts);
    if (hub.empty()) return batch;
    q.bind(1, int64_t{max_items}).bind(2, base64url_encode(hub));
    int64_t bytes = 0;
    int rc;
    while ((rc = q.step("claim")) == SQLITE_ROW) {
      const int64_t size = q.i64(14);
      // Always at least one, so an oversized request still travels alone.
      if (!batch.empty() && bytes + size > max_bytes) break;
      bytes += size;
      batch.push_back(read_record(q));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return q.error();
  }
  for (auto& r : batch) {
    Query q(s.conn, "UPDATE requests SET state = 'sending', state_at = ?2 WHERE id = ?1");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, r.id).bind(2, now_ms).run("claim"); !st) return st.error();
    r.state = RequestState::Sending;
    r.state_at_ms = now_ms;
  }
  if (auto st = txn.commit(); !st) return st.error();
  return batch;
}

Status RequestStore::requeue(const std::vector<std::string>& ids, std::string_view reason,
                             int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  Transaction txn(impl_->db);
  if (auto st = txn.begin(); !st) return st;
  for (const auto& id : ids) {
    Query q(impl_->conn,
            "UPDATE requests SET state = 'queued', state_at = ?2, state_reason = ?3, "
            "attempts = attempts + 1 WHERE id = ?1 AND state = 'sending'");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, id).bind(2, now_ms).bind(3, reason).run("requeue"); !st) return st;
  }
  return txn.commit();
}

Status RequestStore::requeue_all_sending(std::string_view reason, int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn,
          "UPDATE requests SET state = 'queued', state_at = ?1, state_reason = ?2, "
          "attempts = attempts + 1 WHERE state = 'sending'");
  if (!q.ok()) return q.error();
  return q.bind(1, now_ms).bind(2, reason).run("requeue all");
}

Status RequestStore::mark_delivered(const std::vector<std::string>& ids, int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  Transaction txn(impl_->db);
  if (auto st = txn.begin(); !st) return st;
  for (const auto& id : ids) {
    // The hub may already hold a request we still had queued (an answer lost
    // on the way back): delivered either way, but never back from handled.
    Query q(impl_->conn,
            "UPDATE requests SET state = 'delivered', state_at = ?2, state_reason = '', "
            "delivered_at = ?2 WHERE id = ?1 AND state IN ('queued', 'sending')");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, id).bind(2, now_ms).run("deliver"); !st) return st;
  }
  if (auto st = txn.commit(); !st) return st;
  // Retention runs where deliveries happen, at most hourly, so no caller has to
  // remember it; a failure here is logged and retried next time.
  if (impl_->last_purge_ms == 0 || now_ms - impl_->last_purge_ms >= 3'600'000) {
    impl_->last_purge_ms = now_ms;
    if (auto n = purge_locked(impl_->conn, impl_->opts.retention_ms, now_ms); !n)
      log::event(log::Level::Warn, "store", "purge_failed", {{"code", n.error().name()}});
  }
  return ok_status();
}

Status RequestStore::quarantine(const std::string& id, std::string_view reason, int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  Transaction txn(impl_->db);
  if (auto st = txn.begin(); !st) return st;
  {
    Query q(impl_->conn,
            "UPDATE requests SET state = 'quarantined', state_at = ?2, state_reason = ?3 "
            "WHERE id = ?1");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, id).bind(2, now_ms).bind(3, reason).run("quarantine"); !st) return st;
    if (sqlite3_changes(impl_->db) == 0) return store_error(ErrorKind::NotFound, "quarantine");
  }
  {
    // Its places are released by the state; its duplicate keys must go, or the
    // worker could never file the corrected request.
    Query q(impl_->conn, "DELETE FROM dedup_keys WHERE request_id = ?1");
    if (!q.ok()) return q.error();
    if (auto st = q.bind(1, id).run("release dedup"); !st) return st;
  }
  if (auto st = txn.commit(); !st) return st;
  log::event(log::Level::Warn, "store", "quarantined", {{"id", id}});
  return ok_status();
}

Status RequestStore::mark_handled(const std::string& id, std::string_view staff_note,
                                  int64_t at_ms) {
  std::lock_guard lock(impl_->mu);
  Query q(impl_->conn,
          "UPDATE requests SET state = 'handled', state_at = ?2, state_reason = '', "
          "staff_note = ?3, delivered_at = CASE WHEN delivered_at = 0 THEN ?2 ELSE delivered_at "
          "END WHERE id = ?1 AND state != 'quarantined'");
  if (!q.ok()) return q.error();
  if (auto st = q.bind(1, id).bind(2, at_ms).bind(3, staff_note).run("handled"); !st) return st;
  if (sqlite3_changes(impl_->db) == 0) return store_error(ErrorKind::NotFound, "handled");
  return ok_status();
}

Expected<int> RequestStore::purge_expired(int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  impl_->last_purge_ms = now_ms;
  return purge_locked(impl_->conn, impl_->opts.retention_ms, now_ms);
}

}  // namespace kiosk
