// Command-line options of the touch kiosk (union-kiosk with no command).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/expected.hpp"
#include "kiosk/base/text.hpp"

namespace kiosk::ui {

struct UiOptions {
  bool windowed = false;            // --windowed WxH: development window, no kiosk filtering
  int width = 0, height = 0;
  std::optional<Lang> lang;         // --lang zh|en
  bool large_text = false;          // --large-text
  bool demo = false;                // --demo (or config "demo"): trust demo card keys, show 演示模式
  std::string scan_source;          // --scan-source SRC (overrides config)
  std::string automation_file;      // --automation-file PATH (tests)
  std::string stats_file;           // --stats-file PATH (benchmarks)
  std::optional<int> idle_timeout_s;    // --idle-timeout S
  std::optional<int> idle_countdown_s;  // --idle-countdown S
  bool gb2312_level2 = true;        // --no-gb2312-level2: smaller atlas (benchmarks)
  bool atlas_cache = true;          // --no-atlas-cache: always rasterise (benchmarks)
  bool exit_after_first_frame = false;  // --exit-after-first-frame (start-up timing)
};

// Unknown or malformed options are an Error (ErrorKind::BadOption).
Expected<UiOptions> parse_ui_options(const std::vector<std::string>& args);

// Whether an option above takes a value ("--lang zh" does, "--large-text"
// does not): how union-kiosk tells an option's value from a command name.
bool ui_option_takes_value(std::string_view name);

}  // namespace kiosk::ui
