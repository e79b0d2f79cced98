// A small fault-injecting TCP proxy for the sync tests: sits between the
// kiosk and a real union-hub on loopback and, on command, breaks the next
// N exchanges the way real networks do (reset mid-response, too slow, a
// trickle of one byte a second, 500/503, a body that is not JSON).
#pragma once
#include <atomic>
#include <memory>
#include <string>

namespace kiosk::synctest {

enum class Fault {
  None,
  ResetMidResponse,  // the hub processed the request; half its answer, then RST
  SlowResponse,      // the hub's answer is held back for delay_ms
  Trickle,           // the hub's answer at one byte a second
  NotJson,           // the hub processed it; the kiosk gets 200 with an HTML page
  Status500,         // answered by the proxy, the hub never sees it
  Status503,         // with Retry-After: retry_after_s
  Status400,         // the body refused as a whole (a poisoned item), answered by the proxy
};

class FaultProxy {
 public:
  explicit FaultProxy(int upstream_port);
  ~FaultProxy();
  int port() const;
  // The next `times` requests get `f`; then traffic passes untouched.
  void inject(Fault f, int times, int delay_ms = 3000, int retry_after_s = 1);
  int faults_left() const;
  int faulted() const;    // exchanges broken so far
  int released() const;   // answers held by SlowResponse that were let go so far
  int forwarded() const;  // requests that reached the hub
  int accepted() const;   // TCP connections the kiosk opened to the proxy

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::synctest
