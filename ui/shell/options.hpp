// Command-line options of the touch kiosk (union-kiosk with no command).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/args.hpp"
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

// The options above that take a value ("--lang zh") and the bare flags
// ("--large-text"): union-kiosk's main reads its whole command line once,
// with its own options added, by the project's one parser (kiosk/base/args).
extern const std::vector<std::string_view> kUiValueOptions;
extern const std::vector<std::string_view> kUiFlags;

// The touch UI's options from what that parser read; options that are not
// the UI's (--data-dir, --json) are left alone. A malformed value is an
// Error (ErrorKind::BadOption).
Expected<UiOptions> parse_ui_options(const Args& a);
// The same from the words themselves; an unknown option is an Error too.
Expected<UiOptions> parse_ui_options(const std::vector<std::string>& args);

}  // namespace kiosk::ui
