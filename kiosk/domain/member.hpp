// Who a verified member card says the worker is. Produced by kiosk_card
// (only for the verdict `valid`); the core only consumes it.
#pragma once
#include <string>

namespace kiosk {

struct MemberIdentity {
  std::string iss;   // issuing federation, "CN-22-01"
  std::string sub;   // member number
  std::string name;
  std::string org;   // grassroots union, may be empty
  std::string role;  // "member" or "staff"
  bool is_staff() const { return role == "staff"; }
};

}  // namespace kiosk
