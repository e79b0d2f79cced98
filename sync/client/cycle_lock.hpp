// A process-wide advisory lock on data-dir/sync.lock: the UI's sync thread
// and a technician's `sync --once` never run a cycle at the same time, so
// batches leave the kiosk one at a time, in creation order.
#pragma once
#include <string>

namespace kiosk::sync {

class CycleLock {
 public:
  explicit CycleLock(const std::string& data_dir);  // never waits
  ~CycleLock();                                     // closing releases it
  CycleLock(const CycleLock&) = delete;
  CycleLock& operator=(const CycleLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace kiosk::sync
