// On-screen keyboard for a kiosk with no physical keyboard: numeric pad
// (phone, ID number with X, numbers), letters, and Chinese by pinyin with a
// candidate bar. Draws with imgui.h only; edits the caller's UTF-8 buffer.
#pragma once
#include <string>

namespace kiosk::ui {

class ImeEngine;

enum class KeyboardLayout { Pinyin, Letters, Digits, IdNumber, Phone };

struct KeyboardState {
  KeyboardLayout layout = KeyboardLayout::Pinyin;
  bool pinyin_mode = true;       // Pinyin layout: false = plain Latin letters
  std::string composing;         // pinyin typed, not yet converted
  int candidate_page = 0;
  void clear() { composing.clear(); candidate_page = 0; }
};

struct KeyboardResult {
  bool changed = false;  // `text` was edited
  bool done = false;     // the worker pressed the confirm key
};

// Draws the keyboard in the current ImGui window region, `scale` = UI scale.
KeyboardResult draw_keyboard(KeyboardState& state, std::string& text, ImeEngine* ime,
                             float scale, size_t max_bytes = 256);

}  // namespace kiosk::ui
