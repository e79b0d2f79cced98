// `union-hub attendance hash`: the admin's tool for content/attendance.json.
// Reads children's attendance (ID number, period, days attended, days in
// the period) as CSV or JSON and writes attendance.json entries whose
// child_id_sha256 is the keyed hash of the ID number (HMAC-SHA256 under the
// hub's hash.key, sync/hub/hub_keys.hpp), never the number itself.
//
// Input, from --in FILE or standard input:
//   CSV:  id_number,period,days_attended,days_total   one child a line; a
//         first line naming the columns, blank lines and lines starting
//         with # are skipped
//   JSON: [{"id_number": "...", "period": "P-2026S", "days_attended": 27,
//          "days_total": 30}, ...]  (or the same list under "attendance")
// Output, to --out FILE (0600) or standard output: {"attendance": [...]}.
// A bad entry is named by its number, never by its ID number.
#pragma once
#include <istream>
#include <string>

#include "apps/union-hub/admin.hpp"
#include "sync/hub/hub_keys.hpp"

namespace kiosk::hubcli {

int attendance_command(const std::string& sub, const Args& a, const hub::HubKey& hash_key,
                       std::istream& in, Out& o);

}  // namespace kiosk::hubcli
