// The hub's check of one uploaded request against its service's form, with
// the kiosk's own form engine (kiosk/domain/form.hpp) over the content the
// hub was built with: the same fields, types, lengths, ranges, formats and
// rules the worker's kiosk applied at submit. A pure function: no database,
// no clock, nothing from HTTP, so it runs wherever the answers are in hand.
//
// What it cannot check: the member card behind a members-only request (the
// card is verified at the kiosk and does not travel), and places booked on
// other kiosks (capacity is counted against the content's figures, as a
// kiosk with an empty queue would). The day the rules look at is the day
// the request was made (created_at_ms, China time), not the day it arrived,
// so a kiosk that was offline for a week is not refused for a slot that has
// passed since.
#pragma once
#include <cstdint>
#include <string>

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

ItemCheck validate_item(const ContentBundle& content, const std::string& service_id,
                        const nlohmann::json& answers, int64_t created_at_ms);

}  // namespace kiosk::hub
