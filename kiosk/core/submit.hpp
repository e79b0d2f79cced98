// The submit pipeline shared by the touch UI and the command line: the form
// engine's full check of the answers against the active content (with the
// request store as the booking ledger), then one durable commit. Also which
// content is active: the data directory's bundle when it checks clean, else
// the embedded one.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/content.hpp"
#include "kiosk/core/date.hpp"
#include "kiosk/core/expected.hpp"
#include "kiosk/core/form.hpp"
#include "kiosk/core/member.hpp"
#include "kiosk/core/paths.hpp"
#include "kiosk/core/store.hpp"

namespace kiosk {

struct SubmitInput {
  std::string service_id;
  Answers answers;                       // field id -> value
  std::optional<MemberIdentity> member;  // only for a card verified `valid`
  Date today;                            // China Standard Time
  int64_t now_ms = 0;                    // Unix milliseconds
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

struct ActiveContent {
  ContentBundle bundle;
  std::string source;                    // "data-dir" or "embedded"
  std::vector<ContentProblem> rejected;  // why the data dir's bundle was not used
};

// The data dir's content/ if present and clean; else the embedded bundle, with
// the pushed bundle's problems reported. An Error only if neither loads.
Expected<ActiveContent> load_active_content(const DataDir& dir);

// Today in China Standard Time, and Unix milliseconds, from the system clock.
Date today_cst();
int64_t unix_now_ms();

}  // namespace kiosk
