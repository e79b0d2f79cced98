// See reducer.hpp. One handler an event; navigation, editing, the card
// gate, the lookup and the idle timer each keep their part of the session.
#include "ui/session/reducer.hpp"

// GCC 12 warns that a std::variant moved inside a growing std::vector "may
// be used uninitialized" (a known false positive of its inliner); the
// effects vector here is exactly that.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>

#include "ui/session/flow.hpp"

namespace kiosk::ui {

RuleContext session_rules(const Session& s, const SessionEnv& env) {
  RuleContext ctx = env.rules;
  ctx.content = env.content;
  ctx.member = s.card.member;
  return ctx;
}

const Service* session_service(const Session& s, const SessionEnv& env) {
  return env.content && !s.service_id.empty() ? env.content->service(s.service_id) : nullptr;
}

bool shows_personal_data(const Session& s) {
  if (s.screen == Screen::Attract) return false;
  if (s.screen == Screen::Home) return s.card.verified();
  return true;
}

bool wants_camera(const Session& s) {
  return !s.idle.prompting && (s.screen == Screen::ScanCard || s.screen == Screen::CheckRequest);
}

namespace {

struct Reducer {
  Session& s;
  const SessionEnv& env;
  Effects fx;

  const Service* service() const { return session_service(s, env); }

  void go(Screen to) {
    close_editor();
    s.screen = to;
    s.screen_entered_s = env.now;
    fx.push_back(fx::ScreenChanged{});
    if (to == Screen::Form) fx.push_back(fx::RefreshPlaces{true});
  }

  // Everything of the person, then the notices with the kiosk's defaults.
  void wipe_session() {
    wipe(s, env.default_lang, env.default_large_text);
    fx.push_back(fx::ForgetTyped{});
    go(Screen::Attract);
    s.idle.touch(env.now);
  }

  void close_editor() {
    if (!s.editing.open()) return;
    if (const Service* sv = service()) {
      if (const Field* f = sv->field(s.editing.field)) {
        // The worker left the field: its answer is complete, judge it.
        const std::string& text = *s.editing.text();
        apply_typed(*f, text, s.answers);
        if (!text.empty()) s.touched.insert(f->id);
      }
    }
    s.editing.end();
    fx.push_back(fx::EndComposition{});
  }

  void open_editor(const std::string& field_id) {
    const Service* sv = service();
    const Field* f = sv ? sv->field(field_id) : nullptr;
    if (!f || !is_typed(f->type)) return;
    close_editor();
    s.editing.begin(field_id, typed_text_of(*f, s.answers),
                    static_cast<KeyboardLayout>(keyboard_layout_for(*f)));
  }

  void open_service(const std::string& id) {
    const Service* sv = env.content ? env.content->service(id) : nullptr;
    if (!sv) return;
    if (sv->policy.members_only && !s.card.verified()) {
      s.card.ask(id);
      go(Screen::ScanCard);
      return;
    }
    if (s.service_id != id) scrub_answers(s);
    s.service_id = id;
    s.page = 0;
    clear_form_error();
    s.ticket.reset();
    s.submitting = false;
    if (s.card.member) prefill_from_card(*sv, *s.card.member, s.answers);
    go(visible_pages(*sv, s.answers).empty() ? Screen::Review : Screen::Form);
  }

  // The page's first problem, rules across fields included, or none.
  std::optional<FieldError> page_problem(const Service& sv, int page_index) const {
    const RuleContext ctx = session_rules(s, env);
    auto errors = validate_page(sv, sv.pages[page_index], s.answers, ctx);
    if (errors.empty()) return std::nullopt;
    return std::move(errors.front());
  }

  void clear_form_error() {
    s.form_error = Text{};
    s.form_error_code.clear();
    s.form_error_field.clear();
  }

  // Said at the top of the page and under its field, which comes into view.
  void point_at(const FieldError& err) {
    s.form_error = err.message;
    s.form_error_code = err.code;
    s.form_error_field = err.field;
    if (!err.field.empty()) s.touched.insert(err.field);
    ++s.scroll_request;
  }

  void submit() {
    const Service* sv = service();
    if (!sv) return;
    // One request per session: a second tap finds it on its way or committed.
    if (s.submitting || s.ticket) return;
    s.submitting = true;
    fx.push_back(fx::SubmitRequest{});
  }

  void operator()(const std::monostate&) {}
  void operator()(const ev::Start&) { go(Screen::Home); }
  void operator()(const ev::GoHome&) {
    // Home from the ticket is the end of that worker's visit.
    if (s.screen == Screen::Ticket) {
      wipe_session();
      go(Screen::Home);
      return;
    }
    const bool in_service = s.screen == Screen::Form || s.screen == Screen::Review ||
                            s.screen == Screen::Consent;
    // Leaving a service clears it: nothing typed comes back to whoever opens
    // it next. When the worker entered something, ask first.
    if (in_service && (!s.touched.empty() || s.editing.open())) {
      close_editor();
      s.confirm_leave = true;
      return;
    }
    leave_service();
  }
  void operator()(const ev::LeaveService&) { leave_service(); }
  void operator()(const ev::StayInService&) { s.confirm_leave = false; }

  void leave_service() {
    scrub_answers(s);
    fx.push_back(fx::ForgetTyped{});
    s.service_id.clear();
    s.page = 0;
    s.submitting = false;
    s.confirm_leave = false;
    clear_form_error();
    go(Screen::Home);
  }
  void operator()(const ev::OpenService& e) { open_service(e.service_id); }
  void operator()(const ev::ScanCard&) {
    s.card.ask("");
    go(Screen::ScanCard);
  }
  void operator()(const ev::ForgetCard&) {
    // The card holder leaves: nothing of them stays, not only the card.
    scrub_person(s);
    fx.push_back(fx::ForgetTyped{});
  }
  void operator()(const ev::OpenCheckRequest&) {
    s.lookup.restart();
    go(Screen::CheckRequest);
  }
  void operator()(const ev::SetLang& e) { s.lang = e.lang; }
  void operator()(const ev::ToggleLargeText&) { s.large_text = !s.large_text; }
  void operator()(const ev::ToggleContrast&) { s.high_contrast = !s.high_contrast; }

  void operator()(const ev::Back&) {
    close_editor();
    clear_form_error();
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
      case Screen::Consent: go(Screen::Review); break;
      default: go(Screen::Home); break;
    }
  }

  void operator()(const ev::Next&) {
    const Service* sv = service();
    if (!sv) return;
    close_editor();
    if (s.screen == Screen::Form) {
      const auto pages = visible_pages(*sv, s.answers);
      if (s.page >= static_cast<int>(pages.size())) s.page = static_cast<int>(pages.size()) - 1;
      if (s.page < 0) {
        go(Screen::Review);
        return;
      }
      const int pi = pages[s.page];
      for (const Field* f : page_questions(*sv, sv->pages[pi], s.answers)) s.touched.insert(f->id);
      clear_form_error();
      if (auto problem = page_problem(*sv, pi)) {
        point_at(*problem);  // the worker stays, told what and where
        return;
      }
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

  void operator()(const ev::EditField& e) { open_editor(e.field); }
  void operator()(const ev::CloseEditor&) { close_editor(); }
  void operator()(const ev::TextEdited& e) {
    const Service* sv = service();
    const Field* f = sv ? sv->field(e.field) : nullptr;
    if (!f || s.editing.field != e.field) return;
    const std::string& text = *s.editing.text();
    apply_typed(*f, text, s.answers);
    if (looks_complete(*f, text)) s.touched.insert(e.field);
    if (e.field == s.form_error_field) clear_form_error();  // being corrected
    if (e.confirmed) close_editor();
  }
  void operator()(const ev::Choose& e) {
    close_editor();
    s.answers[e.field] = e.id;
    s.touched.insert(e.field);
    clear_form_error();
    // A gender answered counts a gender-balanced event's places by half.
    fx.push_back(fx::RefreshPlaces{});
  }
  void operator()(const ev::SetConsent& e) {
    close_editor();
    s.answers[e.field] = e.agreed;
    s.touched.insert(e.field);
    clear_form_error();
  }
  void operator()(const ev::ToggleChoice& e) {
    close_editor();
    nlohmann::json& v = s.answers[e.field];
    if (!v.is_array()) v = nlohmann::json::array();
    auto it = std::find(v.begin(), v.end(), e.id);
    if (it != v.end())
      v.erase(it);
    else
      v.push_back(e.id);
    if (v.empty()) s.answers.erase(e.field);
    s.touched.insert(e.field);
  }
  void operator()(const ev::EditPage& e) {
    clear_form_error();
    s.page = e.page;
    go(Screen::Form);
  }
  void operator()(const ev::Submit&) { submit(); }
  void operator()(const ev::Finish&) { wipe_session(); }
  void operator()(const ev::StillHere&) { s.idle.dismiss(env.now); }
  void operator()(const ev::EndSession&) { wipe_session(); }

  void operator()(const ev::LookUp&) {
    s.lookup.forget_result();
    s.lookup.result.searched = true;
    fx.push_back(fx::LookUpTicket{normalise_ticket(s.lookup.input)});
  }
  void operator()(const ev::LookupEdited&) { s.lookup.forget_result(); }
  void operator()(const ev::LookupAgain&) {
    s.lookup.restart();
    s.screen_entered_s = env.now;  // the pad appears where the answer was
  }

  void operator()(const ev::Started&) {
    // The first screen takes taps at once (no earlier tap to guard against).
    s.screen_entered_s = env.now - kArmDelayS;
  }
  void operator()(const ev::Tick&) {
    const bool timing = s.screen != Screen::Attract;
    switch (s.idle.step(env.now, env.idle_timeout_s, env.idle_countdown_s, timing,
                        shows_personal_data(s))) {
      case IdleTimer::Step::None: break;
      case IdleTimer::Step::Prompt:
        close_editor();
        s.idle.prompt(env.now);
        break;
      case IdleTimer::Step::Wipe:
        if (s.idle.prompting) fx.push_back(fx::Log{"session wiped after idle countdown"});
        wipe_session();
        break;
    }
  }
  void operator()(const ev::UserInput&) { s.idle.touch(env.now); }

  void operator()(const ev::TicketScanned& e) {
    s.idle.prompting = false;
    if (s.screen != Screen::CheckRequest) go(Screen::CheckRequest);
    s.lookup.restart();
    s.lookup.input = e.ticket;
    s.lookup.result.searched = true;
    fx.push_back(fx::LookUpRequest{e.request_id});
  }
  void operator()(const ev::CardShown& e) {
    // A card may be shown on the attract screen, home, or the scan screen;
    // in the middle of a form it is not asked for, so it is ignored there.
    if (s.screen != Screen::Attract && s.screen != Screen::Home && s.screen != Screen::ScanCard)
      return;
    fx.push_back(fx::VerifyCard{e.code});
  }
  void operator()(const ev::OtherCodeShown& e) {
    s.card.refuse(e.verdict, e.message);
    if (s.screen == Screen::ScanCard || s.screen == Screen::Home) go(Screen::ScanCard);
  }
  void operator()(const ev::CardVerified& e) {
    s.card.accept(e.member, e.verdict);
    fx.push_back(fx::Log{"member card verified"});
    const std::string then = s.card.then_service;
    s.card.then_service.clear();
    if (!then.empty())
      open_service(then);
    else
      go(Screen::Home);
  }
  void operator()(const ev::CardRefused& e) {
    s.card.refuse(e.verdict, e.message);
    fx.push_back(fx::Log{"member card refused", e.verdict});
    go(Screen::ScanCard);
  }

  void operator()(const ev::Submitted& e) {
    s.submitting = false;
    s.ticket = e.ticket;
    // The request is committed: what was typed is no longer needed here.
    scrub_answers(s);
    fx.push_back(fx::RefreshPlaces{true});
    fx.push_back(fx::ShowTicketQr{e.ticket.request_id, e.ticket.ticket});
    go(Screen::Ticket);
  }
  void operator()(const ev::SubmitRefused& e) {
    s.submitting = false;
    fx.push_back(fx::RefreshPlaces{true});
    const Service* sv = service();
    if (!sv) return;
    // Field errors send the worker to the page holding the first of them.
    const auto pages = visible_pages(*sv, s.answers);
    for (const FieldError& err : e.errors) {
      if (err.field.empty()) continue;
      for (size_t i = 0; i < pages.size(); ++i) {
        const auto questions = page_questions(*sv, sv->pages[pages[i]], s.answers);
        for (const Field* f : questions) {
          if (f->id != err.field) continue;
          for (const Field* g : questions) s.touched.insert(g->id);
          s.page = static_cast<int>(i);
          go(Screen::Form);
          point_at(err);
          return;
        }
      }
    }
    // A service-level refusal (full, duplicate, disk full) or a consent:
    // shown in words on the screen the worker is on. A consent not given is
    // said once, under its own tick box (the consent screen draws it for a
    // touched consent), never a second time at the top.
    if (e.errors.empty()) return;
    const auto consents = consent_fields(*sv, s.answers);
    clear_form_error();
    bool at_top = false;
    for (const auto& err : e.errors) {
      if (!err.field.empty()) s.touched.insert(err.field);
      const bool said_at_its_box = std::find(consents.begin(), consents.end(), err.field) != consents.end();
      if (!said_at_its_box && !at_top) {
        s.form_error = err.message;
        s.form_error_code = err.code;
        at_top = true;
      }
    }
  }
  void operator()(const ev::LookedUp& e) {
    s.lookup.forget_result();
    if (e.found) s.lookup.result = *e.found;
    s.lookup.result.searched = true;
    s.lookup.result.found = e.found.has_value();
  }
};

}  // namespace

Effects reduce(Session& s, const Event& e, const SessionEnv& env) {
  const bool camera_before = wants_camera(s);
  Reducer r{s, env, {}};
  std::visit(r, e);
  if (wants_camera(s) != camera_before) r.fx.push_back(fx::Camera{wants_camera(s)});
  return std::move(r.fx);
}

}  // namespace kiosk::ui
