// HubDb::ingest: a batch of a kiosk's requests stored in one transaction.
//
// In two steps, so that the write lock is held for SQL alone: first every
// item is prepared without the lock (base64, the sealed box opened, JSON,
// the canonical body and its keyed hash, the form check, the body sealed at
// rest: all the CPU work, which uploads from many kiosks do in parallel);
// then, in a transaction shared with other writers (group_commit.hpp), what
// the database holds decides each item and the new ones are written.
#include <sodium.h>

#include <map>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/json_limited.hpp"
#include "kiosk/base/strings.hpp"
#include "sync/hub/hub_db.hpp"
#include "sync/hub/hub_db_impl.hpp"
#include "sync/hub/hub_errors.hpp"
#include "sync/hub/validate.hpp"

namespace kiosk::hub {

namespace {

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

PreparedItem prepare_item(const HubKeys& keys, const ContentBundle* content, int64_t kiosk_id,
                          const sync::WireRequest& r, const std::set<std::string>& services) {
  PreparedItem p;
  if (r.created_at_ms < 0 || !sync::is_uuid_v7(r.id) || !sync::is_valid_ticket(r.ticket) ||
      r.service_id.empty()) {
    p.reason = "invalid";
    return p;
  }
  if (!services.empty() && !services.count(r.service_id)) {
    p.reason = "unknown_service";
    return p;
  }
  // Sealed answers are opened here, and from then on the item is the one a
  // kiosk would have sent in clear: the same canonical body, hash and form
  // check, so a resend sealed again (to a new nonce) is a duplicate.
  const sync::WireRequest* item = &r;
  sync::WireRequest opened;
  if (!r.answers_sealed.empty()) {
    auto answers = open_answers(keys, r.answers_sealed);
    if (!answers) {
      p.reason = answers.error().detail;
      return p;
    }
    opened = r;
    opened.answers_sealed.clear();
    opened.answers = std::move(*answers);
    item = &opened;
  }
  std::string body = sync::to_json(*item);
  if (static_cast<int64_t>(body.size()) > sync::kMaxItemBytes) {
    p.reason = "too_large";
    sodium_memzero(body.data(), body.size());
    return p;
  }
  p.hash = body_hash_hex(keys, body);
  p.bytes = static_cast<int64_t>(body.size());
  // The form check, where the answers are in hand: the one place. Its
  // verdict is told only when the item is not already stored.
  ItemCheck c;
  if (content)
    c = validate_item(*content, r.service_id, item->answers, r.created_at_ms,
                      std::string_view(reinterpret_cast<const char*>(keys.hash.data()),
                                       keys.hash.size()));
  if (!c.ok) p.form_reason = c.reason();
  else p.sealed = seal_at_rest(keys, kiosk_id, r.id, body);
  sodium_memzero(body.data(), body.size());
  return p;
}

Expected<sync::UploadResponse> apply_prepared(StatementCache& c, KioskQuota& quota, int64_t kiosk_id,
                                              const sync::UploadBatch& batch,
                                              const std::vector<PreparedItem>& prepared,
                                              int64_t now_ms) {
  Stmt k(c, "SELECT next_seq, last_created_ms, last_request_id FROM kiosks WHERE id=?");
  k.bind(1, kiosk_id);
  if (!k.row()) return Error{ErrorKind::Unauthorized, tr("sync.unauthorized"), "", "kiosk gone"};
  int64_t next_seq = 0, last_created = 0;
  std::string last_id;
  k.read(next_seq, last_created, last_id);

  // Ids are this kiosk's own: another kiosk's ids are neither seen nor taken.
  Stmt find(c, "SELECT body_hash FROM requests WHERE kiosk_id=? AND id=?");
  Stmt ins(c,
           "INSERT INTO requests(id, kiosk_id, kiosk_seq, ticket, service_id, content_version, "
           "created_at_ms, received_at_ms, body_hash, body_sealed, out_of_order) "
           "VALUES(?,?,?,?,?,?,?,?,?,CAST(? AS BLOB),?)");
  if (!find.ok() || !ins.ok()) return db_error(c.db(), "prepare");

  // First every item is decided, in this order: refused on its own (fields,
  // service, seal, size), then already held (duplicate or conflict: a
  // stored item stays a duplicate even where today's form check would
  // refuse it), then the form check. Then what is new is held against the
  // kiosk's quota all together; then it is written.
  std::vector<sync::ItemOutcome> outcomes(batch.requests.size());
  std::map<std::string, std::string> in_batch;  // id -> hash of the new items so far
  int64_t new_items = 0, new_bytes = 0;
  for (size_t n = 0; n < batch.requests.size(); ++n) {
    const auto& r = batch.requests[n];
    const PreparedItem& p = prepared[n];
    sync::ItemOutcome& o = outcomes[n];
    o.id = r.id;
    auto reject = [&](std::string reason) {
      o.result = sync::ItemResult::Rejected;
      o.reason = std::move(reason);
    };
    if (!p.reason.empty()) {
      reject(p.reason);
      continue;
    }
    std::optional<std::string> held;
    if (auto it = in_batch.find(r.id); it != in_batch.end()) {
      held = it->second;
    } else {
      find.reset();
      find.bind_all(kiosk_id, r.id);
      const int rc = find.step();
      if (rc == SQLITE_ROW) held = find.text(0);
      else if (rc != SQLITE_DONE) return db_error(c.db(), "find");
    }
    if (held) {
      if (*held == p.hash) o.result = sync::ItemResult::Duplicate;
      else reject("conflict");
      continue;
    }
    if (!p.form_reason.empty()) {
      reject(p.form_reason);
      continue;
    }
    in_batch[r.id] = p.hash;
    ++new_items;
    new_bytes += p.bytes;
    o.result = sync::ItemResult::Accepted;
  }
  if (new_items > 0) {
    const QuotaDecision q = quota.reserve(kiosk_id, new_items, new_bytes, now_ms);
    if (!q.allowed)
      return retry_later(ErrorKind::QuotaExceeded, q.retry_after_s,
                         "kiosk " + std::to_string(kiosk_id) + " over its hourly quota");
  }
  // Held from here on: a failed commit below leaves the quota spent, which
  // errs on the side of the hub (the kiosk retries after its Retry-After).
  sync::UploadResponse resp;
  resp.results.reserve(outcomes.size());
  for (size_t n = 0; n < outcomes.size(); ++n) {
    const auto& r = batch.requests[n];
    const PreparedItem& p = prepared[n];
    if (outcomes[n].result == sync::ItemResult::Accepted) {
      const bool out_of_order = r.created_at_ms < last_created ||
                                (r.created_at_ms == last_created && r.id < last_id);
      ins.reset();
      ins.bind_all(r.id, kiosk_id, next_seq, r.ticket, r.service_id, r.content_version,
                   r.created_at_ms, now_ms, p.hash, p.sealed, out_of_order);
      if (!ins.done()) return db_error(c.db(), "insert");
      ++next_seq;
      if (!out_of_order) {
        last_created = r.created_at_ms;
        last_id = r.id;
      }
    }
    resp.results.push_back(std::move(outcomes[n]));
  }
  Stmt u(c,
         "UPDATE kiosks SET next_seq=?, last_created_ms=?, last_request_id=?, last_seen_ms=? "
         "WHERE id=?");
  u.bind_all(next_seq, last_created, last_id, now_ms, kiosk_id);
  if (!u.done()) return db_error(c.db(), "kiosk seq");
  resp.hub_time_ms = now_ms;
  return resp;
}

Expected<sync::UploadResponse> HubDb::ingest(int64_t kiosk_id, const sync::UploadBatch& batch,
                                             const std::set<std::string>& services,
                                             int64_t now_ms) {
  if (!impl_->opts.keys) return no_keys_error("ingest without the hub's keys");
  const HubKeys& keys = *impl_->opts.keys;
  // Keys, content and services are not changed while the hub runs: read
  // without the lock.
  std::vector<PreparedItem> prepared;
  prepared.reserve(batch.requests.size());
  for (const auto& r : batch.requests)
    prepared.push_back(prepare_item(keys, impl_->opts.content.get(), kiosk_id, r, services));

  // Then the SQL, in a transaction shared with the other uploads and
  // heartbeats waiting now, in a savepoint of its own: answered once the
  // commit is on disk.
  sync::UploadResponse resp;
  Status st = impl_->group->run([&](StatementCache& c) -> Status {
    auto r = apply_prepared(c, impl_->quota, kiosk_id, batch, prepared, now_ms);
    if (!r) return r.error();
    resp = std::move(*r);
    return ok_status();
  });
  if (!st) return st.error();
  return resp;
}

}  // namespace kiosk::hub
