// The kiosk's screens, one a file. Each draws from a read-only view of the
// session and returns what the worker asked for (an Intent); the session
// (ui/app/app.cpp) applies it. Screens include imgui.h and kiosk headers only.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/domain/content.hpp"
#include "kiosk/domain/form.hpp"
#include "kiosk/base/strings.hpp"
#include "ui/session/indicators.hpp"
#include "ui/session/session.hpp"

namespace kiosk::ui {

class ImeEngine;

enum class IntentKind {
  None,
  Start,            // attract -> home
  GoHome,
  OpenService,      // arg: service id
  ScanCard,         // open the scan-card screen
  ForgetCard,
  CheckRequest,     // open "check my request"
  SetLang,          // arg: "zh" | "en"
  ToggleLargeText,
  ToggleContrast,
  Back,
  Next,
  EditField,        // arg: field id (opens the keyboard)
  CloseEditor,      // keyboard's confirm key
  TextEdited,       // arg: field id (scratch buffer changed)
  SetAnswer,        // arg: field id, value
  ToggleChoice,     // arg: field id, value: choice id (multi choice)
  EditPage,         // review: value = page index to go back to
  Submit,
  Finish,           // ticket screen: done, wipe and return to attract
  StillHere,        // "still there?" -> yes
  EndSession,       // "still there?" -> no, finish now
  CheckLookup,      // check my request: look up check_input
  CheckEdited,
  CheckAgain,       // clear the number and the answer, type another
};

struct Intent {
  Intent() = default;
  Intent(IntentKind k, std::string a = {}, nlohmann::json v = {})
      : kind(k), arg(std::move(a)), value(std::move(v)) {}
  IntentKind kind = IntentKind::None;
  std::string arg;
  nlohmann::json value;
  explicit operator bool() const { return kind != IntentKind::None; }
};

// Keep the first intent of a frame: one tap, one action.
inline void take(Intent& out, Intent in) {
  if (!out && in) out = std::move(in);
}

struct QrImage {
  std::vector<uint8_t> modules;  // row-major, non-zero = dark
  int width = 0, height = 0;
};

// What the screens may read. The editor pieces (scratch text, keyboard
// state) are the one mutable part: the on-screen keyboard edits them in place.
struct ScreenView {
  ScreenView(const Session& ss, const ContentBundle& c, const RuleContext& r,
             const SyncIndicator& sy)
      : s(ss), content(c), rules(r), sync(sy) {}
  const Session& s;
  const ContentBundle& content;
  const RuleContext& rules;
  const SyncIndicator& sync;
  ImeEngine* ime = nullptr;
  double now_s = 0;
  int idle_countdown_left_s = 0;
  // The pages of the current service that have a visible field, in order
  // (indices into Service::pages), excluding consent fields.
  std::vector<int> pages;
  int total_steps = 0;               // pages + review + consent
  std::vector<std::string> consent_fields;
  QrImage ticket_qr;
  PreviewFrame preview;
  const std::vector<Notice>* notices = nullptr;  // those in date today
  // Mutable editor state (keyboard): see above.
  std::string* editing_text = nullptr;
  KeyboardState* keyboard = nullptr;
  std::string* check_text = nullptr;
  const Service* service = nullptr;
  Lang lang() const { return s.lang; }
};

// A string of ui.json in the worker's language.
inline const std::string& T(const ScreenView& v, std::string_view key) {
  return tr(key).in(v.lang());
}
inline const std::string& L(const ScreenView& v, const Text& t) { return t.in(v.lang()); }

// Shared frame parts.
Intent draw_status_corner(const ScreenView& v);
Intent draw_top_bar(const ScreenView& v, const std::string& title, bool show_home);

Intent draw_attract(const ScreenView& v);
Intent draw_home(const ScreenView& v);
Intent draw_service_flow(const ScreenView& v);
Intent draw_review(const ScreenView& v);
Intent draw_consent(const ScreenView& v);
Intent draw_ticket(const ScreenView& v);
Intent draw_check_request(const ScreenView& v);
Intent draw_scan_card(const ScreenView& v);
Intent draw_still_there(const ScreenView& v);

// The fixed bottom bar: back on the left, next on the right, always in the
// same place. Returns Back/Next intents (next label varies: Next, Submit).
Intent draw_nav_bar(const ScreenView& v, const std::string& next_label, bool next_enabled,
                    const std::string& next_id = "form.next");
float nav_bar_height();

}  // namespace kiosk::ui
