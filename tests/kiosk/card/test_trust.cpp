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
  auto only_content = TrustStore::from(content, TrustStore::Demo::Refused);
  CHECK(only_content.key_count() == 1);
  CHECK(only_content.problems().size() == 1);
  CHECK(only_content.is_revoked("22010099999"));
  CHECK_FALSE(only_content.is_revoked("22010012345"));
  auto both = TrustStore::from(content, config, TrustStore::Demo::Refused);
  CHECK(both.key_count() == 2);
  CHECK(both.key("install-1") != nullptr);
  CHECK(both.is_revoked("22010012345"));
  CHECK(both.revoked_count() == 2);
}

TEST_CASE("a key marked demo is trusted only in demo mode") {
  kiosk::ContentBundle content;
  kiosk::TrustedKey demo{"demo-2026", "0EqyMnQrtKs6E2i9RhXk5tAiSrcaAWuvhSCjMsl3hzc"};
  demo.demo = true;
  content.trusted_keys.push_back(demo);
  content.trusted_keys.push_back({"real-1", "0EqyMnQrtKs6E2i9RhXk5tAiSrcaAWuvhSCjMsl3hzc"});
  auto refused = TrustStore::from(content, TrustStore::Demo::Refused);
  CHECK(refused.key("demo-2026") == nullptr);
  CHECK(refused.key("real-1") != nullptr);
  REQUIRE(refused.skipped_demo_kids().size() == 1);
  CHECK(refused.skipped_demo_kids()[0] == "demo-2026");
  auto trusted = TrustStore::from(content, kiosk::KioskConfig{}, TrustStore::Demo::Trusted);
  CHECK(trusted.key("demo-2026") != nullptr);
  CHECK(trusted.skipped_demo_kids().empty());
}

TEST_CASE("the embedded content marks the spec's key demo, and revokes the vectors' numbers") {
  auto load = kiosk::load_embedded_content();
  for (auto& p : load.problems) MESSAGE(p.file << " " << p.path << ": " << p.message);
  REQUIRE(load.bundle.has_value());
  // An install from the package (no --demo, no "demo" in config) trusts no
  // card the published demo seed can sign.
  auto install = TrustStore::from(*load.bundle, TrustStore::Demo::Refused);
  CHECK(install.key("demo-2026") == nullptr);
  CHECK(install.key_count() == 0);
  auto trust = TrustStore::from(*load.bundle, TrustStore::Demo::Trusted);
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
