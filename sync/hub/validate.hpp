// The hub's check of one uploaded request against its service's form, with
// the kiosk's own form engine (kiosk/domain/form.hpp) over the content the
// hub was built with: the same fields, types, lengths, ranges, formats and
// rules the worker's kiosk applied at submit. A pure function: no database,
// no clock, nothing from HTTP, so it runs wherever the answers are in hand.
//
// What it checks: no answer to a field the service does not have or does
// not show; every shown field as the kiosk's form checks it (type, required,
// length, range, format such as GB 11643 or a mobile number, choices); and
// the rules that stand on the answers alone (separate consent for sensitive
// answers). What it leaves to the kiosk: the rules that look at the kiosk's
// content (slots, events, classes, their dates and places: a kiosk may run
// a newer bundle than the hub was built with), at its member card (verified
// at the kiosk, it does not travel) or at its own queue (one per member or
// child). Dates are seen from the day the request was made (created_at_ms,
// China time), so a kiosk that was offline for a week is not refused.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kiosk/domain/content.hpp"

namespace kiosk::hub {

struct ItemCheck {
  bool ok = true;
  std::string field;  // the form field at fault; "" for the request as a whole
  std::string code;   // the form engine's code ("required", "phone_format", ...),
                      // or "unknown_field", "hidden_field", "not_an_object"
  // The per-item reason on the wire: "invalid_answer:<field>:<code>"
  // (docs/sync-protocol.md); "unknown_service" for a service not in the content.
  std::string reason() const;
};

// `id_hash_key` is the hub's hash.key (attendance.json is keyed with it).
ItemCheck validate_item(const ContentBundle& content, const std::string& service_id,
                        const nlohmann::json& answers, int64_t created_at_ms,
                        std::string_view id_hash_key = {});

}  // namespace kiosk::hub
