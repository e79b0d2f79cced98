#include "sync/client/cycle_report.hpp"

#include "sync/protocol/protocol.hpp"

namespace kiosk::sync {

std::string reply_error(const HubReply& r) {
  if (auto e = parse_hub_error(r.body)) return e->error;
  return r.error;
}

void merge(CycleReport& into, const CycleReport& part) {
  into.batches += part.batches;
  into.accepted += part.accepted;
  into.duplicates += part.duplicates;
  into.quarantined += part.quarantined;
  into.handled += part.handled;
  if (part.outcome != NetKind::Ok && into.outcome == NetKind::Ok) {
    into.outcome = part.outcome;
    into.error = part.error;
    into.detail = part.detail;
    into.retry_after_s = part.retry_after_s;
    into.store_failed = part.store_failed;
    into.reach = part.reach;
  }
}

CycleReport failed(const HubReply& r) {
  CycleReport c;
  c.outcome = r.kind;
  // The transport's code is what the UI and the heartbeat show; the hub's
  // own error code, if any, goes with the detail.
  c.error = r.error;
  std::string hub_code = reply_error(r);
  c.detail = hub_code == r.error ? r.detail : r.detail + " (" + hub_code + ")";
  c.retry_after_s = r.retry_after_s;
  c.reach = r.reach;
  return c;
}

CycleReport store_failed(const Error& e) {
  CycleReport c;
  c.outcome = NetKind::Transient;
  c.error = store_failure_code(e.kind);
  c.detail = e.detail;
  c.store_failed = true;
  return c;
}

CycleReport bad_response(const std::string& detail) {
  CycleReport c;
  c.outcome = NetKind::Transient;
  c.error = "bad_response";
  c.detail = detail;
  c.reach = Reach::Up;
  return c;
}

}  // namespace kiosk::sync
