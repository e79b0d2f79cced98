// The field being typed on the on-screen keyboard: which one, the text typed
// so far for each typed field, and the keyboard's own state. Part of the
// session; the keyboard widget edits the open field's text in place.
#pragma once
#include <map>
#include <string>

#include "ui/session/keyboard_state.hpp"

namespace kiosk::ui {

struct Editing {
  std::string field;                           // field with the keyboard open ("" none)
  std::map<std::string, std::string> scratch;  // field id -> text as typed
  KeyboardState keyboard;

  bool open() const { return !field.empty(); }
  // The open field's text, or null when no field is open.
  std::string* text();
  const std::string* text() const;
  // Opens `field_id`; its text starts as `initial` the first time only.
  void begin(const std::string& field_id, const std::string& initial, KeyboardLayout layout);
  // Closes the keyboard; the typed text stays (the field may be opened again).
  void end();
  // Overwrites and drops every text typed and the composition.
  void scrub();
};

}  // namespace kiosk::ui
