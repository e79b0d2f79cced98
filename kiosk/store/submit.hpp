// The submit pipeline shared by the touch UI and the command line: the form
// engine's full check of the answers against the active content (with the
// request store as the booking ledger), then one durable commit.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/domain/content.hpp"
#include "kiosk/base/clock.hpp"
#include "kiosk/base/date.hpp"
#include "kiosk/base/expected.hpp"
#include "kiosk/domain/form.hpp"
#include "kiosk/domain/member.hpp"
#include "kiosk/store/store.hpp"

namespace kiosk {

struct SubmitInput {
  std::string service_id;
  Answers answers;                       // field id -> value
  std::optional<MemberIdentity> member;  // only for a card verified `valid`
  Date today;                            // China Standard Time
  int64_t now_ms = 0;                    // Unix milliseconds
  std::string id_hash_key;               // RuleContext::id_hash_key (Install::id_hash_key)
};

struct SubmitResult {
  std::optional<RequestRecord> record;  // set iff committed: only then show the ticket
  std::vector<FieldError> errors;       // otherwise every reason, each saying what to fix
  bool accepted() const { return record.has_value(); }
};

// An Error only for what the worker cannot fix by changing answers: an unknown
// service, disk_full, read_only, store_damaged, io. A place taken or a duplicate
// found at commit time is a FieldError like any other rule.
Expected<SubmitResult> submit_request(RequestStore& store, const ContentBundle& content,
                                      const SubmitInput& in);

}  // namespace kiosk
