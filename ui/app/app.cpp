// KioskApp: the session state machine. Screens draw from a view of the
// session and return intents (applied in app_frame.cpp); this file moves the
// session along, runs the idle timers and owns everything the worker typed
// (so the wipe can reach all of it).
#include "ui/app/app.hpp"
#include "kiosk/base/clock.hpp"
#include "ui/app/app_impl.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "imgui.h"
#include "kiosk/card/member_card.hpp"
#include "kiosk/card/trust.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/store/store.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/scan/codes.hpp"
#include "kiosk/card/ticket_code.hpp"
#include "ui/screens/screens.hpp"
#include "ui/session/flow.hpp"
#include "ui/session/session.hpp"
#include "ui/session/submit_flow.hpp"
#include "ui/widgets/automation.hpp"
#include "ui/text/ime.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {
namespace {

long long system_unix() { return unix_now_ms() / 1000; }

}  // namespace

void KioskApp::Impl::refresh_local_waiting() {
  if (!d.store) return;
  const QueueStats st = d.store->stats();
  local_waiting = st.queued + st.sending;
}

KioskApp::Impl::Impl(AppDeps deps) : d(std::move(deps)) {
  if (d.content) trust = card::TrustStore::from(*d.content);
  sync.hub_configured = d.hub_configured;
  s.lang = d.start_lang;
  s.large_text = d.large_text;
}

long long KioskApp::Impl::unix_now() const {
  return d.now_unix ? d.now_unix() : system_unix();
}

RuleContext KioskApp::Impl::rules() const {
  RuleContext ctx;
  ctx.content = d.content;
  ctx.today = Date::from_unix(unix_now());
  if (s.member) ctx.member = s.member;
  ctx.ledger = d.store;
  return ctx;
}

const Service* KioskApp::Impl::service() const {
  return d.content && !s.service_id.empty() ? d.content->service(s.service_id) : nullptr;
}

bool KioskApp::Impl::personal() const {
  if (s.screen == Screen::Attract) return false;
  if (s.screen == Screen::Home) return s.member.has_value();
  return true;
}

void KioskApp::Impl::go(Screen to) {
  frames_since_change = 0;
  refresh_local_waiting();
  close_editor();
  s.screen = to;
  s.screen_entered_s = now;
  if (to == Screen::Attract) attract_since = now;
}

void KioskApp::Impl::wipe_session() {
  if (d.ime) d.ime->reset();
  wipe(s, d.start_lang, d.large_text);
  scrub_ticket_qr();
  // Characters typed on a physical keyboard and not yet consumed.
  if (ImGui::GetCurrentContext()) ImGui::GetIO().InputQueueCharacters.resize(0);
  go(Screen::Attract);
  s.last_input_s = now;
}

void KioskApp::Impl::scrub_ticket_qr() {
  scrub(ticket_qr_for);
  ticket_qr = QrImage{};
}

void KioskApp::Impl::tick_idle() {
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

void KioskApp::Impl::log_info(const char* what) {
  kiosk::log::event(kiosk::log::Level::Info, "ui", what);
}

void KioskApp::Impl::close_editor() {
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

void KioskApp::Impl::open_editor(const std::string& field_id) {
  const Service* sv = service();
  const Field* f = sv ? sv->field(field_id) : nullptr;
  if (!f || !is_typed(f->type)) return;
  close_editor();
  s.editing = field_id;
  if (!s.scratch.count(field_id)) s.scratch[field_id] = typed_text_of(*f, s.answers);
  s.keyboard.layout = static_cast<KeyboardLayout>(keyboard_layout_for(*f));
  s.keyboard.pinyin_mode = s.keyboard.layout == KeyboardLayout::Pinyin;
}

void KioskApp::Impl::text_edited(const std::string& field_id) {
  const Service* sv = service();
  const Field* f = sv ? sv->field(field_id) : nullptr;
  if (!f) return;
  const std::string& text = s.scratch[field_id];
  apply_typed(*f, text, s.answers);
  if (looks_complete(*f, text)) s.touched.insert(field_id);
}

void KioskApp::Impl::open_service(const std::string& id) {
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

std::vector<FieldError> KioskApp::Impl::page_errors(const Service& sv, int page_index) {
  std::vector<FieldError> out;
  const RuleContext ctx = rules();
  const Page& p = sv.pages[page_index];
  for (const Field* f : page_questions(sv, p, s.answers)) {
    auto e = validate_field(sv, *f, s.answers, ctx);
    out.insert(out.end(), e.begin(), e.end());
  }
  return out;
}

void KioskApp::Impl::next() {
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

void KioskApp::Impl::back() {
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

void KioskApp::Impl::submit() {
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
    ++submitted;
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

void KioskApp::Impl::code_scanned(const std::string& text) {
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

void KioskApp::Impl::lookup(const std::string& key_in) {
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

unsigned long KioskApp::submitted() const { return impl_->submitted; }

}  // namespace kiosk::ui
