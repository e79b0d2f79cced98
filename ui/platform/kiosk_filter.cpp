#include "ui/platform/kiosk_filter.hpp"

namespace kiosk::ui {

EventVerdict classify_event(const SDL_Event& ev, bool kiosk_mode) {
  switch (ev.type) {
    case SDL_QUIT:
      // With SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE off, SDL_QUIT only comes
      // from SIGTERM/SIGINT: a technician or systemd stopping the kiosk.
      return EventVerdict::Quit;
    case SDL_WINDOWEVENT:
      if (ev.window.event == SDL_WINDOWEVENT_CLOSE)
        return kiosk_mode ? EventVerdict::Swallow : EventVerdict::Quit;
      return EventVerdict::Pass;
    case SDL_KEYDOWN:
    case SDL_KEYUP: {
      if (!kiosk_mode) return EventVerdict::Pass;
      const SDL_Keycode k = ev.key.keysym.sym;
      const Uint16 mod = ev.key.keysym.mod;
      const bool alt = mod & KMOD_ALT;
      const bool ctrl = mod & KMOD_CTRL;
      const bool gui = mod & KMOD_GUI;
      if (k == SDLK_ESCAPE) return EventVerdict::Swallow;
      if (k == SDLK_LGUI || k == SDLK_RGUI || k == SDLK_APPLICATION || gui)
        return EventVerdict::Swallow;  // Super opens launchers
      if (alt && (k == SDLK_F4 || k == SDLK_TAB || k == SDLK_ESCAPE || k == SDLK_SPACE))
        return EventVerdict::Swallow;
      if (ctrl && alt) return EventVerdict::Swallow;  // Ctrl+Alt+F1.. / Backspace
      if (ctrl && (k == SDLK_w || k == SDLK_q)) return EventVerdict::Swallow;
      if (k >= SDLK_F1 && k <= SDLK_F12) return EventVerdict::Swallow;
      return EventVerdict::Pass;
    }
    default:
      return EventVerdict::Pass;
  }
}

}  // namespace kiosk::ui
