// Entry point of the touch kiosk (implemented in ui/app/).
#pragma once
#include <string>

#include "ui/shell/options.hpp"

namespace kiosk::ui {

// Runs the touch kiosk until it is closed; returns the process exit code
// (kiosk/base/exit_codes.hpp: 3 when there is no content or no display).
int run_touch_ui(const std::string& data_dir, const UiOptions& opt);

}  // namespace kiosk::ui
