// Which SDL events a kiosk swallows: the keys and window requests that would
// leave the app or reveal the desktop. Pure, so it is unit-tested without a
// display.
#pragma once
#include <SDL.h>

namespace kiosk::ui {

enum class EventVerdict {
  Pass,     // to ImGui / the app
  Swallow,  // dropped: kiosk mode forbids it
  Quit,     // end the program (a signal, or close in windowed mode)
};

EventVerdict classify_event(const SDL_Event& ev, bool kiosk_mode);

}  // namespace kiosk::ui
