// The store's neighbours: logging without personal data, config.json, data dir.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <vector>

#include "kiosk/install/config.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/install/paths.hpp"
#include "kiosk/store/store.hpp"
#include "kiosk/base/strings.hpp"
#include "testkit.hpp"

using namespace kiosk;
using namespace kiosk::test;

TEST_CASE("log lines carry ids and codes, and hide what looks personal") {
  std::vector<std::string> lines;
  log::set_sink([&](std::string_view l) { lines.emplace_back(l); });
  log::event(log::Level::Info, "store", "submitted",
             {{"ticket", "F-0001"}, {"id", "0192f3a4-1b2c-7d3e-8f40-123456789012"},
              {"count", 3}, {"name", "王小明"}, {"phone", "13812345678"},
              {"detail", "user 440524188001010014 wrote"}, {"mail", "a@b.cn"},
              {"note", "two words"}});
  log::event(log::Level::Debug, "store", "hidden");
  log::set_sink(nullptr);
  REQUIRE(lines.size() == 1);
  const auto& l = lines[0];
  CHECK(l.find(" INFO store submitted ") != std::string::npos);
  CHECK(l.find("ticket=F-0001") != std::string::npos);
  CHECK(l.find("id=0192f3a4-1b2c-7d3e-8f40-123456789012") != std::string::npos);
  CHECK(l.find("count=3") != std::string::npos);
  CHECK(l.find("note=\"two words\"") != std::string::npos);
  CHECK(l.find("王") == std::string::npos);
  CHECK(l.find("13812345678") == std::string::npos);
  CHECK(l.find("440524188001010014") == std::string::npos);
  CHECK(l.find("a@b.cn") == std::string::npos);
  CHECK(log::redact("ticket", "K-0427") == "K-0427");
  CHECK(log::redact("code", "disk_full") == "disk_full");
  CHECK(log::redact("detail", "sqlite 1555") == "sqlite 1555");
  CHECK(log::redact("id", "李四") == "[redacted]");
}

TEST_CASE("the store logs tickets, never answers") {
  std::vector<std::string> lines;
  log::set_sink([&](std::string_view l) { lines.emplace_back(l); });
  TempDir dir;
  {
    auto s = RequestStore::open(dir.file("requests.db"), sealed());
    REQUIRE(s.ok());
    auto r = make_request();
    r.plan.answers["id_number"] = "11010519491231002X";
    REQUIRE((*s)->submit(r, 1).ok());
  }
  log::set_sink(nullptr);
  bool saw_ticket = false;
  for (const auto& l : lines) {
    saw_ticket = saw_ticket || l.find("ticket=F-0001") != std::string::npos;
    CHECK(l.find("11010519491231002X") == std::string::npos);
    CHECK(l.find("13812345678") == std::string::npos);
    CHECK(l.find("王小明") == std::string::npos);
  }
  CHECK(saw_ticket);
}

TEST_CASE("config: missing file is the defaults") {
  TempDir dir;
  auto c = load_config(dir.file("config.json"));
  REQUIRE(c.ok());
  CHECK(c->retention_days == 30);
  CHECK(c->idle_timeout_s == 60);
  CHECK(c->sync_interval_s == 30);
  CHECK(c->hub_url.empty());
}

TEST_CASE("config: every key is read") {
  TempDir dir;
  write_file(dir.file("config.json"), R"({
    "kiosk_name": "长春市工人文化宫 1号机", "hub_url": "https://hub.example.cn",
    "hub_ca_file": "/etc/union/ca.pem", "allow_plain_http_loopback": true,
    "idle_timeout_s": 90, "idle_countdown_s": 20, "retention_days": 7,
    "scan_source": "images:/tmp/x", "sync_interval_s": 10, "sync_backoff_max_s": 60,
    "extra_trusted_keys": [{"kid": "k1", "public_key_b64url": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}],
    "extra_revoked_members": ["M1", "M2"] })");
  auto c = load_config(dir.file("config.json"));
  REQUIRE(c.ok());
  CHECK(c->kiosk_name == "长春市工人文化宫 1号机");
  CHECK(c->hub_url == "https://hub.example.cn");
  CHECK(c->hub_ca_file == "/etc/union/ca.pem");
  CHECK(c->allow_plain_http_loopback);
  CHECK(c->idle_timeout_s == 90);
  CHECK(c->idle_countdown_s == 20);
  CHECK(c->retention_days == 7);
  CHECK(c->scan_source == "images:/tmp/x");
  CHECK(c->sync_interval_s == 10);
  CHECK(c->sync_backoff_max_s == 60);
  REQUIRE(c->extra_trusted_keys.size() == 1);
  CHECK(c->extra_trusted_keys[0].kid == "k1");
  CHECK(c->extra_revoked_members == std::vector<std::string>{"M1", "M2"});
}

TEST_CASE("config: a malformed file is an error naming the key") {
  TempDir dir;
  const auto f = dir.file("config.json");
  struct Case {
    const char* json;
    ErrorKind kind;
    const char* field;
  };
  for (const Case& k : std::vector<Case>{
           {R"({"retention_days": "30"})", ErrorKind::ConfigBadValue, "retention_days"},
           {R"({"retention_days": -1})", ErrorKind::ConfigBadValue, "retention_days"},
           {R"({"idle_timeout_s": 1.5})", ErrorKind::ConfigBadValue, "idle_timeout_s"},
           {R"({"sync_interval_s": 1})", ErrorKind::ConfigBadValue, "sync_interval_s"},
           {R"({"hub_url": 5})", ErrorKind::ConfigBadValue, "hub_url"},
           {R"({"hub_url": "ftp://x"})", ErrorKind::ConfigBadValue, "hub_url"},
           {R"({"allow_plain_http_loopback": "yes"})", ErrorKind::ConfigBadValue,
            "allow_plain_http_loopback"},
           {R"({"extra_trusted_keys": [{"kid": "k"}]})", ErrorKind::ConfigBadValue,
            "extra_trusted_keys[0]"},
           {R"({"extra_revoked_members": [1]})", ErrorKind::ConfigBadValue, "extra_revoked_members[0]"},
           {R"({"extra_trusted_keys": [{"kid": "k", "public_key_b64url": "abc"}]})", ErrorKind::ConfigBadValue,
            "extra_trusted_keys[0].public_key_b64url"},
           {R"({"retention_day": 30})", ErrorKind::ConfigUnknownKey, "retention_day"},
           {R"({"retention_days": 30,)", ErrorKind::ConfigMalformed, ""},
           {R"([1, 2])", ErrorKind::ConfigMalformed, ""},
       }) {
    CAPTURE(k.json);
    write_file(f, k.json);
    auto c = load_config(f);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().kind == k.kind);
    CHECK(c.error().field == k.field);
    CHECK_FALSE(c.error().message.zh.empty());
    CHECK_FALSE(c.error().message.en.empty());
    if (*k.field) {
      CHECK(c.error().message.zh.find(k.field) != std::string::npos);
      CHECK(c.error().message.en.find(k.field) != std::string::npos);
    }
    CHECK(c.error().message.en.find('{') == std::string::npos);  // placeholders filled
  }
}

TEST_CASE("data dir: the default follows the environment, ensure_dir makes it private") {
  const char* saved = std::getenv("UNION_KIOSK_DATA_DIR");
  const std::string saved_s = saved ? saved : "";
  setenv("UNION_KIOSK_DATA_DIR", "/srv/kiosk", 1);
  CHECK(default_data_dir() == "/srv/kiosk");
  unsetenv("UNION_KIOSK_DATA_DIR");
  setenv("XDG_DATA_HOME", "/home/k/.data", 1);
  CHECK(default_data_dir() == "/home/k/.data/union-kiosk");
  setenv("XDG_DATA_HOME", "relative", 1);
  setenv("HOME", "/home/k", 1);
  CHECK(default_data_dir() == "/home/k/.local/share/union-kiosk");
  if (saved) setenv("UNION_KIOSK_DATA_DIR", saved_s.c_str(), 1);

  TempDir dir;
  const std::string d = dir.file("a/b/union-kiosk");
  std::string err;
  REQUIRE(ensure_dir(d, &err));
  struct stat sb {};
  REQUIRE(::stat(d.c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0700);
  CHECK(ensure_dir(d, &err));  // already there
  write_file(dir.file("file"), "x");
  CHECK_FALSE(ensure_dir(dir.file("file"), &err));
  CHECK_FALSE(err.empty());
}

TEST_CASE("the store's string table is complete and merges cleanly") {
  for (const auto& p : string_table_problems()) {
    CAPTURE(p);
    CHECK(p.find("store.json") == std::string::npos);
  }
  for (const char* k : {"store.disk_full", "store.read_only", "store.damaged", "store.duplicate",
                        "store.slot_full", "store.too_new", "config.bad_value"}) {
    CAPTURE(k);
    CHECK(tr(k).complete());
    CHECK(tr(k).zh != k);
  }
}
