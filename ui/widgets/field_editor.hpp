// Field editors of the service forms: a typed field's box (the on-screen
// keyboard edits it), choice grids, pick lists with places left, and the
// error in words under the field as soon as its answer is complete.
#pragma once
#include <string>
#include <vector>

#include "kiosk/domain/content.hpp"
#include "kiosk/domain/form.hpp"
#include "kiosk/base/text.hpp"

namespace kiosk::ui {

struct FieldEdit {
  enum Kind { None, Edit, Set, Toggle } kind = None;
  nlohmann::json value;  // Set: the answer; Toggle: the choice id
};

// The box showing a typed answer (or the hint when empty); tap to edit.
bool typed_box(const std::string& id, const std::string& text, const std::string& placeholder,
               bool editing, float width);

// Choice grid for SingleChoice / MultiChoice.
FieldEdit choice_grid(const Field& f, const Answers& a, Lang lang, float width);

// Pick list (slots, events, classes) with places left in words; full
// entries are disabled and say "full".
FieldEdit pick_list(const Service& s, const Field& f, const Answers& a, const ContentBundle& c,
                    const RuleContext& ctx, Lang lang, float width);

}  // namespace kiosk::ui
