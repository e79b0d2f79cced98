// What can happen to a session, one small struct each: what the worker
// asked for on a screen, what the clock and the scanners brought, and the
// results of the effects the app ran for the reducer.
#pragma once
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kiosk/base/text.hpp"
#include "kiosk/domain/form.hpp"
#include "kiosk/domain/member.hpp"
#include "ui/session/request_lookup.hpp"
#include "ui/session/session.hpp"

namespace kiosk::ui {
namespace ev {

// --- the worker, on a screen ---
struct Start {};                                  // attract -> home
struct GoHome {};
struct LeaveService {};                           // "discard what you entered?" -> yes
struct StayInService {};                          // -> no, keep filling in
struct OpenService { std::string service_id; };
struct ScanCard {};                               // open the scan-card screen
struct ForgetCard {};
struct OpenCheckRequest {};
struct SetLang { Lang lang; };
struct ToggleLargeText {};
struct ToggleContrast {};
struct Back {};
struct Next {};
struct EditField { std::string field; };          // opens the keyboard
struct CloseEditor {};                            // the keyboard's confirm key
// The open field's text changed; `confirmed`: the confirm key was pressed
// in the same frame, so the keyboard closes too.
struct TextEdited { std::string field; bool confirmed = false; };
struct Choose { std::string field; std::string id; };        // single choice, pick lists
struct ToggleChoice { std::string field; std::string id; };  // multi choice
struct SetConsent { std::string field; bool agreed = false; };
struct EditPage { int page = 0; };                // review: back to this visible page
struct Submit {};
struct Finish {};                                 // ticket: done
struct StillHere {};
struct EndSession {};                             // "still there?" -> no, finish now
struct LookUp {};                                 // check my request: look the number up
struct LookupEdited {};                           // the number changed on the pad
struct LookupAgain {};                            // clear it, type another

// --- the platform ---
struct Started {};                                // the first frame
struct Tick {};                                   // time passed (idle timer)
struct UserInput {};                              // any touch, click or key
struct TicketScanned { std::string ticket; std::string request_id; };
struct CardShown { std::string code; };           // looks like a member card
struct OtherCodeShown { std::string verdict; Text message; };

// --- results of effects ---
struct CardVerified { MemberIdentity member; std::string verdict; };
struct CardRefused { std::string verdict; Text message; };
struct Submitted { TicketView ticket; };
struct SubmitRefused { std::vector<FieldError> errors; };
struct LookedUp { std::optional<CheckResult> found; };

}  // namespace ev

using Event = std::variant<std::monostate, ev::Start, ev::GoHome, ev::LeaveService, ev::StayInService,
                           ev::OpenService, ev::ScanCard,
                           ev::ForgetCard, ev::OpenCheckRequest, ev::SetLang, ev::ToggleLargeText,
                           ev::ToggleContrast, ev::Back, ev::Next, ev::EditField, ev::CloseEditor,
                           ev::TextEdited, ev::Choose, ev::ToggleChoice, ev::SetConsent,
                           ev::EditPage, ev::Submit, ev::Finish, ev::StillHere, ev::EndSession,
                           ev::LookUp, ev::LookupEdited, ev::LookupAgain, ev::Started, ev::Tick,
                           ev::UserInput, ev::TicketScanned, ev::CardShown, ev::OtherCodeShown,
                           ev::CardVerified, ev::CardRefused, ev::Submitted, ev::SubmitRefused,
                           ev::LookedUp>;

// Overwrites what an event carries of the person (a card's identity or
// text, a staff note) once it has been reduced.
void scrub_event(Event& e);

inline bool has_event(const Event& e) { return !std::holds_alternative<std::monostate>(e); }
// Keep the first event of a frame: one tap, one action.
inline void take(Event& out, Event in) {
  if (!has_event(out) && has_event(in)) out = std::move(in);
}

}  // namespace kiosk::ui
