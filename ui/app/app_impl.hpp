// The state behind KioskApp (private to ui/app): the session and the
// reducer's environment, what the platform reported (sync, camera), and
// what the effects produce (places left, the ticket QR). app.cpp feeds
// events to the reducer and runs its effects; app_frame.cpp builds the view
// and draws the current screen.
#pragma once
#include <deque>
#include <string>

#include "kiosk/card/trust.hpp"
#include "ui/app/app.hpp"
#include "ui/screens/screens.hpp"
#include "ui/session/places.hpp"
#include "ui/session/reducer.hpp"
#include "ui/session/session.hpp"

namespace kiosk::ui {

inline constexpr double kNoticeRotateS = 8.0;

struct KioskApp::Impl {
  AppDeps d;
  Session s;
  SyncIndicator sync;
  PreviewFrame preview;
  card::TrustStore trust;
  // The store's counts, read when a page opens or a request was committed.
  BookingCache bookings;
  PlacesLeft places;
  QrImage ticket_qr;
  double now = 0;
  bool started = false;
  bool camera_on = false;
  // Frames drawn since the last change: a new screen's scrolling regions
  // know their size only from their second frame, so a few frames follow.
  int frames_since_change = 0;
  // Which view the last frame drew, and frames since it changed (fresh_view).
  std::string last_view;
  int fresh_frames = 0;
  // Requests waiting in this kiosk's queue, for the status corner when no
  // sync service reports it (no hub): read at screen changes, not per frame.
  int local_waiting = 0;
  // Requests committed in this run: the sync thread is woken after each.
  unsigned long submitted = 0;

  // What the screens and rules see: d.content with its schedule rules
  // expanded for `shown_day` (expand_schedules). Remade on the first frame
  // of a new day that finds no one in a service (attract or home screen),
  // so that a worker's form never changes under them.
  ContentBundle shown;
  std::string shown_day;
  void refresh_content();

  explicit Impl(AppDeps deps);
  long long unix_now() const;
  SessionEnv env() const;

  // Reduce, then run the effects. Their results wait in `pending` until
  // the effects of the event before them have all run: events are reduced
  // one at a time, in the order they arose.
  void dispatch(Event e);
  std::deque<Event> pending;
  bool dispatching = false;
  void run(const Effect& f);
  void code_scanned(const std::string& text);

  // --- each frame (app_frame.cpp) ---
  void frame(double t);
};

}  // namespace kiosk::ui
