// KioskApp's frame: builds the view of the session the screens draw from,
// draws the current screen and applies the intent it returns.
#include <algorithm>
#include <cmath>

#include "imgui.h"
#include "kiosk/base/strings.hpp"
#include "kiosk/card/ticket_code.hpp"
#include "ui/app/app_impl.hpp"
#include "ui/session/flow.hpp"
#include "ui/widgets/automation.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

void KioskApp::Impl::apply(const Intent& in) {
  if (!in) return;
  frames_since_change = 0;
  switch (in.kind) {
    case IntentKind::None: break;
    case IntentKind::Start: go(Screen::Home); break;
    case IntentKind::GoHome:
      if (s.screen == Screen::Ticket) {
        wipe_session();
        go(Screen::Home);
      } else {
        go(Screen::Home);
      }
      break;
    case IntentKind::OpenService: open_service(in.arg); break;
    case IntentKind::ScanCard:
      s.after_card_service.clear();
      s.card_message = Text{};
      s.card_verdict.clear();
      go(Screen::ScanCard);
      break;
    case IntentKind::ForgetCard:
      if (s.member) {
        scrub(s.member->name);
        scrub(s.member->sub);
        scrub(s.member->org);
      }
      s.member.reset();
      break;
    case IntentKind::CheckRequest:
      scrub(s.check_input);
      s.check = CheckResult{};
      go(Screen::CheckRequest);
      s.keyboard.layout = KeyboardLayout::Letters;
      s.keyboard.pinyin_mode = false;
      break;
    case IntentKind::SetLang: s.lang = in.arg == "en" ? Lang::En : Lang::Zh; break;
    case IntentKind::ToggleLargeText: s.large_text = !s.large_text; break;
    case IntentKind::ToggleContrast: s.high_contrast = !s.high_contrast; break;
    case IntentKind::Back: back(); break;
    case IntentKind::Next: next(); break;
    case IntentKind::EditField: open_editor(in.arg); break;
    case IntentKind::CloseEditor: close_editor(); break;
    case IntentKind::TextEdited:
      text_edited(in.arg);
      if (in.value.is_boolean() && in.value.get<bool>()) close_editor();
      break;
    case IntentKind::SetAnswer:
      close_editor();
      s.answers[in.arg] = in.value;
      s.touched.insert(in.arg);
      s.form_error = Text{};
      break;
    case IntentKind::ToggleChoice: {
      close_editor();
      nlohmann::json& v = s.answers[in.arg];
      if (!v.is_array()) v = nlohmann::json::array();
      auto it = std::find(v.begin(), v.end(), in.value);
      if (it != v.end())
        v.erase(it);
      else
        v.push_back(in.value);
      if (v.empty()) s.answers.erase(in.arg);
      s.touched.insert(in.arg);
      break;
    }
    case IntentKind::EditPage:
      if (in.value.is_number_integer()) {
        s.page = in.value.get<int>();
        go(Screen::Form);
      }
      break;
    case IntentKind::Submit: submit(); break;
    case IntentKind::Finish: wipe_session(); break;
    case IntentKind::StillHere:
      s.still_there = false;
      s.last_input_s = now;
      break;
    case IntentKind::EndSession: wipe_session(); break;
    case IntentKind::CheckLookup: lookup(s.check_input); break;
    case IntentKind::CheckEdited: s.check = CheckResult{}; break;
    case IntentKind::CheckAgain:
      scrub(s.check_input);
      s.check = CheckResult{};
      s.screen_entered_s = now;  // the pad appears where the answer was
      break;
  }
}

void KioskApp::Impl::refresh_ticket_qr() {
  if (!s.ticket) return;
  if (ticket_qr_for == s.ticket->request_id) return;
  scrub_ticket_qr();
  ticket_qr_for = s.ticket->request_id;
  std::string text = scan::make_ticket_code({s.ticket->request_id, s.ticket->ticket});
  if (text.empty()) return;
  auto qr = scan::encode_qr(text, scan::QrEcc::M, 0);
  if (!qr) return;
  ticket_qr.width = ticket_qr.height = qr->size;
  ticket_qr.modules.assign(qr->dark.begin(), qr->dark.end());
}

std::vector<Notice> KioskApp::Impl::current_notices() const {
  std::vector<Notice> out;
  if (!d.content) return out;
  const std::string today = Date::from_unix(unix_now()).iso();
  for (const Notice& n : d.content->notices) {
    if (!n.from.empty() && today < n.from) continue;
    if (!n.until.empty() && today > n.until) continue;
    out.push_back(n);
  }
  return out;
}

void KioskApp::Impl::frame(double t) {
  now = t;
  if (!started) {
    // The clock is the platform's (seconds since boot): the attract
    // screen's notices start at the first one, not wherever that lands.
    // The first screen takes taps at once (no earlier tap to guard against).
    started = true;
    s.screen_entered_s = now - kArmDelayS;
    attract_since = s.screen_entered_s;
  }
  tick_idle();
  WidgetContext& w = wctx();
  w.scale = s.large_text ? 1.5f : 1.0f;
  w.high_contrast = s.high_contrast;
  w.armed = now - s.screen_entered_s >= kArmDelayS;
  refresh_ticket_qr();

  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("kiosk", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                   ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoNav);
  const RuleContext ctx = rules();
  const std::vector<Notice> notices = current_notices();
  SyncIndicator shown = sync;
  if (!shown.hub_configured) shown.waiting = local_waiting;
  ScreenView v{s, *d.content, ctx, shown};
  v.ime = d.ime;
  v.now_s = now;
  v.notices = &notices;
  v.preview = preview;
  v.keyboard = &s.keyboard;
  v.check_text = &s.check_input;
  v.service = service();
  if (!s.editing.empty()) v.editing_text = &s.scratch[s.editing];
  if (v.service) {
    v.pages = visible_pages(*v.service, s.answers);
    v.consent_fields = consent_fields(*v.service, s.answers);
    v.total_steps = static_cast<int>(v.pages.size()) + 1 + (v.consent_fields.empty() ? 0 : 1);
  }
  v.ticket_qr = ticket_qr;
  v.idle_countdown_left_s = std::max(
      0, static_cast<int>(std::ceil(d.idle_countdown_s - (now - s.still_there_since_s))));
  std::string screen = screen_name(s.screen);
  Intent in;
  if (s.still_there) {
    screen = "still_there";
    in = draw_still_there(v);
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
  ImGui::End();
  ++frames_since_change;
  apply(in);
  automation::end_frame(screen);
}

}  // namespace kiosk::ui
