// SyncClient::upload_all: the queue in creation order, in batches that grow
// after success and halve after a transient failure.
#include <algorithm>
#include <map>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/log.hpp"
#include "sync/client/sync_client.hpp"

namespace kiosk::sync {

using nlohmann::json;

CycleReport SyncClient::upload_all(int max_batches) {
  CycleReport rep;
  // After a whole batch is refused (400/413) its items go one by one, so the
  // one bad item is found and quarantined and the others pass.
  int singles_left = 0;
  for (;;) {
    if (max_batches > 0 && rep.batches >= max_batches) return rep;
    const int64_t now = clock_();
    int n = singles_left > 0 ? 1 : batch_items_;
    auto claimed = store_.claim_batch(n, limits_.max_bytes, now);
    if (!claimed) {
      merge(rep, store_failed(claimed.error()));
      return rep;
    }
    auto& items = *claimed;
    if (items.empty()) {
      rep.uploaded_all = true;
      return rep;
    }
    std::vector<std::string> ids;
    UploadBatch batch;
    batch.kiosk_time_ms = now;
    for (auto& it : items) {
      ids.push_back(it.id);
      WireRequest w;
      w.id = it.id;
      w.ticket = it.ticket;
      w.service_id = it.service_id;
      w.content_version = it.content_version;
      w.created_at_ms = it.created_at_ms;
      // claim_batch hands out only rows sealed to the hub's key.
      w.answers_sealed = base64url_encode(it.answers_sealed);
      batch.requests.push_back(std::move(w));
    }
    ++rep.batches;
    HubReply r = transport_.post(kPathRequests, to_json(batch));
    if (singles_left > 0) --singles_left;

    if (r.kind == NetKind::Ok) {
      auto resp = parse_upload_response(r.body);
      if (!resp) {
        // 200 with a body we cannot read (a proxy's page?): nothing is known,
        // so everything is sent again; the hub answers "duplicate" if it had it.
        (void)store_.requeue(ids, "bad_response", clock_());
        merge(rep, bad_response(resp.error().detail));
        return rep;
      }
      std::map<std::string, const ItemOutcome*> by_id;
      for (const auto& o : resp->results) by_id[o.id] = &o;
      std::vector<std::string> delivered, missing;
      for (const auto& id : ids) {
        auto it = by_id.find(id);
        if (it == by_id.end()) {
          missing.push_back(id);
        } else if (it->second->result == ItemResult::Rejected) {
          auto st = store_.quarantine(id, "hub_rejected:" + it->second->reason, clock_());
          if (!st) {
            merge(rep, store_failed(st.error()));
            return rep;
          }
          ++rep.quarantined;
          log::event(log::Level::Warn, "sync", "request rejected by hub",
                     {{"id", id}, {"reason", it->second->reason}});
        } else {
          delivered.push_back(id);
          if (it->second->result == ItemResult::Accepted) ++rep.accepted;
          else ++rep.duplicates;
        }
      }
      if (auto st = store_.mark_delivered(delivered, clock_()); !st) {
        merge(rep, store_failed(st.error()));
        return rep;
      }
      if (!missing.empty()) {
        (void)store_.requeue(missing, "no_result", clock_());
        merge(rep, bad_response("results missing for some items"));
        return rep;
      }
      batch_items_ = std::min(limits_.max_items, batch_items_ * 2);
      continue;
    }
    if (r.kind == NetKind::Rejected) {
      if (ids.size() > 1) {
        (void)store_.requeue(ids, reply_error(r), clock_());
        singles_left = static_cast<int>(ids.size());
        continue;
      }
      auto st = store_.quarantine(ids[0], "hub_rejected:" + reply_error(r), clock_());
      if (!st) {
        merge(rep, store_failed(st.error()));
        return rep;
      }
      ++rep.quarantined;
      log::event(log::Level::Warn, "sync", "request refused by hub",
                 {{"id", ids[0]}, {"status", static_cast<int64_t>(r.status)}});
      continue;
    }
    // Transient, Refused, Misconfigured: the batch goes back, in order.
    (void)store_.requeue(ids, r.error, clock_());
    if (r.kind == NetKind::Transient) batch_items_ = std::max(1, static_cast<int>(ids.size()) / 2);
    merge(rep, failed(r));
    return rep;
  }
}

}  // namespace kiosk::sync
