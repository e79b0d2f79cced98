// ImGui style for a touch kiosk at a UI scale: touch-sized padding, line
// spacing of at least 1.3x, and the colours the keyboard and stock ImGui
// widgets use, from the screens' palette (normal or high contrast).
#pragma once

namespace kiosk::ui {

void apply_platform_style(float scale, bool high_contrast);

}  // namespace kiosk::ui
