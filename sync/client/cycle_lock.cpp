#include "sync/client/cycle_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace kiosk::sync {

CycleLock::CycleLock(const std::string& data_dir) {
  fd_ = ::open((data_dir + "/sync.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

CycleLock::~CycleLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace kiosk::sync
