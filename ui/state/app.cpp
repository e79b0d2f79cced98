// KioskApp: the session state machine. Screens draw from a view of the
// session and return intents; this file applies them, runs the idle timers
// and owns everything the worker typed (so the wipe can reach all of it).
#include "ui/state/app.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "imgui.h"
#include "kiosk/card/member_card.hpp"
#include "kiosk/card/trust.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/core/store.hpp"
#include "kiosk/core/strings.hpp"
#include "kiosk/scan/codes.hpp"
#include "kiosk/scan/ticket_code.hpp"
#include "ui/screens/screens.hpp"
#include "ui/state/flow.hpp"
#include "ui/state/session.hpp"
#include "ui/state/submit_flow.hpp"
#include "ui/widgets/automation.hpp"
#include "ui/widgets/ime.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {
namespace {

// Taps in the first moments of a new screen are ignored: the second tap of a
// double tap must not act on the screen the first one opened.
constexpr double kArmDelayS = 0.45;
constexpr double kNoticeRotateS = 8.0;

long long system_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

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

  void refresh_local_waiting() {
    if (!d.store) return;
    const QueueStats st = d.store->stats();
    local_waiting = st.queued + st.sending;
  }
  QrImage ticket_qr;
  std::string ticket_qr_for;

  explicit Impl(AppDeps deps) : d(std::move(deps)) {
    if (d.content) trust = card::TrustStore::from(*d.content);
    sync.hub_configured = d.hub_configured;
    s.lang = d.start_lang;
    s.large_text = d.large_text;
  }

  long long unix_now() const { return d.now_unix ? d.now_unix() : system_unix(); }

  RuleContext rules() const {
    RuleContext ctx;
    ctx.content = d.content;
    ctx.today = Date::from_unix(unix_now());
    if (s.member) ctx.member = s.member;
    ctx.ledger = d.store;
    return ctx;
  }

  const Service* service() const {
    return d.content && !s.service_id.empty() ? d.content->service(s.service_id) : nullptr;
  }

  bool personal() const {
    if (s.screen == Screen::Attract) return false;
    if (s.screen == Screen::Home) return s.member.has_value();
    return true;
  }

  void go(Screen to) {
    frames_since_change = 0;
    refresh_local_waiting();
    close_editor();
    s.screen = to;
    s.screen_entered_s = now;
    if (to == Screen::Attract) attract_since = now;
  }

  void wipe_session() {
    if (d.ime) d.ime->reset();
    wipe(s, d.start_lang, d.large_text);
    scrub_ticket_qr();
    // Characters typed on a physical keyboard and not yet consumed.
    if (ImGui::GetCurrentContext()) ImGui::GetIO().InputQueueCharacters.resize(0);
    go(Screen::Attract);
    s.last_input_s = now;
  }

  void scrub_ticket_qr() {
    scrub(ticket_qr_for);
    ticket_qr = QrImage{};
  }

  // --- idle ---
  void tick_idle() {
    if (s.still_there) {
      if (now - s.still_there_since_s >= d.idle_countdown_s) {
        log_info("session wiped after idle countdown");
        wipe_session();
      }
      return;
    }
    if (s.screen == Screen::Attract) return;
    if (now - s.last_input_s < d.idle_timeout_s) return;
    if (personal()) {
      close_editor();
      s.still_there = true;
      s.still_there_since_s = now;
    } else {
      // Home with nothing personal: back to the notices, preferences reset.
      wipe_session();
    }
  }

  static void log_info(const char* what) { kiosk::log::event(kiosk::log::Level::Info, "ui", what); }

  // --- editing ---
  void close_editor() {
    if (s.editing.empty()) return;
    if (const Service* sv = service()) {
      if (const Field* f = sv->field(s.editing)) {
        // The worker left the field: its answer is complete, judge it.
        apply_typed(*f, s.scratch[s.editing], s.answers);
        if (!s.scratch[s.editing].empty()) s.touched.insert(s.editing);
      }
    }
    if (d.ime) d.ime->reset();
    scrub(s.keyboard.composing);
    s.keyboard.clear();
    s.editing.clear();
  }

  void open_editor(const std::string& field_id) {
    const Service* sv = service();
    const Field* f = sv ? sv->field(field_id) : nullptr;
    if (!f || !is_typed(f->type)) return;
    close_editor();
    s.editing = field_id;
    if (!s.scratch.count(field_id)) s.scratch[field_id] = typed_text_of(*f, s.answers);
    s.keyboard.layout = static_cast<KeyboardLayout>(keyboard_layout_for(*f));
    s.keyboard.pinyin_mode = s.keyboard.layout == KeyboardLayout::Pinyin;
  }

  void text_edited(const std::string& field_id) {
    const Service* sv = service();
    const Field* f = sv ? sv->field(field_id) : nullptr;
    if (!f) return;
    const std::string& text = s.scratch[field_id];
    apply_typed(*f, text, s.answers);
    if (looks_complete(*f, text)) s.touched.insert(field_id);
  }

  // --- flow ---
  void open_service(const std::string& id) {
    const Service* sv = d.content ? d.content->service(id) : nullptr;
    if (!sv) return;
    if (sv->policy.members_only && !s.member) {
      s.after_card_service = id;
      s.card_message = Text{};
      s.card_verdict.clear();
      go(Screen::ScanCard);
      return;
    }
    if (s.service_id != id) {
      scrub_json(s.answers);
      s.answers = nlohmann::json::object();
      for (auto& [k, v] : s.scratch) scrub(v);
      s.scratch.clear();
      s.touched.clear();
    }
    s.service_id = id;
    s.page = 0;
    s.form_error = Text{};
    s.form_error_code.clear();
    s.ticket.reset();
    s.submitting = false;
    if (s.member) prefill_from_card(*sv, *s.member, s.answers);
    go(visible_pages(*sv, s.answers).empty() ? Screen::Review : Screen::Form);
  }

  // Errors of the current page's questions (consents excluded).
  std::vector<FieldError> page_errors(const Service& sv, int page_index) {
    std::vector<FieldError> out;
    const RuleContext ctx = rules();
    const Page& p = sv.pages[page_index];
    for (const Field* f : page_questions(sv, p, s.answers)) {
      auto e = validate_field(sv, *f, s.answers, ctx);
      out.insert(out.end(), e.begin(), e.end());
    }
    return out;
  }

  void next() {
    const Service* sv = service();
    if (!sv) return;
    close_editor();
    if (s.screen == Screen::Form) {
      auto pages = visible_pages(*sv, s.answers);
      if (s.page >= static_cast<int>(pages.size())) s.page = static_cast<int>(pages.size()) - 1;
      if (s.page < 0) {
        go(Screen::Review);
        return;
      }
      const int pi = pages[s.page];
      for (const Field* f : page_questions(*sv, sv->pages[pi], s.answers)) s.touched.insert(f->id);
      if (!page_errors(*sv, pi).empty()) return;  // errors show beside the fields
      if (s.page + 1 < static_cast<int>(pages.size())) {
        ++s.page;
        go(Screen::Form);
      } else {
        go(Screen::Review);
      }
    } else if (s.screen == Screen::Review) {
      if (consent_fields(*sv, s.answers).empty())
        submit();
      else
        go(Screen::Consent);
    } else if (s.screen == Screen::Consent) {
      submit();
    }
  }

  void back() {
    close_editor();
    const Service* sv = service();
    switch (s.screen) {
      case Screen::Form:
        if (s.page > 0) {
          --s.page;
          go(Screen::Form);
        } else {
          go(Screen::Home);
        }
        break;
      case Screen::Review: {
        const int n = sv ? static_cast<int>(visible_pages(*sv, s.answers).size()) : 0;
        if (n == 0) {
          go(Screen::Home);
        } else {
          s.page = n - 1;
          go(Screen::Form);
        }
        break;
      }
      case Screen::Consent:
        go(Screen::Review);
        break;
      case Screen::ScanCard:
      case Screen::CheckRequest:
        go(Screen::Home);
        break;
      default:
        go(Screen::Home);
        break;
    }
  }

  void submit() {
    const Service* sv = service();
    if (!sv || !d.store || !d.content) return;
    // One request per session: a second tap finds the ticket already there.
    if (s.submitting || s.ticket) return;
    s.submitting = true;
    SubmitOutcome out = submit_answers(*sv, s.answers, rules(), *d.store, d.content->version,
                                       unix_now() * 1000);
    s.submitting = false;
    if (out.ticket) {
      TicketView t;
      t.ticket = out.ticket->ticket;
      t.request_id = out.ticket->id;
      t.service_id = sv->id;
      t.saved_offline = !sync.hub_configured || !sync.online;
      s.ticket = t;
      // The request is committed: what was typed is no longer needed here.
      scrub_json(s.answers);
      s.answers = nlohmann::json::object();
      for (auto& [k, v] : s.scratch) scrub(v);
      s.scratch.clear();
      s.touched.clear();
      go(Screen::Ticket);
      return;
    }
    // Field errors send the worker to the page holding the first of them.
    const auto pages = visible_pages(*sv, s.answers);
    for (const FieldError& e : out.errors) {
      if (e.field.empty()) continue;
      for (size_t i = 0; i < pages.size(); ++i) {
        for (const Field* f : page_questions(*sv, sv->pages[pages[i]], s.answers)) {
          if (f->id == e.field) {
            for (const Field* g : page_questions(*sv, sv->pages[pages[i]], s.answers))
              s.touched.insert(g->id);
            s.page = static_cast<int>(i);
            s.form_error = e.message;
            s.form_error_code = e.code;
            go(Screen::Form);
            return;
          }
        }
      }
    }
    // A service-level refusal (full, duplicate, disk full) or a consent:
    // shown in words on the screen the worker is on.
    if (!out.errors.empty()) {
      s.form_error = out.errors.front().message;
      s.form_error_code = out.errors.front().code;
      for (const auto& e : out.errors)
        if (!e.field.empty()) s.touched.insert(e.field);
    }
  }

  // --- codes ---
  void code_scanned(const std::string& text) {
    const auto kind = scan::classify_code(text);
    if (kind == scan::CodeKind::Ticket) {
      auto t = scan::parse_ticket_code(text);
      if (!t) return;
      if (s.still_there) s.still_there = false;
      if (s.screen != Screen::CheckRequest) go(Screen::CheckRequest);
      scrub(s.check_input);
      s.check_input = t->ticket;
      lookup(t->request_id);
      return;
    }
    if (kind != scan::CodeKind::MemberCard) {
      s.card_verdict = std::string(card::verdict_code(card::CardVerdict::NotACard));
      s.card_message = card::verdict_message(card::CardVerdict::NotACard);
      if (s.screen == Screen::ScanCard || s.screen == Screen::Home) go(Screen::ScanCard);
      return;
    }
    // A card may be shown on the attract screen, home, or the scan screen;
    // in the middle of a form it is not asked for, so it is ignored there.
    if (s.screen != Screen::Attract && s.screen != Screen::Home && s.screen != Screen::ScanCard)
      return;
    auto check = card::verify_member_card(text, trust, unix_now());
    s.card_verdict = std::string(card::verdict_code(check.verdict));
    if (!check.valid() || !check.identity) {
      s.card_message = card::verdict_message(check.verdict);
      log_info("member card refused");
      go(Screen::ScanCard);
      return;
    }
    s.member = *check.identity;
    s.card_message = Text{};
    log_info("member card verified");
    std::string then = s.after_card_service;
    s.after_card_service.clear();
    if (!then.empty())
      open_service(then);
    else
      go(Screen::Home);
  }

  void lookup(const std::string& key_in) {
    s.check = CheckResult{};
    s.check.searched = true;
    if (!d.store) return;
    std::string key = key_in;
    // Tickets are typed without the dash or in lower case on the keypad.
    for (char& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::optional<RequestRecord> r = d.store->find(key);
    if (!r && key.size() > 1 && key.find('-') == std::string::npos)
      r = d.store->find(key.substr(0, 1) + "-" + key.substr(1));
    if (!r) r = d.store->find(key_in);
    if (!r) return;
    s.check.found = true;
    s.check.ticket = r->ticket;
    s.check.service_id = r->service_id;
    s.check.state = std::string(to_string(r->state));
    s.check.staff_note = r->staff_note;
  }

  void apply(const Intent& in) {
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

  void refresh_ticket_qr() {
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

  std::vector<Notice> current_notices() const {
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

  void frame(double t) {
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
};

KioskApp::KioskApp(AppDeps deps) : impl_(std::make_unique<Impl>(std::move(deps))) {}
KioskApp::~KioskApp() {
  if (impl_) wipe(impl_->s, impl_->d.start_lang, impl_->d.large_text);
}

void KioskApp::frame(double now_s) { impl_->frame(now_s); }

void KioskApp::on_user_input(double now_s) {
  impl_->now = std::max(impl_->now, now_s);
  impl_->s.last_input_s = now_s;
}

void KioskApp::on_code_scanned(const std::string& text, double now_s) {
  on_user_input(now_s);
  impl_->code_scanned(text);
}

void KioskApp::on_sync(const SyncIndicator& s) { impl_->sync = s; }
void KioskApp::set_preview(const PreviewFrame& f) { impl_->preview = f; }

bool KioskApp::animating(double) const {
  const Impl& m = *impl_;
  return m.s.still_there || m.frames_since_change < 3 ||
         (wants_camera() && m.preview.texture_id != nullptr);
}

std::optional<double> KioskApp::next_wakeup_s(double now_s) const {
  const Impl& m = *impl_;
  std::optional<double> t;
  auto earliest = [&](double x) {
    if (!t || x < *t) t = x;
  };
  if (m.s.still_there) {
    // Each second of the countdown, and the wipe itself.
    const double since = now_s - m.s.still_there_since_s;
    earliest(m.s.still_there_since_s + std::floor(since) + 1.0);
    earliest(m.s.still_there_since_s + m.d.idle_countdown_s);
  } else if (m.s.screen == Screen::Attract) {
    if (m.d.content && m.d.content->notices.size() > 1) {
      const double since = now_s - m.attract_since;
      earliest(m.attract_since + (std::floor(since / kNoticeRotateS) + 1.0) * kNoticeRotateS);
    }
  } else {
    earliest(m.s.last_input_s + m.d.idle_timeout_s);
  }
  // The end of the arming delay changes nothing visible, so no wake-up for it.
  return t;
}

float KioskApp::text_scale() const { return impl_->s.large_text ? 1.5f : 1.0f; }
bool KioskApp::high_contrast() const { return impl_->s.high_contrast; }
Lang KioskApp::lang() const { return impl_->s.lang; }
bool KioskApp::wants_camera() const {
  const Screen sc = impl_->s.screen;
  return !impl_->s.still_there && (sc == Screen::ScanCard || sc == Screen::CheckRequest);
}

const Session& KioskApp::session() const { return impl_->s; }

}  // namespace kiosk::ui
