// KioskApp: feeds the session's reducer (ui/session/reducer.hpp) with what
// the screens, the clock and the scanners report, and runs the effects it
// returns against the request store, the card verifier, the QR encoder,
// the pinyin engine and the camera switch.
#include "ui/app/app.hpp"
#include "kiosk/base/clock.hpp"
#include "ui/app/app_impl.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "imgui.h"
#include "kiosk/base/log.hpp"
#include "kiosk/card/member_card.hpp"
#include "kiosk/card/ticket_code.hpp"
#include "kiosk/scan/codes.hpp"
#include "kiosk/store/store.hpp"
#include "ui/session/submit_flow.hpp"
#include "ui/text/ime.hpp"

namespace kiosk::ui {
namespace {

long long system_unix() { return unix_now_ms() / 1000; }

// What "check my request" may show of a record: never its answers.
std::optional<CheckResult> check_result(std::optional<RequestRecord> r) {
  if (!r) return std::nullopt;
  CheckResult c;
  c.found = true;
  c.ticket = r->ticket;
  c.service_id = r->service_id;
  c.state = std::string(to_string(r->state));
  c.staff_note = r->staff_note;
  if (r->answers) scrub_json(*r->answers);
  return c;
}

void scrub_identity(std::optional<MemberIdentity>& m) {
  if (!m) return;
  scrub_member(*m);  // role too: the copy here used to miss it
  m.reset();
}

}  // namespace

KioskApp::Impl::Impl(AppDeps deps) : d(std::move(deps)), bookings(d.store) {
  if (d.content)
    trust = card::TrustStore::from(*d.content, d.demo ? card::TrustStore::Demo::Trusted
                                                      : card::TrustStore::Demo::Refused);
  sync.hub_configured = d.hub_configured;
  s.lang = d.start_lang;
  s.large_text = d.large_text;
  refresh_content();
}

void KioskApp::Impl::refresh_content() {
  if (!d.content) return;
  const Date today = Date::from_unix(unix_now());
  const std::string day = today.iso();
  if (day == shown_day) return;
  if (!shown_day.empty() && s.screen != Screen::Attract && s.screen != Screen::Home) return;
  shown = expand_schedules(*d.content, today);
  shown_day = day;
  bookings.forget();
  log::event(log::Level::Info, "ui", "schedules expanded",
             {{"slots", static_cast<int>(shown.slots.size())},
              {"events", static_cast<int>(shown.events.size())},
              {"classes", static_cast<int>(shown.classes.size())}});
}

long long KioskApp::Impl::unix_now() const {
  return d.now_unix ? d.now_unix() : system_unix();
}

SessionEnv KioskApp::Impl::env() const {
  SessionEnv e;
  e.content = d.content ? &shown : nullptr;
  e.rules.content = e.content;
  e.rules.today = Date::from_unix(unix_now());
  e.rules.ledger = &bookings;
  e.rules.id_hash_key = d.id_hash_key;
  e.now = now;
  e.idle_timeout_s = d.idle_timeout_s;
  e.idle_countdown_s = d.idle_countdown_s;
  e.default_lang = d.start_lang;
  e.default_large_text = d.large_text;
  return e;
}

void KioskApp::Impl::dispatch(Event e) {
  pending.push_back(std::move(e));
  if (dispatching) return;
  dispatching = true;
  while (!pending.empty()) {
    // By reference: a deque keeps it in place while results are appended.
    Event& next = pending.front();
    for (const Effect& f : reduce(s, next, env())) run(f);
    scrub_event(next);
    pending.pop_front();
  }
  dispatching = false;
}

void KioskApp::Impl::run(const Effect& effect) {
  std::visit(
      [&](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, fx::SubmitRequest>) {
          const Service* sv = session_service(s, env());
          if (!sv || !d.store || !d.content) {
            dispatch(ev::SubmitRefused{});
            return;
          }
          // The store's own counts, not the cache: the commit re-checks them.
          RuleContext ctx = session_rules(s, env());
          ctx.ledger = d.store;
          SubmitOutcome out = submit_answers(*sv, s.answers, ctx, *d.store, d.content->version,
                                             unix_now() * 1000);
          if (!out.ticket) {
            dispatch(ev::SubmitRefused{std::move(out.errors)});
            return;
          }
          ev::Submitted done;
          done.ticket.ticket = out.ticket->ticket;
          done.ticket.request_id = out.ticket->id;
          done.ticket.service_id = sv->id;
          done.ticket.saved_offline = !sync.hub_configured || !sync.online;
          for (const Field& fd : sv->fields) {
            const bool pick = fd.type == FieldType::SlotPick || fd.type == FieldType::EventPick ||
                              fd.type == FieldType::ClassPick;
            auto a = s.answers.find(fd.id);
            if (pick && a != s.answers.end() && a->is_string()) done.ticket.picks.emplace_back(fd.id, a->get<std::string>());
          }
          if (out.ticket->answers) scrub_json(*out.ticket->answers);
          ++submitted;
          dispatch(done);
        } else if constexpr (std::is_same_v<F, fx::LookUpTicket>) {
          dispatch(ev::LookedUp{d.store ? check_result(d.store->find(f.ticket)) : std::nullopt});
        } else if constexpr (std::is_same_v<F, fx::LookUpRequest>) {
          dispatch(
              ev::LookedUp{d.store ? check_result(d.store->find(f.request_id)) : std::nullopt});
        } else if constexpr (std::is_same_v<F, fx::VerifyCard>) {
          auto check = card::verify_member_card(f.code, trust, unix_now());
          const std::string verdict(card::verdict_code(check.verdict));
          if (check.valid() && check.identity) {
            Event ok = ev::CardVerified{*check.identity, verdict};
            scrub_identity(check.identity);
            dispatch(std::move(ok));
            scrub_event(ok);  // what the move left in its short-string buffers
          } else {
            scrub_identity(check.identity);
            dispatch(ev::CardRefused{verdict, card::verdict_message(check.verdict)});
          }
        } else if constexpr (std::is_same_v<F, fx::ShowTicketQr>) {
          ticket_qr = QrImage{};
          const std::string text = card::make_ticket_code({f.request_id, f.ticket});
          if (text.empty()) return;
          auto qr = scan::encode_qr(text, scan::QrEcc::M, 0);
          if (!qr) return;
          ticket_qr.width = ticket_qr.height = qr->size;
          ticket_qr.modules.assign(qr->dark.begin(), qr->dark.end());
        } else if constexpr (std::is_same_v<F, fx::EndComposition>) {
          if (d.ime) d.ime->reset();
        } else if constexpr (std::is_same_v<F, fx::ForgetTyped>) {
          if (d.ime) d.ime->reset();
          // Characters typed on a physical keyboard and not yet consumed.
          if (ImGui::GetCurrentContext()) ImGui::GetIO().InputQueueCharacters.resize(0);
          ticket_qr = QrImage{};
          places.clear();
          bookings.forget();
        } else if constexpr (std::is_same_v<F, fx::ScreenChanged>) {
          frames_since_change = 0;
          if (d.store) {
            const QueueStats st = d.store->stats();
            local_waiting = st.queued + st.sending;
          }
        } else if constexpr (std::is_same_v<F, fx::RefreshPlaces>) {
          if (f.recount) bookings.forget();
          const Service* sv = session_service(s, env());
          places = sv && d.content ? count_places(*sv, shown, s.answers, session_rules(s, env()))
                                   : PlacesLeft{};
        } else if constexpr (std::is_same_v<F, fx::Camera>) {
          camera_on = f.on;
        } else if constexpr (std::is_same_v<F, fx::Log>) {
          if (f.code.empty())
            kiosk::log::event(kiosk::log::Level::Info, "ui", f.what);
          else
            kiosk::log::event(kiosk::log::Level::Info, "ui", f.what, {{"code", f.code}});
        }
      },
      effect);
}

void KioskApp::Impl::code_scanned(const std::string& text) {
  const auto kind = card::classify_code(text);
  if (kind == card::CodeKind::Ticket) {
    auto t = card::parse_ticket_code(text);
    if (t) dispatch(ev::TicketScanned{t->ticket, t->request_id});
  } else if (kind == card::CodeKind::MemberCard) {
    dispatch(ev::CardShown{text});
  } else {
    dispatch(ev::OtherCodeShown{std::string(card::verdict_code(card::CardVerdict::NotACard)),
                                card::verdict_message(card::CardVerdict::NotACard)});
  }
}

KioskApp::KioskApp(AppDeps deps) : impl_(std::make_unique<Impl>(std::move(deps))) {}
KioskApp::~KioskApp() {
  if (impl_) wipe(impl_->s, impl_->d.start_lang, impl_->d.large_text);
}

void KioskApp::frame(double now_s) { impl_->frame(now_s); }

void KioskApp::on_user_input(double now_s) {
  impl_->now = std::max(impl_->now, now_s);
  impl_->dispatch(ev::UserInput{});
}

void KioskApp::on_code_scanned(const std::string& text, double now_s) {
  on_user_input(now_s);
  impl_->code_scanned(text);
}

void KioskApp::on_sync(const SyncIndicator& s) { impl_->sync = s; }
void KioskApp::set_preview(const PreviewFrame& f) { impl_->preview = f; }

bool KioskApp::animating(double) const {
  const Impl& m = *impl_;
  return m.s.idle.prompting || m.frames_since_change < 3 ||
         (wants_camera() && m.preview.texture_id != nullptr);
}

std::optional<double> KioskApp::next_wakeup_s(double now_s) const {
  const Impl& m = *impl_;
  const bool attract = m.s.screen == Screen::Attract;
  std::optional<double> t =
      m.s.idle.next_change(now_s, m.d.idle_timeout_s, m.d.idle_countdown_s, !attract);
  if (attract && !m.s.idle.prompting && m.d.content && m.shown.notices.size() > 1) {
    const double since = now_s - m.s.screen_entered_s;
    const double rotate =
        m.s.screen_entered_s + (std::floor(since / kNoticeRotateS) + 1.0) * kNoticeRotateS;
    if (!t || rotate < *t) t = rotate;
  }
  // The end of the arming delay changes nothing visible, so no wake-up for it.
  return t;
}

float KioskApp::text_scale() const { return impl_->s.large_text ? 1.5f : 1.0f; }
bool KioskApp::high_contrast() const { return impl_->s.high_contrast; }
Lang KioskApp::lang() const { return impl_->s.lang; }
bool KioskApp::wants_camera() const { return impl_->camera_on; }

const Session& KioskApp::session() const { return impl_->s; }

unsigned long KioskApp::submitted() const { return impl_->submitted; }

}  // namespace kiosk::ui
