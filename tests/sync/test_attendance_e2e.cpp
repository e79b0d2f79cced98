// Children's attendance, as the province runs it: the hub's admin hashes the
// list under the hub's hash.key (`union-hub attendance hash`), the kiosk gets
// that key at enrollment, and the kiosk's rules match under it. Real
// union-hub and kiosk binaries on loopback.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <array>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "kiosk/base/hash.hpp"
#include "kiosk/card/issue.hpp"
#include "tests/sync/support/support.hpp"

using namespace kiosk::synctest;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

void spit(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
}

json childcare(const std::string& child_id, const std::string& klass) {
  return json{{"member_card", "22010054321"},  {"guardian_name", "张伟"},
              {"guardian_phone", "13812345678"}, {"child_name", "张小雨"},
              {"child_id", child_id},           {"child_gender", "f"},
              {"school", "长春市南关区东岭小学"}, {"grade", "g3"},
              {"allergies", "花生过敏"},         {"emergency_name", "王丽"},
              {"emergency_phone", "13698765432"}, {"class", klass},
              {"guardian_consent", true},       {"consent", true}};
}

}  // namespace

TEST_CASE("attendance end to end: hashed by the hub under hash.key, matched by an enrolled kiosk under the same key") {
  TempDir tmp;
  const std::string hub_dir = tmp.path + "/hub", kiosk_dir = tmp.path + "/kiosk";
  HubProcess hub(hub_dir);
  hub.start();
  enroll(kiosk_dir, hub, hub.url());
  struct stat st {};
  REQUIRE(::stat((kiosk_dir + "/hash.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  // The admin's list: one child under 70% last summer, one at exactly 70%.
  spit(tmp.path + "/summer.csv",
       "id_number,period,days_attended,days_total\n"
       "220102201805200238,P-2026S,11,30\n"
       "220104201902140460,P-2026S,21,30\n");
  auto hashed = run({hub_binary(), "--data-dir", hub_dir, "attendance", "hash", "--in", tmp.path + "/summer.csv",
                     "--out", tmp.path + "/attendance.json"});
  REQUIRE(hashed.code == 0);
  const std::string att = slurp(tmp.path + "/attendance.json");
  CHECK(att.find("220102201805200238") == std::string::npos);
  CHECK(att.find(kiosk::sha256_hex("220102201805200238", kiosk::HexCase::Upper)) == std::string::npos);

  // The kiosk's content: the built-in bundle with the province's list in it.
  const std::string content = kiosk_dir + "/content";
  fs::copy(std::string(KIOSK_SOURCE_DIR) + "/assets/content", content, fs::copy_options::recursive);
  fs::copy_file(tmp.path + "/attendance.json", content + "/attendance.json", fs::copy_options::overwrite_existing);
  json manifest = json::parse(slurp(content + "/manifest.json"));
  manifest["version"] = "2026.12.03-att";
  spit(content + "/manifest.json", manifest.dump());

  // A member card (the demo key, so --demo; the attendance key is still the
  // enrolled kiosk's hash.key, not the demo's).
  std::array<uint8_t, 32> seed{};
  seed.fill(0x11);
  auto key = kiosk::card::issuer_key_from_seed("demo-2026", seed);
  REQUIRE(key.ok());
  kiosk::card::MemberCardClaims claims;
  claims.iss = "CN-22-01";
  claims.sub = "22010054321";
  claims.name = "张伟";
  claims.org = "长春市第一机床厂工会";
  claims.iat = std::time(nullptr) - 3600;
  claims.exp = std::time(nullptr) + 30 * 86400;
  auto issued = kiosk::card::issue_member_card(claims, *key);
  REQUIRE(issued.ok());
  const std::string card = *issued;

  auto submit = [&](const std::string& child, const std::string& klass) {
    spit(tmp.path + "/a.json", childcare(child, klass).dump());
    return run({UNION_KIOSK, "--data-dir", kiosk_dir, "--demo", "--json", "submit", "--service", "childcare",
                "--answers", tmp.path + "/a.json", "--card", card, "--today", "2026-11-22"});
  };
  auto low = submit("220102201805200238", "C-2027W-A");
  CAPTURE(low.out);
  REQUIRE(low.code == 1);
  CHECK(low.out.find("low_attendance") != std::string::npos);
  CHECK(low.out.find("36%") != std::string::npos);
  auto ok = submit("220104201902140460", "C-2027W-A");
  CAPTURE(ok.out);
  CHECK(ok.code == 0);
  // Twice is a duplicate, found by the keyed check.
  auto again = submit("220104201902140460", "C-2027W-B");
  CHECK(again.code == 1);
  CHECK(again.out.find("duplicate_child") != std::string::npos);

  // Nowhere in the kiosk's data dir: the child's number, or its unkeyed hash.
  const std::string plain = kiosk::sha256_hex("220104201902140460", kiosk::HexCase::Upper);
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(kiosk_dir)) {
    if (!e.is_regular_file()) continue;
    ++files;
    const std::string bytes = slurp(e.path().string());
    CHECK_MESSAGE(bytes.find("220104201902140460") == std::string::npos, e.path());
    CHECK_MESSAGE(bytes.find(plain) == std::string::npos, e.path());
  }
  CHECK(files > 3);
  CHECK(fs::exists(kiosk_dir + "/dedup.key"));
}
