// The core commands (submit, queue, content check), called as union-kiosk
// calls them, on a temporary data directory and the embedded content.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "kiosk/install/active_content.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/store/submit.hpp"
#include "tests/kiosk/store/testkit.hpp"

using namespace kiosk;
using namespace kiosk::test;
using nlohmann::json;

namespace {

struct Run {
  int code = -1;
  std::string out, err;
  json j() const { return json::parse(out); }
};

Run run(const std::string& data_dir, std::vector<std::string> args, bool as_json = false) {
  cli::CommandTable table;
  cli::register_core_commands(table);
  cli::register_content_commands(table);
  const cli::Command* c = table.find(args.at(0));
  REQUIRE(c);
  std::ostringstream o, e;
  cli::CliEnv env;
  env.data_dir = data_dir;
  env.json = as_json;
  env.args.assign(args.begin() + 1, args.end());
  env.out = &o;
  env.err = &e;
  Run r;
  r.code = c->run(env);
  r.out = o.str();
  r.err = e.str();
  return r;
}

const json kHardship = {{"name", "王小明"},
                        {"id_number", "11010519491231002X"},
                        {"phone", "13812345678"},
                        {"employer", "长春第一汽车制造厂"},
                        {"kind", "illness"},
                        {"household_size", 3},
                        {"income_per_head", 800},
                        {"description", "家人患重病，医疗费用负担很重，生活困难。"},
                        {"sensitive_consent", true},
                        {"consent", true}};

json legal(const std::string& slot) {
  return {{"slot", slot},
          {"category", "wage_arrears"},
          {"employer", "长春某建筑公司"},
          {"description", "公司拖欠三个月工资共一万二千元，多次催要未果。"},
          {"arbitration_filed", "no"},
          {"name", "李建国"},
          {"phone", "+86 139 1234 5678"},
          {"consent", true}};
}

std::string answers_file(const TempDir& d, const std::string& name, const json& j) {
  write_file(d.file(name), j.dump());
  return d.file(name);
}

}  // namespace

TEST_CASE("submit: valid answers are queued and the ticket printed in both languages") {
  TempDir dir;
  const auto data = dir.file("data");
  auto r = run(data, {"submit", "--service", "hardship", "--answers", answers_file(dir, "a.json", kHardship),
                      "--today", "2026-11-22"});
  CAPTURE(r.out);
  CAPTURE(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("K-0001") != std::string::npos);
  CHECK(r.out.find("申请已受理") != std::string::npos);
  CHECK(r.out.find("Request received") != std::string::npos);

  auto j = run(data, {"submit", "--service=hardship", "--answers=" + dir.file("a.json"), "--today=2026-11-22"}, true);
  REQUIRE(j.code == 0);
  CHECK(j.j()["ok"] == true);
  CHECK(j.j()["ticket"] == "K-0002");
  CHECK(j.j()["state"] == "queued");
  CHECK(j.j()["content_source"] == "embedded");
  CHECK(j.j()["id"].get<std::string>().size() == 36);
  CHECK_FALSE(j.j().contains("answers"));

  // Stored as normalised by the form engine, in the data dir's requests.db.
  CHECK(sql_int(data + "/requests.db", "SELECT count(*) FROM requests") == 2);
}

TEST_CASE("submit: every validation error is printed, exit 1, nothing stored") {
  TempDir dir;
  const auto data = dir.file("data");
  json bad = kHardship;
  bad["id_number"] = "110105194912310021";  // wrong check character
  bad["phone"] = "12345";
  bad.erase("consent");
  auto r = run(data, {"submit", "--service", "hardship", "--answers", answers_file(dir, "bad.json", bad),
                      "--today", "2026-11-22"},
               true);
  CAPTURE(r.out);
  REQUIRE(r.code == 1);
  auto j = r.j();
  CHECK(j["ok"] == false);
  std::set<std::string> fields;
  for (const auto& e : j["errors"]) {
    fields.insert(e["field"].get<std::string>());
    CHECK_FALSE(e["zh"].get<std::string>().empty());
    CHECK_FALSE(e["en"].get<std::string>().empty());
  }
  CHECK(fields.count("id_number"));
  CHECK(fields.count("phone"));
  CHECK(fields.count("consent"));
  auto human = run(data, {"submit", "--service", "hardship", "--answers", dir.file("bad.json"), "--today",
                          "2026-11-22"});
  CHECK(human.code == 1);
  CHECK(human.out.find(tr("cli.core.not_submitted").zh) != std::string::npos);
  CHECK(human.out.find("id_number") != std::string::npos);
  // Nothing stored: the queue is empty.
  auto list = run(data, {"queue", "list"}, true);
  REQUIRE(list.code == 0);
  CHECK(list.j()["requests"].empty());
}

TEST_CASE("submit: the last places of a slot, then slot_full") {
  TempDir dir;
  const auto data = dir.file("data");
  const auto f = answers_file(dir, "legal.json", legal("S-20261201-PM"));  // capacity 4, booked 0
  for (int i = 1; i <= 4; ++i) {
    auto r = run(data, {"submit", "--service", "legal", "--answers", f, "--today", "2026-11-22"}, true);
    REQUIRE_MESSAGE(r.code == 0, r.out);
    CHECK(r.j()["ticket"] == "F-000" + std::to_string(i));
  }
  auto full = run(data, {"submit", "--service", "legal", "--answers", f, "--today", "2026-11-22"}, true);
  CHECK(full.code == 1);
  CHECK(full.j()["errors"][0]["field"] == "slot");
  CHECK(full.j()["errors"][0]["code"] == "slot_full");
}

TEST_CASE("submit: usage errors say what is missing, exit 2") {
  TempDir dir;
  auto r = run(dir.path(), {"submit", "--service", "legal"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--answers") != std::string::npos);
  CHECK(run(dir.path(), {"submit", "--answers", "x.json"}).code == 2);
  CHECK(run(dir.path(), {"submit", "--service", "legal", "--answers", dir.file("none.json")}).code == 2);
  write_file(dir.file("arr.json"), "[1,2]");
  CHECK(run(dir.path(), {"submit", "--service", "legal", "--answers", dir.file("arr.json")}).code == 2);
  CHECK(run(dir.path(), {"submit", "--bogus"}).code == 2);
  auto unknown = run(dir.path(), {"submit", "--service", "nope", "--answers", answers_file(dir, "a.json", kHardship)},
                     true);
  // A service that is not in the content is a usage error that lists the
  // services there are, not a store or content failure.
  CHECK(unknown.code == 2);
  CHECK(unknown.j()["error"] == "usage");
  const std::string said = unknown.out + unknown.err;
  for (const char* id : {"legal", "hardship", "mixer", "childcare"}) CHECK(said.find(id) != std::string::npos);
  auto human = run(dir.path(), {"submit", "--service", "parking", "--answers", dir.file("a.json")});
  CHECK(human.code == 2);
  CHECK(human.err.find("parking") != std::string::npos);
  CHECK(human.err.find("legal, hardship, mixer, childcare") != std::string::npos);
  // Answers nested past the parser's limit are refused while parsing.
  write_file(dir.file("deep.json"), "{\"name\":" + std::string(100000, '[') + std::string(100000, ']') + "}");
  CHECK(run(dir.path(), {"submit", "--service", "hardship", "--answers", dir.file("deep.json")}).code == 2);
}

TEST_CASE("submit: a key that is not a question of the service is refused, not dropped") {
  TempDir dir;
  const auto data = dir.file("data");
  json extra = kHardship;
  extra["favourite_colour"] = "blue";
  auto r = run(data, {"submit", "--service", "hardship", "--answers", answers_file(dir, "x.json", extra),
                      "--today", "2026-11-22"}, true);
  CAPTURE(r.out);
  CHECK(r.code == 1);
  REQUIRE(r.j()["errors"].size() == 1);
  CHECK(r.j()["errors"][0]["field"] == "favourite_colour");
  CHECK(r.j()["errors"][0]["code"] == "unknown_field");
  CHECK(r.j()["errors"][0]["zh"].get<std::string>().find("favourite_colour") != std::string::npos);
  // A key that is not a plain identifier is not echoed back.
  json odd = kHardship;
  odd["\x1b[31mred"] = 1;
  auto o = run(data, {"submit", "--service", "hardship", "--answers", answers_file(dir, "o.json", odd),
                      "--today", "2026-11-22"}, true);
  CHECK(o.code == 1);
  CHECK(o.j()["errors"][0]["field"] == "");
  CHECK(o.out.find("\x1b") == std::string::npos);
  auto stats = run(data, {"queue", "list"}, true);
  CHECK(stats.j()["requests"].empty());
}

TEST_CASE("queue list / show / stats") {
  TempDir dir;
  const auto data = dir.file("data");
  auto empty = run(data, {"queue", "list"});
  CHECK(empty.code == 0);
  CHECK(empty.out.find(tr("cli.core.queue_empty").en) != std::string::npos);
  const auto f = answers_file(dir, "a.json", kHardship);
  auto s1 = run(data, {"submit", "--service", "hardship", "--answers", f, "--today", "2026-11-22"}, true);
  auto s2 = run(data, {"submit", "--service", "hardship", "--answers", f, "--today", "2026-11-22"}, true);
  REQUIRE(s2.code == 0);

  auto list = run(data, {"queue", "list"}, true);
  REQUIRE(list.code == 0);
  REQUIRE(list.j()["requests"].size() == 2);
  CHECK(list.j()["requests"][0]["ticket"] == "K-0002");
  CHECK_FALSE(list.j()["requests"][0].contains("answers"));
  CHECK(list.out.find("王小明") == std::string::npos);
  CHECK(run(data, {"queue", "list", "--state", "delivered"}, true).j()["requests"].empty());
  CHECK(run(data, {"queue", "list", "--state", "lost"}).code == 2);
  auto human = run(data, {"queue", "list", "--state=queued"});
  CHECK(human.out.find("K-0001") != std::string::npos);
  CHECK(human.out.find("queued") != std::string::npos);

  auto show = run(data, {"queue", "show", "k-0001"}, true);
  REQUIRE(show.code == 0);
  CHECK(show.j()["id"] == s1.j()["id"]);
  CHECK(show.j()["has_answers"] == true);
  CHECK_FALSE(show.j().contains("answers"));
  auto by_id = run(data, {"queue", "show", s1.j()["id"].get<std::string>(), "--with-answers"}, true);
  // Sealed for the hub: even on request the kiosk shows no answer.
  CHECK_FALSE(by_id.j().contains("answers"));
  CHECK(by_id.j()["answers_sealed"]["en"] == "sealed for the hub");
  CHECK(by_id.out.find("王小明") == std::string::npos);
  auto text_with = run(data, {"queue", "show", "K-0001", "--with-answers"});
  CHECK(text_with.out.find("sealed for the hub") != std::string::npos);
  CHECK(text_with.out.find("王小明") == std::string::npos);
  auto text = run(data, {"queue", "show", "K-0002"});
  CHECK(text.out.find("ticket:          K-0002") != std::string::npos);
  CHECK(text.out.find("王小明") == std::string::npos);
  auto missing = run(data, {"queue", "show", "K-0999"}, true);
  CHECK(missing.code == 1);
  CHECK(missing.j()["error"] == "not_found");
  auto stats = run(data, {"queue", "stats"}, true);
  CHECK(stats.j()["queued"] == 2);

  // Retention from config.json: 0 days, so a delivered request loses its answers now.
  write_file(data + "/config.json", R"({"retention_days": 0})");
  {
    auto st = RequestStore::open(data + "/requests.db");
    REQUIRE(st.ok());
    REQUIRE((*st)->mark_delivered({s1.j()["id"].get<std::string>()}, unix_now_ms() - 1000).ok());
  }
  auto purge = run(data, {"queue", "purge"}, true);
  CAPTURE(purge.out);
  REQUIRE(purge.code == 0);
  CHECK(purge.j()["purged"].get<int>() <= 1);  // the delivery itself may have purged it already
  auto after = run(data, {"queue", "show", "K-0001"}, true);
  CHECK(after.j()["has_answers"] == false);
  CHECK(after.j()["state"] == "delivered");
  CHECK(run(data, {"queue", "show", "K-0002"}, true).j()["has_answers"] == true);
  write_file(data + "/config.json", R"({"retention_days": "zero"})");
  auto badcfg = run(data, {"queue", "list"}, true);
  CHECK(badcfg.code == 3);
  CHECK(badcfg.j()["field"] == "retention_days");
}

TEST_CASE("queue on a damaged database: says so, exit 3, file kept") {
  TempDir dir;
  write_file(dir.file("requests.db"), std::string(8192, 'Z'));
  auto r = run(dir.path(), {"queue", "list"});
  CHECK(r.code == 3);
  CHECK(r.err.find(tr("store.damaged").zh) != std::string::npos);
  CHECK(r.err.find(tr("store.damaged").en) != std::string::npos);
  CHECK(read_file(dir.file("requests.db")) == std::string(8192, 'Z'));
  auto s = run(dir.path(), {"submit", "--service", "hardship", "--answers", answers_file(dir, "a.json", kHardship)},
               true);
  CHECK(s.code == 3);
  CHECK(s.j()["error"] == "store_damaged");
}

TEST_CASE("content check: the embedded-style bundle is clean, a broken one lists every problem") {
  TempDir dir;
  auto ok = run(dir.path(), {"content", "check", std::string(KIOSK_SOURCE_DIR) + "/assets/content"}, true);
  CAPTURE(ok.out);
  CHECK(ok.code == 0);
  CHECK(ok.j()["ok"] == true);
  // Break it twice: a field of an unknown type, a slot without capacity.
  const auto bad = dir.file("bad");
  std::filesystem::copy(std::string(KIOSK_SOURCE_DIR) + "/assets/content", bad);
  json services = json::parse(read_file(bad + "/services.json"));
  services["services"][0]["fields"][0]["type"] = "colour";
  write_file(bad + "/services.json", services.dump());
  json slots = json::parse(read_file(bad + "/slots.json"));
  slots["slots"][0].erase("capacity");
  write_file(bad + "/slots.json", slots.dump());
  auto r = run(dir.path(), {"content", "check", bad}, true);
  CAPTURE(r.out);
  CHECK(r.code == 1);
  auto j = r.j();
  CHECK(j["ok"] == false);
  bool saw_services = false, saw_slots = false;
  for (const auto& p : j["problems"]) {
    saw_services = saw_services || p["file"] == "services.json";
    saw_slots = saw_slots || p["file"] == "slots.json";
    CHECK_FALSE(p["path"].get<std::string>().empty());
  }
  CHECK(saw_services);
  CHECK(saw_slots);
  auto human = run(dir.path(), {"content", "check", bad});
  CHECK(human.code == 1);
  CHECK(human.out.find("services.json") != std::string::npos);
  CHECK(human.out.find("slots.json") != std::string::npos);
  CHECK(run(dir.path(), {"content", "check"}).code == 2);
  CHECK(run(dir.path(), {"content", "check", dir.file("nowhere")}).code == 1);
}

TEST_CASE("active content: a clean pushed bundle is used, a bad one is reported and not used") {
  TempDir dir;
  DataDir dd{dir.path()};
  auto none = load_active_content(dd);
  REQUIRE(none.ok());
  CHECK(none->source == "embedded");
  CHECK(none->rejected.empty());

  std::filesystem::copy(std::string(KIOSK_SOURCE_DIR) + "/assets/content", dd.content_dir());
  json manifest = json::parse(read_file(dd.content_dir() + "/manifest.json"));
  manifest["version"] = "2026.12.01-1";
  write_file(dd.content_dir() + "/manifest.json", manifest.dump());
  auto pushed = load_active_content(dd);
  REQUIRE(pushed.ok());
  CHECK(pushed->source == "data-dir");
  CHECK(pushed->bundle.version == "2026.12.01-1");

  write_file(dd.content_dir() + "/services.json", "{ not json");
  auto bad = load_active_content(dd);
  REQUIRE(bad.ok());
  CHECK(bad->source == "embedded");
  CHECK_FALSE(bad->rejected.empty());
  CHECK(bad->bundle.version != "2026.12.01-1");
  // The submit goes on with the embedded content, and says which.
  auto r = run(dir.path(), {"submit", "--service", "hardship", "--answers", answers_file(dir, "a.json", kHardship),
                            "--today", "2026-11-22"});
  CHECK(r.code == 0);
  CHECK(r.err.find(tr("submit.content_rejected").en) != std::string::npos);
}

TEST_CASE("content show: a day years ahead lists the slots the rules make, with this kiosk's bookings taken off") {
  TempDir dir;
  const auto data = dir.file("data");
  // 2029-03-06 is a Tuesday, three years past the built-in content's dates.
  const auto f = answers_file(dir, "legal.json", legal("S-20290306-AM"));
  for (int i = 0; i < 2; ++i) {
    auto r = run(data, {"submit", "--service", "legal", "--answers", f, "--today", "2029-03-01"}, true);
    REQUIRE_MESSAGE(r.code == 0, r.out);
  }
  auto r = run(data, {"content", "show", "--today", "2029-03-01"}, true);
  REQUIRE_MESSAGE(r.code == 0, r.out);
  const json j = r.j();
  CHECK(j["day"] == "2029-03-01");
  CHECK(j["source"] == "embedded");
  std::map<std::string, json> legal_offers, mixer_offers, classes;
  for (const auto& s : j["services"])
    for (const auto& o : s["offers"]) {
      if (s["id"] == "legal") legal_offers[o["id"]] = o;
      if (s["id"] == "mixer") mixer_offers[o["id"]] = o;
      if (s["id"] == "childcare") classes[o["id"]] = o;
    }
  // Tuesdays and Thursdays, four weeks ahead: 2029-03-01 (Thu) to 03-27 (Tue).
  CHECK(legal_offers.size() == 16);
  REQUIRE(legal_offers.count("S-20290306-AM"));
  CHECK(legal_offers["S-20290306-AM"]["places_left"] == 4);
  CHECK(legal_offers["S-20290306-AM"]["capacity"] == 6);
  CHECK(legal_offers["S-20290306-AM"]["from_rule"] == true);
  CHECK(legal_offers["S-20290306-PM"]["places_left"] == 4);
  CHECK(mixer_offers.count("M-202903"));
  CHECK(mixer_offers["M-202903"]["date"] == "2029-03-31");
  CHECK(mixer_offers["M-202903"]["places_left_by_gender"]["f"] == 75);
  // Summer 2029: its classes are listed with the day signup opens.
  REQUIRE(classes.count("C-2029S-A"));
  CHECK(classes["C-2029S-A"]["signup_opens"] == "2029-06-05");  // 41 days before Monday 07-16

  auto text = run(data, {"content", "show", "--today", "2029-03-01"});
  CHECK(text.code == 0);
  CHECK(text.out.find("S-20290306-AM  2029-03-06  09:00-11:30  律师 王磊  剩余 4/6") != std::string::npos);

  auto bad = run(data, {"content", "show", "--today", "2029-02-30"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("2029-02-30") != std::string::npos);

  auto status = run(data, {"content", "status"}, true);
  CHECK(status.code == 0);
  CHECK(status.j()["source"] == "embedded");
  CHECK(status.j()["rules"]["slots"] == 4);
}
