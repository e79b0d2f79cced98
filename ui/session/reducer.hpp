// The session's reducer: Session x Event -> Session + Effects. No ImGui, no
// store writes, no card or camera code: what needs them is returned as an
// effect for the app to run, and its result comes back as an event.
//
// The session is changed in place rather than copied: a copy of what the
// worker typed would be freed without being overwritten.
#pragma once
#include "kiosk/domain/content.hpp"
#include "kiosk/domain/form.hpp"
#include "ui/session/effects.hpp"
#include "ui/session/events.hpp"
#include "ui/session/session.hpp"

namespace kiosk::ui {

// Taps in the first moments of a new screen are ignored: the second tap of a
// double tap must not act on the screen the first one opened.
inline constexpr double kArmDelayS = 0.45;

// What the reducer reads besides the session; never changed by it.
struct SessionEnv {
  const ContentBundle* content = nullptr;
  RuleContext rules;  // content, today, ledger; the member is the session's
  double now = 0;     // monotonic seconds
  int idle_timeout_s = 60;
  int idle_countdown_s = 15;
  Lang default_lang = Lang::Zh;
  bool default_large_text = false;
};

Effects reduce(Session& s, const Event& e, const SessionEnv& env);

// The rules as they apply to this session (its verified member).
RuleContext session_rules(const Session& s, const SessionEnv& env);
// The session's service, or null.
const Service* session_service(const Session& s, const SessionEnv& env);
// Whether the screen shows something of the worker (the idle prompt guards it).
bool shows_personal_data(const Session& s);
// Whether the current screen reads codes with the camera.
bool wants_camera(const Session& s);
// Taps count on the current screen (its arming delay has passed).
inline bool armed(const Session& s, double now) { return now - s.screen_entered_s >= kArmDelayS; }

}  // namespace kiosk::ui
