// Submitting a service's answers from the touch UI through the core's submit
// pipeline: the form engine's full check, then one
// durable commit in the request store (capacity and duplicates re-checked
// inside its transaction). The worker sees a ticket only after COMMIT.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/domain/form.hpp"
#include "kiosk/store/store.hpp"

namespace kiosk::ui {

struct SubmitOutcome {
  std::optional<RequestRecord> ticket;  // set iff committed
  std::vector<FieldError> errors;       // otherwise why not, in words
};

SubmitOutcome submit_answers(const Service& s, const Answers& answers, const RuleContext& ctx,
                             RequestStore& store, const std::string& content_version,
                             int64_t now_ms);

}  // namespace kiosk::ui
