// The one shape of a failed command's output, for every union-kiosk command:
// JSON {"ok": false, "error": "<kind>", "message": {"zh", "en"}, "field",
// "detail"} on stdout with --json; else the message in both languages and
// the kind with its detail on stderr.
#pragma once
#include <iosfwd>

#include <nlohmann/json.hpp>

#include "kiosk/base/expected.hpp"

namespace kiosk::cli {

nlohmann::json error_json(const Error& e);

// Prints the failure and returns `exit_code` (cli/exit_codes.hpp).
int print_failure(std::ostream& out, std::ostream& err, bool as_json, const Error& e, int exit_code);

}  // namespace kiosk::cli
