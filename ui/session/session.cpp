// Session bookkeeping and the wipe (PIPL: nothing the last worker typed may
// be recoverable by the next one at a shared terminal).
#include "ui/session/session.hpp"

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

bool holds_personal_data(Screen s) {
  return s != Screen::Attract && s != Screen::Home;
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

void wipe(Session& s, Lang default_lang, bool default_large_text) {
  scrub_json(s.answers);
  for (auto& [k, v] : s.scratch) scrub(v);
  scrub(s.keyboard.composing);
  scrub(s.check_input);
  if (s.member) {
    scrub(s.member->name);
    scrub(s.member->sub);
    scrub(s.member->org);
    scrub(s.member->iss);
  }
  scrub(s.check.ticket);
  scrub(s.check.staff_note);
  if (s.ticket) {
    scrub(s.ticket->ticket);
    scrub(s.ticket->request_id);
  }
  s = Session{};
  s.lang = default_lang;
  s.large_text = default_large_text;
}

}  // namespace kiosk::ui
