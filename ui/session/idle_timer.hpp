// The idle timer of a shared terminal: after `timeout` seconds without input
// a screen holding personal data asks "still there?" and counts down; at the
// end (or at once where nothing is personal) the session is wiped.
#pragma once
#include <optional>

namespace kiosk::ui {

struct IdleTimer {
  double last_input_s = 0;
  bool prompting = false;      // "still there?" is showing
  double prompt_since_s = 0;

  enum class Step { None, Prompt, Wipe };
  // What the time `now` calls for. `timing`: false on the attract screen
  // (nothing to time out).
  Step step(double now, int timeout_s, int countdown_s, bool timing, bool personal) const;
  void touch(double now) { last_input_s = now; }
  void prompt(double now);
  void dismiss(double now);
  // Whole seconds left on the countdown (never negative).
  int seconds_left(double now, int countdown_s) const;
  // When the next visible change is due: each second of the countdown and
  // its end, or the timeout.
  std::optional<double> next_change(double now, int timeout_s, int countdown_s, bool timing) const;
};

}  // namespace kiosk::ui
