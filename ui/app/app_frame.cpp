// KioskApp's frame: builds the view of the session the screens draw from,
// draws the current screen and dispatches the event it returns.
#include <algorithm>

#include "imgui.h"
#include "ui/app/app_impl.hpp"
#include "ui/session/flow.hpp"
#include "ui/widgets/automation.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

void KioskApp::Impl::frame(double t) {
  now = t;
  refresh_content();
  if (!started) {
    // The clock is the platform's (seconds since boot): the attract
    // screen's notices start at the first one, not wherever that lands.
    started = true;
    dispatch(ev::Started{});
  }
  dispatch(ev::Tick{});
  WidgetContext& w = wctx();
  w.scale = s.large_text ? 1.5f : 1.0f;
  w.high_contrast = s.high_contrast;
  w.armed = armed(s, now);
  // A new screen, page or service opens at its top for two frames (the
  // second is the first that knows the region's height).
  const std::string view = std::string(screen_name(s.screen)) + "|" + s.service_id + "|" + std::to_string(s.page) + "|" +
                           std::to_string(s.screen_entered_s);
  if (view != last_view) {
    last_view = view;
    fresh_frames = 0;
  }
  w.fresh_view = fresh_frames++ < 2;

  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("kiosk", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                   ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoNav);
  const SessionEnv e = env();
  const RuleContext ctx = session_rules(s, e);
  const std::vector<const Notice*> notices = notices_on(shown, Date::from_unix(unix_now()).iso());
  SyncIndicator sync_shown = sync;
  if (!sync_shown.hub_configured) sync_shown.waiting = local_waiting;
  ScreenView v{s, this->shown, ctx, sync_shown};
  v.ime = d.ime;
  v.demo = d.demo;
  v.now_s = now;
  v.notices = &notices;
  v.preview = preview;
  v.places = &places;
  v.keyboard = &s.editing.keyboard;
  v.editing_text = s.editing.text();
  v.check_text = &s.lookup.input;
  v.service = session_service(s, e);
  if (v.service) {
    v.pages = visible_pages(*v.service, s.answers);
    v.consent_fields = consent_fields(*v.service, s.answers);
    v.total_steps = static_cast<int>(v.pages.size()) + 1 + (v.consent_fields.empty() ? 0 : 1);
  }
  v.ticket_qr = &ticket_qr;
  v.idle_countdown_left_s = s.idle.seconds_left(now, d.idle_countdown_s);
  std::string screen = screen_name(s.screen);
  Event in;
  if (s.idle.prompting) {
    screen = "still_there";
    in = draw_still_there(v);
  } else if (s.confirm_leave) {
    screen = "leave_confirm";
    in = draw_leave_confirm(v);
  } else {
    switch (s.screen) {
      case Screen::Attract: in = draw_attract(v); break;
      case Screen::Home: in = draw_home(v); break;
      case Screen::Form: in = draw_service_flow(v); break;
      case Screen::Review: in = draw_review(v); break;
      case Screen::Consent: in = draw_consent(v); break;
      case Screen::Ticket: in = draw_ticket(v); break;
      case Screen::CheckRequest: in = draw_check_request(v); break;
      case Screen::ScanCard: in = draw_scan_card(v); break;
    }
    if (s.screen != Screen::Attract) take(in, draw_status_corner(v));
  }
  if (v.demo) draw_demo_badge(v);
  ImGui::End();
  ++frames_since_change;
  if (has_event(in)) {
    frames_since_change = 0;
    dispatch(in);
  }
  automation::end_frame(screen);
}

}  // namespace kiosk::ui
