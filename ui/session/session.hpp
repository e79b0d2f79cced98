// One worker's session at the kiosk: where they are, what they typed, who
// their verified card says they are, and the idle timers. Everything
// personal lives here so that wipe() can erase it in one place.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "kiosk/domain/member.hpp"
#include "kiosk/base/text.hpp"
#include "ui/session/keyboard_state.hpp"

namespace kiosk::ui {

enum class Screen {
  Attract,
  Home,
  Form,          // a service's pages, one question group a page
  Review,
  Consent,
  Ticket,
  CheckRequest,
  ScanCard,
};
const char* screen_name(Screen s);

// True for screens that may show what the worker typed or their card.
bool holds_personal_data(Screen s);

struct TicketView {
  std::string ticket;      // "F-0427"
  std::string request_id;
  std::string service_id;
  bool saved_offline = false;  // no hub, or the hub is unreachable now
};

struct CheckResult {
  bool searched = false;
  bool found = false;
  std::string ticket;
  std::string service_id;
  std::string state;        // RequestState as text
  std::string staff_note;
};

struct Session {
  Screen screen = Screen::Attract;
  double screen_entered_s = 0;

  // Preferences the worker picked; reset at wipe to the kiosk's defaults.
  Lang lang = Lang::Zh;
  bool large_text = false;
  bool high_contrast = false;

  // The service flow.
  std::string service_id;
  int page = 0;                      // index into the visible pages
  nlohmann::json answers = nlohmann::json::object();
  std::map<std::string, std::string> scratch;  // field id -> text being typed
  std::set<std::string> touched;     // fields whose errors show (answer complete)
  std::string editing;               // field with the keyboard open
  KeyboardState keyboard;
  std::string form_error_code;       // last submit refusal (service-level)
  Text form_error;

  // Member card.
  std::optional<MemberIdentity> member;
  Text card_message;                 // why the last card was refused
  std::string card_verdict;          // "valid", "expired", ...
  std::string after_card_service;    // service to open once the card is verified

  // Submission: set once a request is committed; guards against double taps.
  bool submitting = false;
  std::optional<TicketView> ticket;

  // Check my request.
  std::string check_input;
  CheckResult check;

  // Idle.
  double last_input_s = 0;
  bool still_there = false;          // the prompt is showing
  double still_there_since_s = 0;
};

// Overwrites every string the worker typed, then clears the session back to
// the attract screen with the given defaults. Nothing typed stays readable
// in this process's memory through the Session.
void wipe(Session& s, Lang default_lang, bool default_large_text);

// Overwrites a string's bytes (including its spare capacity) with zeros.
void scrub(std::string& s);
void scrub_json(nlohmann::json& j);

}  // namespace kiosk::ui
