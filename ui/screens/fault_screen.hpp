// The full-screen message shown instead of the kiosk when it cannot take
// requests (a damaged queue file): both languages at once, with the
// technical code for staff. imgui.h only.
#pragma once
#include <string>

namespace kiosk::ui {

void draw_fault_screen(const std::string& title_key, const std::string& body_key,
                       const std::string& code);

}  // namespace kiosk::ui
