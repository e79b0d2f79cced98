// The kiosk's screens, one a file. Each draws from a read-only view of the
// session and returns what the worker asked for as a typed event
// (ui/session/events.hpp), which the app feeds to the session's reducer.
// Screens include imgui.h and kiosk headers only.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/base/strings.hpp"
#include "kiosk/domain/content.hpp"
#include "kiosk/domain/form.hpp"
#include "ui/session/events.hpp"
#include "ui/session/indicators.hpp"
#include "ui/session/places.hpp"
#include "ui/session/session.hpp"

namespace kiosk::ui {

class ImeEngine;

struct QrImage {
  std::vector<uint8_t> modules;  // row-major, non-zero = dark
  int width = 0, height = 0;
};

// What the screens may read. The editor pieces (the open field's text, the
// keyboard state, the ticket number on the pad) are the one mutable part:
// the keyboards edit them in place, so that no copy of what the worker
// types is made each frame; the event they return says what changed.
struct ScreenView {
  ScreenView(const Session& ss, const ContentBundle& c, const RuleContext& r,
             const SyncIndicator& sy)
      : s(ss), content(c), rules(r), sync(sy) {}
  const Session& s;
  const ContentBundle& content;
  const RuleContext& rules;
  const SyncIndicator& sync;
  ImeEngine* ime = nullptr;
  bool demo = false;                 // demo mode: the badge on every screen
  double now_s = 0;
  int idle_countdown_left_s = 0;
  // The pages of the current service that have a visible field, in order
  // (indices into Service::pages), excluding consent fields.
  std::vector<int> pages;
  int total_steps = 0;               // pages + review + consent
  std::vector<std::string> consent_fields;
  const QrImage* ticket_qr = nullptr;
  PreviewFrame preview;
  // Places left of the service's pick lists, counted when the page opened.
  const PlacesLeft* places = nullptr;
  const std::vector<const Notice*>* notices = nullptr;  // those in date today (notices_on)
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
Event draw_status_corner(const ScreenView& v);
// 演示模式 / Demo mode, on every screen of a kiosk in demo mode (it trusts
// card keys whose private halves are published). Shown only, not tappable.
void draw_demo_badge(const ScreenView& v);
Event draw_top_bar(const ScreenView& v, const std::string& title, bool show_home);

Event draw_attract(const ScreenView& v);
Event draw_home(const ScreenView& v);
Event draw_service_flow(const ScreenView& v);
Event draw_review(const ScreenView& v);
Event draw_consent(const ScreenView& v);
Event draw_ticket(const ScreenView& v);
Event draw_check_request(const ScreenView& v);
Event draw_scan_card(const ScreenView& v);
Event draw_still_there(const ScreenView& v);
Event draw_leave_confirm(const ScreenView& v);  // leave_confirm.cpp

// The fixed bottom bar: back on the left, next on the right, always in the
// same place. Back returns ev::Back, next `on_next` (ev::Next or ev::Submit).
Event draw_nav_bar(const ScreenView& v, const std::string& next_label, bool next_enabled,
                   const std::string& next_id = "form.next", Event on_next = ev::Next{});
float nav_bar_height();

}  // namespace kiosk::ui
