// The kiosk's helpers around the UI thread: the camera/QR scan thread, the
// keyboard-wedge scanner detector and the sync thread. Their results reach
// KioskApp only here, on the main loop, once a frame: other threads never
// touch UI state.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "kiosk/install/install.hpp"

namespace kiosk::ui {

class KioskApp;
class PlatformWindow;

class Peripherals {
 public:
  // `scan_source`: the config's or the command line's. `store_ok`: the sync
  // thread is made only when the queue opened.
  Peripherals(const Install& install, const std::string& scan_source, bool store_ok);
  ~Peripherals();
  Peripherals(const Peripherals&) = delete;
  Peripherals& operator=(const Peripherals&) = delete;

  // Starts the sync thread. Called once the first frame is on screen: the
  // thread's first look at the queue and the hub competes with start-up
  // for the CPU and nothing of it is needed for that frame.
  void start_sync();

  // Keyboard input, which may be a scanner typing.
  void feed_text(const char* utf8, double now_s);
  void feed_enter(double now_s);
  // Hands everything that arrived to the app (and typing to ImGui through
  // the window). True when something changed on screen.
  bool deliver(KioskApp& app, PlatformWindow& window, double now_s);
  // When deliver() must run again even if no event comes.
  std::optional<double> next_wakeup_s(double now_s) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::ui
