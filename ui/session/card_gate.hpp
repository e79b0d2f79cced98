// The member-card gate: whether a verified card is shown, why the last one
// was refused, and which members-only service waits for it.
#pragma once
#include <optional>
#include <string>

#include "kiosk/base/text.hpp"
#include "kiosk/domain/member.hpp"

namespace kiosk::ui {

struct CardGate {
  std::optional<MemberIdentity> member;  // set only for a card verified valid
  Text message;                          // why the last card was refused
  std::string verdict;                   // "valid", "expired", ...
  std::string then_service;              // service to open once the card is verified

  bool verified() const { return member.has_value(); }
  // The scan screen opens: no verdict yet; `service` waits for the card ("" none).
  void ask(const std::string& service);
  void accept(const MemberIdentity& m, const std::string& verdict_code);
  void refuse(const std::string& verdict_code, const Text& why);
  // Overwrites the identity, every field of it (iss included).
  void forget_identity();
  // forget_identity(), and the verdict and the waiting service go too.
  void scrub();
};

}  // namespace kiosk::ui
