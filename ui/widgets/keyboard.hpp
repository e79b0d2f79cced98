// On-screen keyboard for a kiosk with no physical keyboard: numeric pad
// (phone, ID number with X, numbers), letters, and Chinese by pinyin with a
// candidate bar. Draws with imgui.h only; edits the caller's UTF-8 buffer.
// Every key reports its rectangle to automation ("kbd.key.a", "kbd.key.X",
// "kbd.cand.0", "kbd.backspace", "kbd.space", "kbd.ok", "kbd.mode",
// "kbd.cand.prev", "kbd.cand.next").
#pragma once
#include <cstddef>
#include <string>

#include "kiosk/base/text.hpp"
#include "ui/session/keyboard_state.hpp"

namespace kiosk::ui {

class ImeEngine;

struct KeyboardResult {
  bool changed = false;  // `text` was edited
  bool done = false;     // the worker pressed the confirm key
};

// Smallest keys: 60 px at scale 1 (15 mm on a 21.5" 1080p screen).
constexpr float kKeyMinPx = 60.0f;

// Draws the keyboard in the current ImGui window's remaining region,
// `scale` = UI scale, labels in `lang`.
KeyboardResult draw_keyboard(KeyboardState& state, std::string& text, ImeEngine* ime,
                             float scale, size_t max_bytes = 256, Lang lang = Lang::Zh);

// Height the keyboard needs for keys of kKeyMinPx * scale (size the region
// given to draw_keyboard at least this tall).
float keyboard_min_height(const KeyboardState& state, float scale);

// Called by the platform loop after every frame: when no keyboard was drawn
// in it, the pinyin engine's composition is dropped, so nothing a worker
// typed lingers in the decoder after the screen (or the session) is gone.
void keyboard_frame_end(ImeEngine* ime);

}  // namespace kiosk::ui
