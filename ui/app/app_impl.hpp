// The state behind KioskApp (private to ui/app): the session, the sync
// and camera indicators, and the methods that move the session along.
// app.cpp holds the session logic (navigation, editing, submit, codes),
// app_frame.cpp the per-frame part (the view, the screens, the intents).
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "kiosk/card/trust.hpp"
#include "kiosk/scan/codes.hpp"
#include "ui/screens/screens.hpp"
#include "ui/app/app.hpp"
#include "ui/session/session.hpp"

namespace kiosk::ui {

// Taps in the first moments of a new screen are ignored: the second tap of a
// double tap must not act on the screen the first one opened.
inline constexpr double kArmDelayS = 0.45;
inline constexpr double kNoticeRotateS = 8.0;

struct KioskApp::Impl {
  AppDeps d;
  Session s;
  SyncIndicator sync;
  PreviewFrame preview;
  card::TrustStore trust;
  double now = 0;
  double attract_since = 0;
  bool started = false;
  // Frames drawn since the last change: a new screen's scrolling regions
  // know their size only from their second frame, so a few frames follow.
  int frames_since_change = 0;
  // Requests waiting in this kiosk's queue, for the status corner when no
  // sync service reports it (no hub): read at screen changes, not per frame.
  int local_waiting = 0;
  QrImage ticket_qr;
  std::string ticket_qr_for;
  // Requests committed in this run: the sync thread is woken after each.
  unsigned long submitted = 0;

  void refresh_local_waiting();
  explicit Impl(AppDeps deps);
  long long unix_now() const;
  RuleContext rules() const;
  const Service* service() const;
  bool personal() const;
  void go(Screen to);
  void wipe_session();
  void scrub_ticket_qr();

  // --- idle ---
  void tick_idle();
  static void log_info(const char* what);

  // --- editing ---
  void close_editor();
  void open_editor(const std::string& field_id);
  void text_edited(const std::string& field_id);

  // --- flow ---
  void open_service(const std::string& id);
  // Errors of the current page's questions (consents excluded).
  std::vector<FieldError> page_errors(const Service& sv, int page_index);
  void next();
  void back();
  void submit();

  // --- codes ---
  void code_scanned(const std::string& text);
  void lookup(const std::string& key_in);

  // --- each frame (app_frame.cpp) ---
  void apply(const Intent& in);
  void refresh_ticket_qr();
  std::vector<Notice> current_notices() const;
  void frame(double t);
};

}  // namespace kiosk::ui
