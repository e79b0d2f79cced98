// tests/data/specs holds copies of ../shared/specs so that the tests pass in
// a clone anywhere; when the contract is beside the clone, the copies must
// match it, so a change of the contract is never missed.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {
std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("the copies of the card spec in tests/data match ../shared/specs") {
  const std::filesystem::path shared = std::filesystem::path(KIOSK_SHARED_DIR) / "specs";
  const std::filesystem::path copy = std::filesystem::path(KIOSK_TEST_DATA) / "specs";
  for (const char* name : {"member-card.md", "member-card-vectors.json"}) {
    CAPTURE(name);
    REQUIRE(std::filesystem::exists(copy / name));
    if (!std::filesystem::exists(shared / name)) {
      MESSAGE("../shared/specs is not beside this clone: only the copy is checked");
      CHECK(!read_file(copy / name).empty());
      continue;
    }
    CHECK_MESSAGE(read_file(copy / name) == read_file(shared / name),
                  "the contract changed: copy ../shared/specs/" << name << " to tests/data/specs/ and follow its Changes");
  }
}
