// The kiosk's session and screens, independent of SDL/GL: the platform loop
// (ui/shell/run.cpp) feeds it input and time, calls frame() between
// ImGui::NewFrame() and ImGui::Render(), and asks when to wake up next.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "kiosk/domain/content.hpp"
#include "kiosk/base/text.hpp"
#include "ui/session/indicators.hpp"

namespace kiosk {
class RequestStore;
}

namespace kiosk::ui {

class ImeEngine;
struct Session;

struct AppDeps {
  RequestStore* store = nullptr;            // required
  const ContentBundle* content = nullptr;   // required; trusted keys inside
  ImeEngine* ime = nullptr;                 // pinyin engine; may be null (no Chinese input)
  std::string data_dir;
  int idle_timeout_s = 60;
  int idle_countdown_s = 15;
  Lang start_lang = Lang::Zh;
  bool large_text = false;
  bool hub_configured = false;
  // Demo mode: the content's demo card keys are trusted, and every screen
  // says so (演示模式 / Demo mode). Off in a real install.
  bool demo = false;
  // The key attendance is matched under (Install::id_hash_key).
  std::string id_hash_key;
  // Unix time in seconds; injectable for tests. Null: the system clock.
  long long (*now_unix)() = nullptr;
};

class KioskApp {
 public:
  explicit KioskApp(AppDeps deps);
  ~KioskApp();
  KioskApp(const KioskApp&) = delete;
  KioskApp& operator=(const KioskApp&) = delete;

  // Draw this frame. `now_s` is a monotonic clock in seconds.
  void frame(double now_s);
  // Any touch, click or key: resets the idle timer.
  void on_user_input(double now_s);
  // A code read by the camera or the keyboard-wedge scanner.
  void on_code_scanned(const std::string& text, double now_s);
  void on_sync(const SyncIndicator& s);
  void set_preview(const PreviewFrame& f);
  // True while something on screen moves (countdown, attract rotation,
  // animation, camera preview): the loop must wake by next_wakeup_s().
  bool animating(double now_s) const;
  // Monotonic time of the next timed change (idle prompt, wipe, notice
  // rotation), or nullopt if nothing is scheduled.
  std::optional<double> next_wakeup_s(double now_s) const;
  // Requested UI scale (large-text mode) and palette; the platform rebuilds
  // fonts/styles when these change.
  float text_scale() const;
  bool high_contrast() const;
  Lang lang() const;
  // True when the current screen wants the camera running.
  bool wants_camera() const;
  // The session, read-only (tests look for what was typed after a wipe).
  const Session& session() const;
  // Requests committed since start: a change means "send them now".
  unsigned long submitted() const;

  struct Impl;
 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::ui
