// Install: the one place config.json is read and checked, the old hub.json
// folded into it once, and the queue opened with what the config says.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "kiosk/install/install.hpp"
#include "tests/kiosk/store/testkit.hpp"

using namespace kiosk;
using namespace kiosk::test;
using nlohmann::json;

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

json read_json(const std::string& path) { return json::parse(read_file(path)); }

int mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 0777);
}

}  // namespace

TEST_CASE("Install::open: no config.json is the defaults, and nothing is created") {
  TempDir dir;
  const std::string root = dir.file("kiosk");
  auto in = Install::open(root);
  REQUIRE(in.ok());
  CHECK(in->config().retention_days == 30);
  CHECK(in->config().hub_url.empty());
  CHECK(!file_exists(root));
  auto hub = in->hub();
  REQUIRE(hub.ok());
  CHECK(!hub->configured());
}

TEST_CASE("Install::open: a bad config.json is an error naming the key, defaults() still opens") {
  TempDir dir;
  write_file(dir.file("config.json"), R"({"retention_days": "one"})");
  auto in = Install::open(dir.path());
  REQUIRE(!in.ok());
  CHECK(in.error().kind == kiosk::ErrorKind::ConfigBadValue);
  CHECK(in.error().field == "retention_days");
  CHECK(Install::defaults(dir.path()).config().retention_days == 30);
}

TEST_CASE("Install::open_store opens the queue with the config's retention_days") {
  TempDir dir;
  write_file(dir.file("config.json"), R"({"retention_days": 1})");
  int64_t now = 1'800'000'000'000;
  auto in = Install::open(dir.path(), [&] { return now; });
  REQUIRE(in.ok());
  CHECK(in->store_options().retention_ms == kDayMs);
  CHECK(in->now_ms() == now);
  auto store = in->open_store();
  REQUIRE(store.ok());
  auto rec = (*store)->submit(make_request(), now);
  REQUIRE(rec.ok());
  REQUIRE((*store)->mark_delivered({rec->id}, now).ok());
  CHECK(*(*store)->purge_expired(now + kDayMs - 1) == 0);
  CHECK(*(*store)->purge_expired(now + kDayMs) == 1);  // not 30 days: the config's one
  CHECK(!(*store)->find(rec->id)->answers);
}

TEST_CASE("Install::open_store without create_if_missing leaves a missing queue missing") {
  TempDir dir;
  auto in = Install::open(dir.file("none"));
  REQUIRE(in.ok());
  auto store = in->open_store(false);
  REQUIRE(!store.ok());
  CHECK(store.error().kind == kiosk::ErrorKind::StoreMissing);
  CHECK(!file_exists(dir.file("none")));
}

TEST_CASE("Install::open folds an old hub.json into config.json once, the token stays apart") {
  TempDir dir;
  write_file(dir.file("config.json"), R"({"idle_timeout_s": 90, "kiosk_name": "1号机"})");
  write_file(dir.file("hub.json"), json{{"hub_url", "https://hub.example:8443"},
                                        {"hub_ca_file", dir.file("hub-ca.pem")},
                                        {"allow_plain_http_loopback", false},
                                        {"kiosk_id", "k-0007"},
                                        {"kiosk_name", "hub's name"},
                                        {"enrolled_at_ms", 1}}.dump());
  write_file(dir.file("device-token"), "tok-secret\n");
  ::chmod(dir.file("device-token").c_str(), 0600);

  auto in = Install::open(dir.path());
  REQUIRE(in.ok());
  CHECK(in->config().hub_url == "https://hub.example:8443");
  CHECK(in->config().kiosk_id == "k-0007");
  CHECK(in->config().kiosk_name == "1号机");  // the installer's name stays
  CHECK(in->config().idle_timeout_s == 90);
  CHECK(!file_exists(dir.file("hub.json")));
  json cfg = read_json(dir.file("config.json"));
  CHECK(cfg["hub_url"] == "https://hub.example:8443");
  CHECK(cfg["hub_ca_file"] == dir.file("hub-ca.pem"));
  CHECK(cfg["idle_timeout_s"] == 90);
  CHECK(!cfg.contains("token"));
  CHECK(!file_exists(dir.file("config.json.tmp")));
  auto hub = in->hub();
  REQUIRE(hub.ok());
  CHECK(hub->configured());
  CHECK(hub->token == "tok-secret");
  CHECK(hub->kiosk_id == "k-0007");

  // Opened again: the same settings from config.json alone.
  auto again = Install::open(dir.path());
  REQUIRE(again.ok());
  CHECK(again->config().hub_url == "https://hub.example:8443");
  CHECK(again->hub()->configured());
}

TEST_CASE("Install::open: an installer's hub_url in config.json wins over an old hub.json") {
  TempDir dir;
  write_file(dir.file("config.json"), R"({"hub_url": "https://installer.example"})");
  write_file(dir.file("hub.json"), R"({"hub_url": "https://enrolled.example", "kiosk_id": "k-1"})");
  auto in = Install::open(dir.path());
  REQUIRE(in.ok());
  CHECK(in->config().hub_url == "https://installer.example");
  CHECK(in->config().kiosk_id == "k-1");
  CHECK(read_json(dir.file("config.json"))["hub_url"] == "https://installer.example");
}

TEST_CASE("Install::open: a broken config.json is reported and not overwritten by the fold") {
  TempDir dir;
  write_file(dir.file("config.json"), R"({"hub_url": 7})");
  write_file(dir.file("hub.json"), R"({"hub_url": "https://enrolled.example"})");
  auto in = Install::open(dir.path());
  REQUIRE(!in.ok());
  CHECK(in.error().field == "hub_url");
  CHECK(read_file(dir.file("config.json")) == R"({"hub_url": 7})");
  CHECK(file_exists(dir.file("hub.json")));
}

TEST_CASE("Install::hub tightens a device-token others can read") {
  TempDir dir;
  write_file(dir.file("config.json"), R"({"hub_url": "https://hub.example"})");
  write_file(dir.file("device-token"), "tok\n");
  ::chmod(dir.file("device-token").c_str(), 0644);
  auto in = Install::open(dir.path());
  REQUIRE(in.ok());
  auto hub = in->hub();
  REQUIRE(hub.ok());
  CHECK(hub->token == "tok");
  CHECK(mode_of(dir.file("device-token")) == 0600);
}

TEST_CASE("Install::record_enrollment: token 0600, the hub in config.json, other keys kept") {
  TempDir dir;
  write_file(dir.file("config.json"), R"({"retention_days": 7, "scan_source": "none"})");
  auto in = Install::open(dir.path());
  REQUIRE(in.ok());
  Enrollment e{"https://hub.example", "", false, "k-42", "长春市工人文化宫 1号机", "tok-42", "", ""};
  REQUIRE(in->record_enrollment(e).ok());
  CHECK(mode_of(dir.file("device-token")) == 0600);
  json cfg = read_json(dir.file("config.json"));
  CHECK(cfg["retention_days"] == 7);
  CHECK(cfg["scan_source"] == "none");
  CHECK(cfg["hub_url"] == "https://hub.example");
  CHECK(cfg["kiosk_id"] == "k-42");
  CHECK(cfg["kiosk_name"] == "长春市工人文化宫 1号机");
  CHECK(in->config().hub_url == "https://hub.example");
  auto again = Install::open(dir.path());
  REQUIRE(again.ok());
  auto hub = again->hub();
  REQUIRE(hub.ok());
  CHECK(hub->token == "tok-42");
  CHECK(hub->configured());
}
