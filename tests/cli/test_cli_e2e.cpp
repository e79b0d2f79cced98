// The real union-kiosk binary, as a technician or a script runs it.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/kiosk/store/testkit.hpp"

using namespace kiosk::test;
using nlohmann::json;

namespace {

struct Proc {
  int code = -1;
  std::string out, err;
  json j() const { return json::parse(out); }
};

Proc kiosk_run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  TempDir io;
  const std::string out = io.file("out"), err = io.file("err");
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr)) _exit(126);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv{const_cast<char*>(UNION_KIOSK)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(UNION_KIOSK, argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  Proc p;
  p.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  p.out = read_file(out);
  p.err = read_file(err);
  return p;
}

const char* kHardship = R"({"name":"王小明","id_number":"11010519491231002X","phone":"13812345678",
  "employer":"长春第一汽车制造厂","kind":"illness","household_size":3,"income_per_head":800,
  "description":"家人患重病，医疗费用负担很重，生活困难。","sensitive_consent":true,"consent":true})";

}  // namespace

TEST_CASE("union-kiosk submit, queue and content check end to end") {
  TempDir dir;
  const std::string data = dir.file("data");
  write_file(dir.file("ok.json"), kHardship);
  json bad = json::parse(kHardship);
  bad["id_number"] = "110105194912310021";
  bad["household_size"] = 0;
  write_file(dir.file("bad.json"), bad.dump());

  auto v = kiosk_run({"--version"});
  CHECK(v.code == 0);
  CHECK(v.out.rfind("union-kiosk ", 0) == 0);

  auto ok = kiosk_run({"--data-dir", data, "submit", "--service", "hardship", "--answers", dir.file("ok.json")});
  CAPTURE(ok.out);
  CAPTURE(ok.err);
  REQUIRE(ok.code == 0);
  CHECK(ok.out.find("K-0001") != std::string::npos);
  CHECK(ok.out.find("申请已受理") != std::string::npos);

  auto okj = kiosk_run({"--data-dir", data, "--json", "submit", "--service", "hardship", "--answers",
                        dir.file("ok.json")});
  REQUIRE(okj.code == 0);
  CHECK(okj.j()["ticket"] == "K-0002");

  auto badr = kiosk_run({"--data-dir", data, "submit", "--service", "hardship", "--answers", dir.file("bad.json"),
                         "--json"});
  CAPTURE(badr.out);
  CHECK(badr.code == 1);
  std::set<std::string> fields;
  const json badj = badr.j();  // the range must outlive the loop
  for (const auto& e : badj["errors"]) fields.insert(e["field"].get<std::string>());
  CHECK(fields.count("id_number"));
  CHECK(fields.count("household_size"));

  auto list = kiosk_run({"--data-dir", data, "--json", "queue", "list"});
  REQUIRE(list.code == 0);
  REQUIRE(list.j()["requests"].size() == 2);  // the refused one was not stored
  CHECK(list.j()["requests"][1]["ticket"] == "K-0001");
  auto show = kiosk_run({"--data-dir", data, "queue", "show", okj.j()["id"].get<std::string>(), "--json"});
  REQUIRE(show.code == 0);
  CHECK(show.j()["ticket"] == "K-0002");
  CHECK(kiosk_run({"--data-dir", data, "queue", "show", "K-0404"}).code == 1);

  // The data dir from the environment, as under systemd.
  auto envl = kiosk_run({"--json", "queue", "list"}, {"UNION_KIOSK_DATA_DIR=" + data});
  REQUIRE(envl.code == 0);
  CHECK(envl.j()["requests"].size() == 2);

  const std::string bundle = dir.file("bundle");
  std::filesystem::copy(std::string(KIOSK_SOURCE_DIR) + "/assets/content", bundle);
  CHECK(kiosk_run({"content", "check", bundle}).code == 0);
  json slots = json::parse(read_file(bundle + "/slots.json"));
  slots["slots"][0]["date"] = "2026-13-45";
  write_file(bundle + "/slots.json", slots.dump());
  auto cc = kiosk_run({"content", "check", bundle});
  CAPTURE(cc.out);
  CHECK(cc.code == 1);
  CHECK(cc.out.find("slots.json") != std::string::npos);
  CHECK(cc.out.find("slots[0].date") != std::string::npos);

  // A damaged database: said clearly, exit 3, the file kept as it was.
  const std::string broken = dir.file("broken");
  std::filesystem::create_directory(broken);
  write_file(broken + "/requests.db", std::string(4096, '\x5a'));
  auto dmg = kiosk_run({"--data-dir", broken, "submit", "--service", "hardship", "--answers", dir.file("ok.json")});
  CHECK(dmg.code == 3);
  CHECK(dmg.err.find("损坏") != std::string::npos);
  CHECK(dmg.err.find("damaged") != std::string::npos);
  CHECK(read_file(broken + "/requests.db") == std::string(4096, '\x5a'));
}

TEST_CASE("union-kiosk submit --card: the card is verified as at the touch screen, demo keys only with --demo") {
  TempDir dir;
  const std::string data = dir.file("data");
  // A card signed with the card spec's demo key (its seed is published).
  const std::string key = dir.file("demo.key");
  REQUIRE(kiosk_run({"card", "keygen", "--kid", "demo-2026", "--out", key, "--seed-hex", std::string(64, '1')})
              .code == 0);
  auto issue = [&](const std::string& sub) {
    auto r = kiosk_run({"card", "issue", "--key", key, "--sub", sub, "--name", "王小明", "--days", "30"});
    REQUIRE(r.code == 0);
    return r.out.substr(0, r.out.find('\n'));
  };
  const std::string card = issue("22010054321");
  json answers = json::parse(kHardship);
  answers["member_card"] = "22010054321";
  write_file(dir.file("member.json"), answers.dump());
  write_file(dir.file("card.txt"), card + "\n");

  // The member number alone, with no card behind it, is not accepted.
  auto bare = kiosk_run({"--data-dir", data, "--json", "submit", "--service", "hardship", "--answers",
                         dir.file("member.json")});
  CAPTURE(bare.out);
  CHECK(bare.code == 1);
  CHECK(bare.j()["errors"][0]["code"] == "member_card_unverified");
  // Out of demo mode the demo key signs nothing.
  auto plain = kiosk_run({"--data-dir", data, "--json", "submit", "--service", "hardship", "--answers",
                          dir.file("member.json"), "--card", card});
  CAPTURE(plain.out);
  CHECK(plain.code == 1);
  CHECK(plain.j()["error"] == "card_refused");
  CHECK(plain.j()["detail"] == "unknown_issuer");
  // In demo mode it does, from --card or from a file.
  auto demo = kiosk_run({"--data-dir", data, "--demo", "--json", "submit", "--service", "hardship", "--answers",
                         dir.file("member.json"), "--card-file", dir.file("card.txt")});
  CAPTURE(demo.out);
  CAPTURE(demo.err);
  CHECK(demo.code == 0);
  // A card for another member does not vouch for this number.
  auto other = kiosk_run({"--data-dir", data, "--demo", "--json", "submit", "--service", "hardship", "--answers",
                          dir.file("member.json"), "--card", issue("22010077777")});
  CHECK(other.code == 1);
  CHECK(other.j()["errors"][0]["code"] == "member_card_mismatch");
  // A revoked member (the embedded content revokes 22010099999) is refused.
  answers["member_card"] = "22010099999";
  write_file(dir.file("revoked.json"), answers.dump());
  auto revoked = kiosk_run({"--data-dir", data, "--demo", "--json", "submit", "--service", "hardship", "--answers",
                            dir.file("revoked.json"), "--card", issue("22010099999")});
  CHECK(revoked.code == 1);
  CHECK(revoked.j()["detail"] == "revoked");
  // The options of old are gone.
  CHECK(kiosk_run({"--data-dir", data, "submit", "--service", "hardship", "--answers", dir.file("member.json"),
                   "--member-sub", "22010054321", "--member-name", "王小明"})
            .code == 2);
  auto list = kiosk_run({"--data-dir", data, "--json", "queue", "list"});
  REQUIRE(list.code == 0);
  CHECK(list.j()["requests"].size() == 1);
}

TEST_CASE("union-kiosk: a wrong command line is one JSON shape and exit 2, whatever part of it is wrong") {
  TempDir dir;
  const std::string data = dir.file("data");
  auto usage = [&](const std::vector<std::string>& args, const std::string& detail) {
    std::vector<std::string> a = {"--data-dir", data, "--json"};
    a.insert(a.end(), args.begin(), args.end());
    const Proc p = kiosk_run(a);
    INFO("args " << json(args).dump() << " out " << p.out << " err " << p.err);
    CHECK(p.code == 2);
    const json j = json::parse(p.out, nullptr, false);
    REQUIRE(j.is_object());
    CHECK(j["ok"] == false);
    CHECK(j["error"] == "usage");
    CHECK(j["detail"].get<std::string>().find(detail) != std::string::npos);
    CHECK_FALSE(j["message"]["zh"].get<std::string>().empty());
    CHECK_FALSE(j["message"]["en"].get<std::string>().empty());
  };
  usage({"bogus"}, "bogus");                                 // no such command
  usage({"sync", "--once", "--timeout-ms", "5abc"}, "--timeout-ms 5abc");  // stoi threw here before
  usage({"sync", "--once", "--batch-items", "0"}, "--batch-items 0");
  usage({"sync", "frob"}, "frob");
  usage({"enroll", "--code", "x"}, "--hub");
  usage({"card", "verify", "--zzz"}, "--zzz");
  usage({"--lang", "en", "queue", "list"}, "--lang");       // a touch-UI option before a command
  usage({"--frobnicate"}, "--frobnicate");
  // Without --json the words go to stderr, in both languages.
  const Proc plain = kiosk_run({"--data-dir", data, "bogus"});
  CHECK(plain.code == 2);
  CHECK(plain.out.empty());
  CHECK(plain.err.find("没有“bogus”这个命令") != std::string::npos);
  CHECK(plain.err.find("There is no command \"bogus\"") != std::string::npos);
  // A touch-UI option with a bad value: refused before any window opens.
  const Proc lang = kiosk_run({"--data-dir", data, "--json", "--lang", "fr"});
  CHECK(lang.code == 2);
  CHECK(json::parse(lang.out, nullptr, false)["error"] == "bad_option");
}

TEST_CASE("union-kiosk: the touch UI with no screen to show on exits 3 and says so, never runs unseen") {
  TempDir dir;
  // No X display, no Wayland, no driver asked for: SDL would fall back to a
  // driver that draws nowhere; the kiosk refuses it, so that its supervisor
  // sees a failure instead of a kiosk no one can see.
  const Proc p = kiosk_run({"--data-dir", dir.file("data"), "--windowed", "800x600", "--exit-after-first-frame"},
                           {"DISPLAY=", "WAYLAND_DISPLAY=", "SDL_VIDEODRIVER="});
  INFO("err " << p.err);
  CHECK(p.code == 3);
  CHECK(p.err.find("无法打开显示屏") != std::string::npos);
  CHECK(p.err.find("Cannot open the display") != std::string::npos);
  CHECK(p.err.find("first frame") == std::string::npos);
}
