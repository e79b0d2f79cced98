// "Check my request": the ticket number being typed and what the lookup
// found. Never the answers of the request.
#pragma once
#include <string>
#include <string_view>

namespace kiosk::ui {

struct CheckResult {
  bool searched = false;
  bool found = false;
  std::string ticket;
  std::string service_id;
  std::string state;        // RequestState as text
  std::string staff_note;
};

struct RequestLookup {
  std::string input;   // as typed on the pad
  CheckResult result;

  // The number changed: the last answer no longer applies.
  void forget_result();
  // Another number: the typed text and the answer go.
  void restart();
  void scrub();
};

// The one normalisation of a ticket number as typed: upper case, spaces
// dropped, the dash after the service letters added when missing
// ("f0427" and "F 0427" -> "F-0427").
std::string normalise_ticket(std::string_view typed);

}  // namespace kiosk::ui
