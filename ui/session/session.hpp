// One worker's session at the kiosk, as a plain value: where they are, what
// they typed, who their verified card says they are, and the idle timer.
// Everything personal lives here so that scrub_person() can erase it in one
// place. The reducer (reducer.hpp) is the only code that moves it along.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/base/text.hpp"
#include "ui/session/card_gate.hpp"
#include "ui/session/editing.hpp"
#include "ui/session/idle_timer.hpp"
#include "ui/session/request_lookup.hpp"

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

struct TicketView {
  std::string ticket;      // "F-0427"
  std::string request_id;
  std::string service_id;
  bool saved_offline = false;  // no hub, or the hub is unreachable now
  // What was booked, as (pick field id, item id): a slot, an event, a class.
  // Ids of content, nothing of the person: the ticket says when and where.
  std::vector<std::pair<std::string, std::string>> picks;
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
  std::set<std::string> touched;     // fields whose errors show (answer complete)
  // Why the worker cannot go on, in words: the first problem of a page
  // Next refused, or of a refused submit. Said at the top of the page and
  // under `form_error_field` (when it is on the page), which the page
  // scrolls into view once for each new `scroll_request`.
  std::string form_error_code;
  Text form_error;
  std::string form_error_field;
  unsigned scroll_request = 0;
  // Home was asked for with answers entered: "discard what you entered?"
  // is on screen until the worker says yes or no.
  bool confirm_leave = false;

  Editing editing;
  CardGate card;
  RequestLookup lookup;
  IdleTimer idle;

  // A request is being committed (a second Submit meanwhile does nothing),
  // then its ticket: one request per session.
  bool submitting = false;
  std::optional<TicketView> ticket;
};

// Overwrites and clears everything of the person: answers, typed text and
// the keyboard's composition, the card identity, the lookup, the ticket.
// Preferences and the screen stay. Every path that forgets a worker uses it.
void scrub_person(Session& s);
// The answers and their typed text only (a committed request keeps the ticket).
void scrub_answers(Session& s);
// scrub_person(), then the session back to the attract screen with the
// kiosk's default preferences.
void wipe(Session& s, Lang default_lang, bool default_large_text);

// Overwrites a string's bytes (including its spare capacity) with zeros.
void scrub(std::string& s);
// Every field of a verified member's identity overwritten (the one place that
// knows them all).
void scrub_member(MemberIdentity& m);
void scrub_json(nlohmann::json& j);

}  // namespace kiosk::ui
