// Error kinds: each has one stable name (what the CLI, the logs and the wire
// write), and a name read back gives the same kind.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "kiosk/base/expected.hpp"

using namespace kiosk;

TEST_CASE("error kinds: names are unique and read back to their kind") {
  std::set<std::string> seen;
  int n = 0;
  for (int i = 0; i <= static_cast<int>(ErrorKind::Bind); ++i, ++n) {
    const auto kind = static_cast<ErrorKind>(i);
    const std::string& name = to_string(kind);
    CAPTURE(name);
    CHECK_FALSE(name.empty());
    CHECK(seen.insert(name).second);
    CHECK(error_kind_named(name) == kind);
  }
  CHECK(n == static_cast<int>(seen.size()));
}

TEST_CASE("error kinds: the names that leave the process stay as they were") {
  CHECK(to_string(ErrorKind::Io) == "io");
  CHECK(to_string(ErrorKind::DiskFull) == "disk_full");
  CHECK(to_string(ErrorKind::StoreDamaged) == "store_damaged");
  CHECK(to_string(ErrorKind::StoreBusy) == "store_busy");
  CHECK(to_string(ErrorKind::BadJson) == "bad_json");
  CHECK(to_string(ErrorKind::InvalidCode) == "invalid_code");
  CHECK(to_string(ErrorKind::ConfigUnknownKey) == "config_unknown_key");
  CHECK_FALSE(error_kind_named("store_store_busy"));
  CHECK_FALSE(error_kind_named(""));
  Error e{ErrorKind::SlotFull, {}, "class", "detail"};
  CHECK(e.name() == "slot_full");
}
