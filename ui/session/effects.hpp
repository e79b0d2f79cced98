// What the reducer asks the app to do: the parts that reach the request
// store, the card verifier, the QR encoder, the camera and the pinyin
// engine. The app runs them in order and feeds any result back as an event.
#pragma once
#include <string>
#include <variant>
#include <vector>

namespace kiosk::ui {
namespace fx {

// Commit the session's answers for its service; answer Submitted or SubmitRefused.
struct SubmitRequest {};
// Answer LookedUp.
struct LookUpTicket { std::string ticket; };      // normalised (normalise_ticket)
struct LookUpRequest { std::string request_id; }; // from a ticket's QR code
// Answer CardVerified or CardRefused.
struct VerifyCard { std::string code; };
// Encode the ticket's QR code for the ticket screen.
struct ShowTicketQr { std::string request_id; std::string ticket; };
// The pinyin engine drops its composition (the keyboard closed).
struct EndComposition {};
// Forget what the app holds of the person outside the session: the pinyin
// engine's composition, characters queued from a keyboard, the ticket QR.
struct ForgetTyped {};
// The screen changed: the waiting count is read again, frames settle.
struct ScreenChanged {};
// Count the places left of the service's picks again; `recount`: read the
// bookings from the store again (a page opened, a request was committed).
struct RefreshPlaces { bool recount = false; };
struct Camera { bool on = false; };
// A line for the log (never personal data).
// A line for the log; `code` is a verdict or error code, never personal data.
struct Log { const char* what; std::string code = {}; };

}  // namespace fx

using Effect = std::variant<fx::SubmitRequest, fx::LookUpTicket, fx::LookUpRequest,
                            fx::VerifyCard, fx::ShowTicketQr, fx::EndComposition, fx::ForgetTyped,
                            fx::ScreenChanged, fx::RefreshPlaces, fx::Camera, fx::Log>;
using Effects = std::vector<Effect>;

}  // namespace kiosk::ui
