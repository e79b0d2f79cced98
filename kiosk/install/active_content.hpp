// Which content bundle an install runs on: the data directory's content/ when
// it checks clean, else the embedded one (with the pushed bundle's problems).
#pragma once
#include <string>
#include <vector>

#include "kiosk/base/expected.hpp"
#include "kiosk/domain/content.hpp"
#include "kiosk/install/paths.hpp"

namespace kiosk {

struct ActiveContent {
  ContentBundle bundle;
  std::string source;                    // "data-dir" or "embedded"
  std::vector<ContentProblem> rejected;  // why the data dir's bundle was not used
};

// The store setting the touch UI records the shown bundle's version in, so
// the heartbeat reports it without loading the bundle again.
inline constexpr const char* kSettingContentVersion = "content_version";

// An Error only if neither loads.
Expected<ActiveContent> load_active_content(const DataDir& dir);

}  // namespace kiosk
