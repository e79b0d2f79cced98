// What one sync cycle (or a part of it) did, and what stopped it: the one
// shape the client's parts report in, merged into the cycle's report.
#pragma once
#include <string>

#include "kiosk/base/expected.hpp"
#include "sync/client/transport.hpp"

namespace kiosk::sync {

struct CycleReport {
  NetKind outcome = NetKind::Ok;  // what stopped the cycle, Ok if nothing did
  std::string error;              // short code, "" if none
  std::string detail;
  int retry_after_s = -1;
  int batches = 0, accepted = 0, duplicates = 0, quarantined = 0, handled = 0;
  bool uploaded_all = false, status_pulled = false, heartbeat_sent = false;
  bool store_failed = false;      // the local queue, not the hub, stopped it
  bool lock_busy = false;         // another cycle of this kiosk held the lock: nothing was tried
  Reach reach = Reach::Unknown;   // of the exchange that stopped it (Up when none did)
  bool ok() const { return outcome == NetKind::Ok && uploaded_all && status_pulled && heartbeat_sent; }
};

// The hub's error code when it sent one, else the transport's.
std::string reply_error(const HubReply& r);

// Counts add up; the first failure is the one reported.
void merge(CycleReport& into, const CycleReport& part);
// A failed exchange, as a report.
CycleReport failed(const HubReply& r);
// The store refused: a transient failure of this kiosk ("store_" + its code).
CycleReport store_failed(const Error& e);
// A 2xx whose body could not be read, or lacked results.
CycleReport bad_response(const std::string& detail);

}  // namespace kiosk::sync
