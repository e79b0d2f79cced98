#include "kiosk/card/ticket_code.hpp"

#include "kiosk/card/member_card.hpp"

namespace kiosk::card {
namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

bool is_ticket(std::string_view s) {
  if (s.empty() || s.size() > 16) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-')) return false;
  return true;
}

std::string upper(std::string_view s) {
  std::string r(s);
  for (auto& c : r)
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
  return r;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return r;
}

}  // namespace

std::string make_ticket_code(const TicketCode& code) {
  if (!is_uuid(code.request_id) || !is_ticket(upper(code.ticket))) return {};
  return std::string(kTicketCodePrefix) + upper(code.request_id) + ":" + upper(code.ticket);
}

std::optional<TicketCode> parse_ticket_code(std::string_view text) {
  // A hand-held scanner may add a trailing CR/LF or spaces.
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n' || text.back() == ' '))
    text.remove_suffix(1);
  if (text.size() < kTicketCodePrefix.size() ||
      upper(text.substr(0, kTicketCodePrefix.size())) != kTicketCodePrefix)
    return std::nullopt;
  text.remove_prefix(kTicketCodePrefix.size());
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto id = text.substr(0, colon);
  auto ticket = upper(text.substr(colon + 1));
  if (!is_uuid(id) || !is_ticket(ticket)) return std::nullopt;
  return TicketCode{lower(id), ticket};
}

CodeKind classify_code(std::string_view text) {
  if (parse_ticket_code(text)) return CodeKind::Ticket;
  if (card::looks_like_member_card(text)) return CodeKind::MemberCard;
  return CodeKind::Other;
}

}  // namespace kiosk::card
