// Which keyboard a field is typed on and where its composition stands: part
// of the session (cleared with it), drawn by ui/widgets/keyboard.
#pragma once
#include <string>

namespace kiosk::ui {

enum class KeyboardLayout { Pinyin, Letters, Digits, IdNumber, Phone };

struct KeyboardState {
  KeyboardLayout layout = KeyboardLayout::Pinyin;
  bool pinyin_mode = true;       // Pinyin layout: false = plain Latin letters
  std::string composing;         // pinyin typed, not yet converted
  int candidate_page = 0;
  bool shift = false;            // Latin letters: next letter upper case
  void clear() { composing.clear(); candidate_page = 0; shift = false; }
};

}  // namespace kiosk::ui
