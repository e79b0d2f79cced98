// Session bookkeeping and the scrub (PIPL: nothing the last worker typed may
// be recoverable by the next one at a shared terminal).
#include "ui/session/session.hpp"

#include "ui/session/events.hpp"

namespace kiosk::ui {

const char* screen_name(Screen s) {
  switch (s) {
    case Screen::Attract: return "attract";
    case Screen::Home: return "home";
    case Screen::Form: return "form";
    case Screen::Review: return "review";
    case Screen::Consent: return "consent";
    case Screen::Ticket: return "ticket";
    case Screen::CheckRequest: return "check_request";
    case Screen::ScanCard: return "scan_card";
  }
  return "unknown";
}

void scrub(std::string& s) {
  // Grow to the full capacity (no reallocation) so spare bytes from longer
  // earlier contents are overwritten too; volatile so it is not elided.
  s.resize(s.capacity());
  volatile char* p = s.data();
  for (size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

void scrub_json(nlohmann::json& j) {
  if (j.is_string()) {
    scrub(j.get_ref<std::string&>());
  } else if (j.is_array() || j.is_object()) {
    for (auto& v : j) scrub_json(v);
  }
  j = nullptr;
}

void scrub_answers(Session& s) {
  scrub_json(s.answers);
  s.answers = nlohmann::json::object();
  s.editing.scrub();
  s.touched.clear();
}

void scrub_person(Session& s) {
  scrub_answers(s);
  s.card.scrub();
  s.lookup.scrub();
  if (s.ticket) {
    scrub(s.ticket->ticket);
    scrub(s.ticket->request_id);
  }
  s.ticket.reset();
  s.submitting = false;
  s.service_id.clear();
  s.page = 0;
  s.form_error = Text{};
  s.form_error_code.clear();
  s.form_error_field.clear();
  s.confirm_leave = false;
}

void scrub_member(MemberIdentity& m) {
  scrub(m.iss);
  scrub(m.sub);
  scrub(m.name);
  scrub(m.org);
  scrub(m.role);
}

void scrub_event(Event& e) {
  if (auto* c = std::get_if<ev::CardVerified>(&e)) {
    scrub_member(c->member);
  } else if (auto* k = std::get_if<ev::CardShown>(&e)) {
    scrub(k->code);
  } else if (auto* l = std::get_if<ev::LookedUp>(&e)) {
    if (l->found) {
      scrub(l->found->ticket);
      scrub(l->found->staff_note);
    }
  } else if (auto* t = std::get_if<ev::TicketScanned>(&e)) {
    scrub(t->ticket);
    scrub(t->request_id);
  }
}

void wipe(Session& s, Lang default_lang, bool default_large_text) {
  scrub_person(s);
  s = Session{};
  s.lang = default_lang;
  s.large_text = default_large_text;
}

}  // namespace kiosk::ui
