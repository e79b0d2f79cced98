// Issuing: key pairs, signing claims, and the private key file's permissions.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kiosk/card/issue.hpp"
#include "kiosk/card/member_card.hpp"

using namespace kiosk::card;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("kiosk-card-test-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

nlohmann::json vectors() {
  std::ifstream f(KIOSK_TEST_DATA "/specs/member-card-vectors.json");
  REQUIRE(f.good());
  return nlohmann::json::parse(f);
}

MemberCardClaims vector_member() {
  MemberCardClaims c;
  c.iss = "CN-22-01";
  c.sub = "22010012345";
  c.name = "张伟";
  c.org = "长春市第一机床厂工会";
  c.iat = 1792408000;
  c.exp = 1826536000;
  return c;
}

}  // namespace

TEST_CASE("the demo seed gives the vectors' trusted key and byte-identical cards") {
  auto v = vectors();
  auto key = issuer_key_from_seed_hex("demo-2026", v["demo_private_seed_hex_for_kid_demo-2026"].get<std::string>());
  REQUIRE(key.ok());
  CHECK(key->public_key_b64url() == v["trusted_keys"]["demo-2026"].get<std::string>());
  auto tok = issue_member_card(vector_member(), *key);
  REQUIRE(tok.ok());
  CHECK(*tok == v["cases"][0]["qr_text"].get<std::string>());
}

TEST_CASE("keygen -> issue -> verify is valid, another key is a bad signature") {
  auto a = generate_issuer_key("test-a");
  auto b = generate_issuer_key("test-a");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->public_key != b->public_key);
  TrustStore t;
  REQUIRE(t.add_key(a->kid, a->public_key_b64url()).ok());
  auto c = vector_member();
  c.role = "staff";
  auto tok = issue_member_card(c, *a);
  REQUIRE(tok.ok());
  auto check = verify_member_card(*tok, t, 1795000000);
  REQUIRE(check.valid());
  CHECK(check.identity->is_staff());
  CHECK(check.identity->name == "张伟");
  auto forged = issue_member_card(c, *b);
  REQUIRE(forged.ok());
  CHECK(verify_member_card(*forged, t, 1795000000).verdict == CardVerdict::BadSignature);
}

TEST_CASE("the issuer refuses what a kiosk would call malformed") {
  auto key = issuer_key_from_seed_hex("demo-2026", std::string(64, '1'));
  REQUIRE(key.ok());
  auto c = vector_member();
  c.sub = "abc";
  auto r = issue_member_card(c, *key);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == kiosk::ErrorKind::BadClaims);
  CHECK(r.error().message.complete());
  c = vector_member();
  c.role = "boss";
  CHECK_FALSE(issue_member_card(c, *key).ok());
  c = vector_member();
  c.name = std::string(33, 'x');
  CHECK_FALSE(issue_member_card(c, *key).ok());
  CHECK_FALSE(generate_issuer_key("").ok());
  CHECK_FALSE(issuer_key_from_seed_hex("k", "xyz").ok());
}

TEST_CASE("the private key file is 0600, never overwritten, refused when exposed") {
  TempDir dir;
  auto key = generate_issuer_key("admin-2027");
  REQUIRE(key.ok());
  auto path = (dir.path / "issuer.key").string();
  ::umask(0);  // even with the loosest umask the file must come out 0600
  auto st = write_issuer_key_file(path, *key);
  ::umask(022);
  REQUIRE(st.ok());
  struct stat s {};
  REQUIRE(::stat(path.c_str(), &s) == 0);
  CHECK((s.st_mode & 0777) == 0600);
  // no temporary file left behind
  int files = 0;
  for (auto& e : fs::directory_iterator(dir.path)) (void)e, ++files;
  CHECK(files == 1);

  auto again = write_issuer_key_file(path, *key);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == kiosk::ErrorKind::KeyFileExists);

  auto back = read_issuer_key_file(path);
  REQUIRE(back.ok());
  CHECK(back->kid == "admin-2027");
  CHECK(back->public_key == key->public_key);
  CHECK(back->seed == key->seed);

  ::chmod(path.c_str(), 0644);
  auto exposed = read_issuer_key_file(path);
  REQUIRE_FALSE(exposed.ok());
  CHECK(exposed.error().kind == kiosk::ErrorKind::KeyFileExposed);
  ::chmod(path.c_str(), 0640);
  CHECK_FALSE(read_issuer_key_file(path).ok());

  REQUIRE(write_issuer_key_file(path, *key, /*overwrite=*/true).ok());
  REQUIRE(::stat(path.c_str(), &s) == 0);
  CHECK((s.st_mode & 0777) == 0600);
  CHECK(read_issuer_key_file(path).ok());

  // A file whose public key does not match its seed is not trusted to sign.
  auto other = (dir.path / "tampered.key").string();
  auto j = nlohmann::json::parse(public_key_json(*key));
  CHECK(j["kid"] == "admin-2027");
  {
    std::ofstream f(other);
    f << R"({"kid":"admin-2027","seed_hex":")" << std::string(64, '2') << R"(","public_key_b64url":")"
      << key->public_key_b64url() << "\"}";
  }
  ::chmod(other.c_str(), 0600);
  CHECK_FALSE(read_issuer_key_file(other).ok());
}
