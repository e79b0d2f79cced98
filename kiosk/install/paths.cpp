// Where the data directory is, and creating it private to the kiosk's user.
#include "kiosk/install/paths.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace kiosk {

std::string default_data_dir() {
  if (const char* d = std::getenv("UNION_KIOSK_DATA_DIR"); d && *d) return d;
  // XDG: only an absolute path counts; a relative one is to be ignored.
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && x[0] == '/')
    return std::string(x) + "/union-kiosk";
  const char* home = std::getenv("HOME");
  if (!home || !*home) {
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) home = pw->pw_dir;
  }
  if (!home || !*home) home = "/var/lib";
  return std::string(home) + "/.local/share/union-kiosk";
}

bool ensure_dir(const std::string& dir, std::string* error) {
  auto fail = [&](const std::string& what, int err) {
    if (error) *error = what + ": " + std::strerror(err);
    return false;
  };
  if (dir.empty()) return fail("empty path", EINVAL);
  struct stat sb {};
  if (::stat(dir.c_str(), &sb) == 0) {
    if (!S_ISDIR(sb.st_mode)) return fail(dir + " exists and is not a directory", ENOTDIR);
    return true;
  }
  // Parents first, each created private too: they hold nothing but this.
  for (size_t pos = dir.find('/', 1); pos != std::string::npos; pos = dir.find('/', pos + 1)) {
    const std::string parent = dir.substr(0, pos);
    if (::mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) return fail(parent, errno);
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return fail(dir, errno);
  if (::stat(dir.c_str(), &sb) != 0 || !S_ISDIR(sb.st_mode)) return fail(dir, ENOTDIR);
  return true;
}

}  // namespace kiosk
