#include "kiosk/install/active_content.hpp"

#include <sys/stat.h>

#include "kiosk/base/log.hpp"
#include "kiosk/base/strings.hpp"

namespace kiosk {

Expected<ActiveContent> load_active_content(const DataDir& dir) {
  ActiveContent out;
  struct stat sb {};
  const std::string pushed = dir.content_dir();
  if (::stat(pushed.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode)) {
    ContentLoad l = load_content_dir(pushed);
    if (l.bundle && l.problems.empty()) {
      out.bundle = std::move(*l.bundle);
      out.source = "data-dir";
      return out;
    }
    out.rejected = std::move(l.problems);
    if (out.rejected.empty()) out.rejected.push_back({"", "", "bundle did not load"});
    log::event(log::Level::Error, "content", "pushed_bundle_rejected",
               {{"count", static_cast<int>(out.rejected.size())}});
  }
  ContentLoad e = load_embedded_content();
  if (!e.bundle || !e.problems.empty()) {
    Error err;
    err.kind = ErrorKind::NoContent;
    err.message = tr("submit.no_content");
    err.detail = e.problems.empty() ? "embedded bundle did not load" : describe(e.problems.front());
    return err;
  }
  out.bundle = std::move(*e.bundle);
  out.source = "embedded";
  return out;
}

}  // namespace kiosk
