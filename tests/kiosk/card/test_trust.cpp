// The trust store built from content (embedded bundle) and configuration.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "kiosk/card/member_card.hpp"
#include "kiosk/card/trust.hpp"

using namespace kiosk::card;

TEST_CASE("bad keys are refused with a reason naming the kid") {
  TrustStore t;
  CHECK_FALSE(t.add_key("k1", "not*base64").ok());
  CHECK_FALSE(t.add_key("k2", "AAAA").ok());  // 3 bytes
  CHECK_FALSE(t.add_key("", "0EqyMnQrtKs6E2i9RhXk5tAiSrcaAWuvhSCjMsl3hzc").ok());
  CHECK(t.key_count() == 0);
  CHECK(t.problems().size() == 3);
  CHECK(t.problems()[0].find("k1") != std::string::npos);
  CHECK(t.add_key("k3", "0EqyMnQrtKs6E2i9RhXk5tAiSrcaAWuvhSCjMsl3hzc").ok());
  CHECK(t.key("k3") != nullptr);
  CHECK(t.key("k4") == nullptr);
}

TEST_CASE("config keys and revocations add to the content's") {
  kiosk::ContentBundle content;
  content.trusted_keys.push_back({"demo-2026", "0EqyMnQrtKs6E2i9RhXk5tAiSrcaAWuvhSCjMsl3hzc"});
  content.trusted_keys.push_back({"broken", "xx"});
  content.revoked_members.push_back("22010099999");
  kiosk::KioskConfig config;
  config.extra_trusted_keys.push_back({"install-1", "0EqyMnQrtKs6E2i9RhXk5tAiSrcaAWuvhSCjMsl3hzc"});
  config.extra_revoked_members.push_back("22010012345");
  auto only_content = TrustStore::from(content);
  CHECK(only_content.key_count() == 1);
  CHECK(only_content.problems().size() == 1);
  CHECK(only_content.is_revoked("22010099999"));
  CHECK_FALSE(only_content.is_revoked("22010012345"));
  auto both = TrustStore::from(content, config);
  CHECK(both.key_count() == 2);
  CHECK(both.key("install-1") != nullptr);
  CHECK(both.is_revoked("22010012345"));
  CHECK(both.revoked_count() == 2);
}

TEST_CASE("the embedded content trusts the demo key and revokes the vectors' numbers") {
  auto load = kiosk::load_embedded_content();
  for (auto& p : load.problems) MESSAGE(p.file << " " << p.path << ": " << p.message);
  REQUIRE(load.bundle.has_value());
  auto trust = TrustStore::from(*load.bundle);
  CHECK(trust.problems().empty());
  std::ifstream f(KIOSK_TEST_DATA "/specs/member-card-vectors.json");
  auto v = nlohmann::json::parse(f);
  for (auto& [kid, key] : v["trusted_keys"].items()) {
    REQUIRE(trust.key(kid) != nullptr);
  }
  for (auto& s : v["revoked"]) CHECK(trust.is_revoked(s.get<std::string>()));
  // And so every vector gives its verdict against the embedded content too.
  for (auto& c : v["cases"]) {
    CAPTURE(c["what"].get<std::string>());
    auto check = verify_member_card(c["qr_text"].get<std::string>(), trust, v["now"].get<int64_t>());
    CHECK(verdict_code(check.verdict) == c["verdict"].get<std::string>());
  }
}
