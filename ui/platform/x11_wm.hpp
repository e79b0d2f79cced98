// Is a window manager running on this X display? Kiosk sessions often run
// the kiosk on a bare X server (xinit, a display manager's kiosk session,
// Xvfb in tests). There, SDL's fullscreen request waits ~100 ms for a
// window manager that never answers; a borderless window covering the
// display is the whole screen already, and nothing can be stacked above it.
#pragma once

namespace kiosk::ui {

// `display` is the Xlib Display* SDL uses (from SDL_GetWindowWMInfo).
// True when the root window names a live EWMH window manager
// (_NET_SUPPORTING_WM_CHECK on the root and on the window it points to).
bool x11_window_manager_running(void* display);

}  // namespace kiosk::ui
