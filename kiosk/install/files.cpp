#include "kiosk/install/files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "kiosk/base/log.hpp"
#include "kiosk/base/strings.hpp"

namespace kiosk {

std::string read_whole_file(const std::string& path, bool* exists) {
  std::ifstream in(path, std::ios::binary);
  if (exists) *exists = static_cast<bool>(in);
  std::stringstream ss;
  if (in) ss << in.rdbuf();
  return ss.str();
}

Status write_file_atomic(const std::string& path, const std::string& data, mode_t mode) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Error{ErrorKind::Io, tr("sync.write_failed"), "", "cannot create " + tmp + ": " + std::strerror(errno)};
  ::fchmod(fd, mode);  // the umask does not loosen or tighten what was asked
  bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Error{ErrorKind::Io, tr("sync.write_failed"), "", "cannot write " + path};
  }
  // The rename itself is durable only once the directory is.
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return ok_status();
}

namespace {

// One entry (lstat'ed): 0700 for a directory, 0600 for a regular file; the
// directory's entries after. Depth-limited: the data dir is a few levels deep.
void make_private(const std::string& path, int depth, int& changed) {
  struct stat sb {};
  if (::lstat(path.c_str(), &sb) != 0) return;
  if (S_ISLNK(sb.st_mode)) return;
  const bool dir = S_ISDIR(sb.st_mode);
  if (!dir && !S_ISREG(sb.st_mode)) return;
  const mode_t want = dir ? 0700 : 0600;
  if ((sb.st_mode & 07777) != want) {
    if (::chmod(path.c_str(), want) == 0)
      ++changed;
    else
      log::event(log::Level::Warn, "install", "mode_not_fixed", {{"path", path}, {"errno", int64_t{errno}}});
  }
  if (!dir || depth >= 16) return;
  DIR* d = ::opendir(path.c_str());
  if (!d) return;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    make_private(path + "/" + name, depth + 1, changed);
  }
  ::closedir(d);
}

}  // namespace

int make_private_tree(const std::string& root) {
  int changed = 0;
  make_private(root, 0, changed);
  if (changed > 0) log::event(log::Level::Info, "install", "modes_tightened", {{"count", int64_t{changed}}});
  return changed;
}

}  // namespace kiosk
