// The one shape of a failed command's output, for every program of the
// project (union-kiosk and its commands, union-hub): JSON {"ok": false, "error": "<kind>", "message": {"zh", "en"}, "field",
// "detail"} on stdout with --json; else the message in both languages and
// the kind with its detail on stderr.
#pragma once
#include <iosfwd>

#include <nlohmann/json.hpp>

#include "kiosk/base/expected.hpp"

namespace kiosk {

nlohmann::json error_json(const Error& e);

// Prints the failure and returns `exit_code` (kiosk/base/exit_codes.hpp).
int print_failure(std::ostream& out, std::ostream& err, bool as_json, const Error& e, int exit_code);

}  // namespace kiosk
