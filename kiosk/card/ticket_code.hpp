// The text of the QR code the ticket screen draws, so that scanning a ticket
// opens "check my request" for it:
//
//   GHREQ1:<request id, UUIDv7, upper case>:<ticket>
//   e.g. GHREQ1:0193A6F2-7C4B-7D3E-9A10-4F5E6D7C8B9A:F-0427
//
// Upper case throughout so the whole text fits QR alphanumeric mode (a
// smaller, easier symbol than byte mode). Parsing accepts either case and
// returns the id in lower case, as the request store keeps it.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace kiosk::card {

inline constexpr std::string_view kTicketCodePrefix = "GHREQ1:";

struct TicketCode {
  std::string request_id;  // UUID (8-4-4-4-12 hex), lower case
  std::string ticket;      // "F-0427": 1-16 of [0-9A-Z-]
  bool operator==(const TicketCode&) const = default;
};

// Empty string if the id or ticket do not have the shape above.
std::string make_ticket_code(const TicketCode& code);
std::optional<TicketCode> parse_ticket_code(std::string_view text);

// What a scanned text is, before anyone verifies it.
enum class CodeKind {
  Ticket,      // parse_ticket_code() accepts it
  MemberCard,  // looks like a JWS (three base64url segments); verify it with kiosk_card
  Other,       // a URL, plain text, some other QR code
};
CodeKind classify_code(std::string_view text);

}  // namespace kiosk::card
