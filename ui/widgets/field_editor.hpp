// Field editors of the service forms: a typed field's box (the on-screen
// keyboard edits it), choice grids, pick lists with places left, and the
// error in words under the field as soon as its answer is complete.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "kiosk/domain/content.hpp"
#include "kiosk/domain/form.hpp"
#include "kiosk/base/text.hpp"
#include "ui/session/places.hpp"

namespace kiosk::ui {

struct FieldEdit {
  enum Kind { None, Set, Toggle } kind = None;
  std::string id;  // Set: the choice or item chosen; Toggle: the choice
};

// The box showing a typed answer (or the hint when empty); tap to edit.
bool typed_box(const std::string& id, const std::string& text, const std::string& placeholder,
               bool editing, float width);

// Choice grid for SingleChoice / MultiChoice.
FieldEdit choice_grid(const Field& f, const Answers& a, Lang lang, float width);

// Pick list (slots, events, classes) from `today` (YYYY-MM-DD) on, with
// the places left in words from `places` (item id -> its state, counted
// when the page opened; an item not in it counts as full); full entries
// and those a rule refuses this worker are disabled and say why.
FieldEdit pick_list(const Field& f, const Answers& a, const ContentBundle& c,
                    const std::map<std::string, PickState>* places, const std::string& today, Lang lang,
                    float width);

}  // namespace kiosk::ui
