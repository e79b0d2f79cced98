// Entry point of the touch kiosk (implemented in ui/app/).
#pragma once
#include <string>
#include <vector>

namespace kiosk::ui {

// args: --windowed WxH, --lang zh|en, --scan-source SRC, --large-text, ... ;
// returns the process exit code.
int run_touch_ui(const std::string& data_dir, const std::vector<std::string>& args);

}  // namespace kiosk::ui
