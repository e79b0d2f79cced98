// The real union-hub process on loopback: its admin commands (one parser,
// the project's exit codes and JSON error shape, kiosk-supplied text escaped
// on the admin's terminal) and the limits as a kiosk meets them over HTTP
// (429 with Retry-After, the real kiosk keeping its queue).
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "kiosk/base/clock.hpp"
#include "sync/client/transport.hpp"
#include "sync/hub/hub_db.hpp"
#include "sync/protocol/protocol.hpp"
#include "tests/sync/support/support.hpp"

using namespace kiosk;
using namespace kiosk::sync;
using namespace kiosk::synctest;
using nlohmann::json;

namespace {

RunResult hub_cli(const std::string& dir, std::vector<std::string> args) {
  std::vector<std::string> argv = {hub_binary(), "--data-dir", dir};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

std::string token_for(HubProcess& hub, const std::string& name) {
  const std::string code = hub.add_kiosk(name);
  HubTransport t({hub.url(), "", true, ""}, {});
  auto r = t.post(kPathEnroll, to_json(EnrollRequest{code, "test"}));
  REQUIRE(r.status == 200);
  return parse_enroll_response(r.body)->token;
}

WireRequest wire(int n, const std::string& ticket = "") {
  WireRequest w;
  char id[40];
  std::snprintf(id, sizeof id, "0190a3b4-0000-7000-8000-%012d", n);
  w.id = id;
  w.ticket = ticket.empty() ? "F-" + std::to_string(1000 + n) : ticket;
  w.service_id = "hardship";
  w.content_version = "v1";
  w.created_at_ms = unix_now_ms();
  w.answers = valid_answers("hardship", n, w.created_at_ms);
  return w;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool has_control(const std::string& s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
  return false;
}

}  // namespace

TEST_CASE("union-hub cli: kiosk-supplied text reaches `kiosk list` and `request list/show` escaped") {
  TempDir d;
  HubProcess hub(d.path);
  hub.start();
  const std::string token = token_for(hub, "大厅 1号机");
  HubTransport t({hub.url(), "", true, token}, {});
  UploadBatch b;
  // A ticket with control characters is refused at the door (is_valid_ticket);
  // the one that follows is stored, and what the admin sees of it is checked.
  b.requests = {wire(2, "\x1b]0;owned\x07\x1b[2J"), wire(1)};
  auto up = t.post(kPathRequests, to_json(b));
  REQUIRE(up.status == 200);
  auto outcome = parse_upload_response(up.body);
  REQUIRE(outcome.ok());
  CHECK(outcome->results[0].result == ItemResult::Rejected);
  CHECK(outcome->results[0].reason == "invalid");
  REQUIRE(outcome->results[1].result == ItemResult::Accepted);
  // A heartbeat stored before heartbeats were bounded (or by an older hub).
  {
    auto db = hub::HubDb::open(d.path + "/hub.db");
    REQUIRE(db.ok());
    REQUIRE((*db)->record_heartbeat(1, R"({"app_version":"\u001b[31mred","last_sync_error":"a\nunion-hub: forged"})", 1).ok());
  }
  REQUIRE(hub_cli(d.path, {"kiosk", "add", "--name", "evil\x1b[5m\x7f"}).code == 0);
  // A name that would show reversed on the admin's terminal (U+202E).
  REQUIRE(hub_cli(d.path, {"kiosk", "add", "--name", "hall\xE2\x80\xAE" "exe.txt"}).code == 0);

  RunResult kl = hub_cli(d.path, {"kiosk", "list"});
  CHECK(kl.code == 0);
  CHECK(!has_control(kl.out));
  CHECK(kl.out.find("\\x1b[31mred") != std::string::npos);
  CHECK(kl.out.find("a\\x0aunion-hub: forged") != std::string::npos);
  CHECK(kl.out.find("evil\\x1b[5m\\x7f") != std::string::npos);
  CHECK(kl.out.find("hall\\u202eexe.txt") != std::string::npos);
  CHECK(kl.out.find("\xE2\x80\xAE") == std::string::npos);

  RunResult rl = hub_cli(d.path, {"request", "list"});
  CHECK(rl.code == 0);
  CHECK(!has_control(rl.out));
  CHECK(rl.out.find("owned") == std::string::npos);

  for (auto args : {std::vector<std::string>{"request", "show", "0190a3b4-0000-7000-8000-000000000001"},
                    std::vector<std::string>{"--json", "request", "list"},
                    std::vector<std::string>{"--json", "kiosk", "list"}}) {
    RunResult r = hub_cli(d.path, args);
    CHECK(r.code == 0);
    CHECK(!has_control(r.out));
    CHECK(!json::parse(r.out, nullptr, false).is_discarded());
  }
}

TEST_CASE("union-hub cli: one parser, the project's exit codes and one JSON error shape") {
  TempDir d;
  CHECK(hub_cli(d.path, {"kiosk", "list", "--bogus"}).code == 2);
  CHECK(hub_cli(d.path, {"request", "list", "--limit", "5abc"}).code == 2);
  CHECK(hub_cli(d.path, {"kiosk", "add", "--name", "x", "--valid-hours", "-3"}).code == 2);
  CHECK(hub_cli(d.path, {"kiosk", "revoke", "1x"}).code == 2);
  CHECK(hub_cli(d.path, {"serve", "--port", "70000", "--allow-plain-http"}).code == 2);
  CHECK(hub_cli(d.path, {"serve", "--quota-requests", "0", "--allow-plain-http"}).code == 2);
  CHECK(hub_cli(d.path, {"frobnicate"}).code == 2);
  CHECK(run({hub_binary()}).code == 2);
  RunResult e = hub_cli(d.path, {"--json", "request", "list", "--limit", "5abc"});
  CHECK(e.code == 2);
  json j = json::parse(e.out, nullptr, false);
  REQUIRE(j.is_object());
  CHECK(j["ok"] == false);
  CHECK(j["error"] == "usage");
  CHECK(j["message"]["zh"].get<std::string>().size() > 0);
  CHECK(j["message"]["en"].get<std::string>().size() > 0);
  RunResult nf = hub_cli(d.path, {"--json", "request", "show", "nope"});
  CHECK(nf.code == 1);
  CHECK(json::parse(nf.out, nullptr, false)["error"] == "not_found");
  CHECK(hub_cli(d.path, {"kiosk", "revoke", "99"}).code == 1);
  RunResult help = run({hub_binary(), "--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("Exit codes") != std::string::npos);
  CHECK(help.out.find("--quota-requests") != std::string::npos);
  // A data dir that is not a database cannot work: 3.
  { std::ofstream(d.path + "/hub.db") << "not sqlite at all, not sqlite at all, not sqlite at all"; }
  CHECK(hub_cli(d.path, {"kiosk", "list"}).code == 3);
  // A data dir that cannot be made is the install's fault, not the line's: 3, said in words.
  RunResult nodir = run({hub_binary(), "--json", "kiosk", "list", "--data-dir", d.path + "/hub.db/below"});
  CHECK(nodir.code == 3);
  json nd = json::parse(nodir.out, nullptr, false);
  REQUIRE(nd.is_object());
  CHECK(nd["error"] == "io");
  CHECK(nd["field"] == "--data-dir");
  CHECK(nd["message"]["zh"].get<std::string>().find("无法创建数据目录") != std::string::npos);
  // No command at all: the same JSON shape under --json.
  RunResult none = run({hub_binary(), "--json"});
  CHECK(none.code == 2);
  CHECK(json::parse(none.out, nullptr, false)["error"] == "usage");
}

TEST_CASE("union-hub: over its quota a kiosk gets 429 with Retry-After, keeps its queue and delivers later") {
  TempDir hub_dir, kiosk_dir;
  HubProcess hub(hub_dir.path, 0, {"--quota-requests", "2"});
  hub.start();
  const std::string token = token_for(hub, "Q");
  HubTransport t({hub.url(), "", true, token}, {});
  UploadBatch b;
  b.requests = {wire(1), wire(2), wire(3)};
  auto r = t.post(kPathRequests, to_json(b));
  CHECK(r.status == 429);  // more than an hour's worth: smaller batches, please
  CHECK(r.kind == NetKind::Transient);
  CHECK(r.retry_after_s >= 1);
  CHECK(parse_hub_error(r.body)->error == "quota_exceeded");
  b.requests = {wire(1), wire(2)};
  CHECK(t.post(kPathRequests, to_json(b)).status == 200);
  CHECK(t.post(kPathRequests, to_json(b)).status == 200);  // duplicates are free
  b.requests = {wire(3)};
  auto full = t.post(kPathRequests, to_json(b));
  CHECK(full.status == 429);
  CHECK(full.retry_after_s > 3000);  // the hour is still ahead

  // The real kiosk: 429 is "retry later" (exit 4), and nothing leaves its queue.
  enroll(kiosk_dir.path, hub, hub.url());
  auto ids = queue_requests(kiosk_dir.path, 3, "hardship");
  std::vector<int> codes;
  RunResult once = run_kiosk(kiosk_dir.path, fast_sync_args());
  CHECK(once.code == 4);
  KioskView v = kiosk_view(kiosk_dir.path);
  CHECK(v.queued == 3);
  CHECK(v.quarantined == 0);
  CHECK(v.delivered == 0);
  // Restarted with room (an hour later, as far as the quota is concerned).
  hub.stop();
  HubProcess roomy(hub_dir.path, hub.port(), {});
  roomy.start();
  CHECK(sync_until_ok(kiosk_dir.path, 3) >= 1);
  CHECK(kiosk_view(kiosk_dir.path).delivered == 3);
}

TEST_CASE("union-hub: heartbeats are bounded, enrollment guessing is limited and logged once") {
  TempDir d;
  HubProcess hub(d.path);
  hub.start();
  const std::string token = token_for(hub, "H");
  HubTransport t({hub.url(), "", true, token}, {});
  const std::string huge(7u << 20, 'a');
  auto big = t.post(kPathHeartbeat, R"({"last_sync_error":")" + huge + "\"}");
  CHECK(big.status == 400);
  CHECK(t.post(kPathHeartbeat, R"({"queue_depth":1099511627776})").status == 400);
  CHECK(t.post(kPathHeartbeat, R"({"secret":"x"})").status == 400);
  CHECK(t.post(kPathHeartbeat, R"({"queue_depth":2,"app_version":"0.1.0"})").status == 200);
  CHECK(read_file(d.path + "/hub.db").find(huge.substr(0, 4096)) == std::string::npos);
  CHECK(read_file(d.path + "/hub.db-wal").find(huge.substr(0, 4096)) == std::string::npos);

  // A kiosk revoked before it enrolled: 403 revoked.
  std::string revoked_id;
  const std::string code = hub.add_kiosk("lost", &revoked_id);
  REQUIRE(hub.revoke(revoked_id) == 0);
  HubTransport anon({hub.url(), "", true, ""}, {});
  auto rv = anon.post(kPathEnroll, to_json(EnrollRequest{code, "t"}));
  CHECK(rv.status == 403);
  CHECK(parse_hub_error(rv.body)->error == "revoked");

  // Guessing from one address: a burst, then 429 with Retry-After.
  int refused = 0, limited = 0;
  for (int i = 0; i < 200; ++i) {
    auto g = anon.post(kPathEnroll, to_json(EnrollRequest{"ZZZZZ-ZZZZ" + std::to_string(i % 10), "t"}));
    if (g.status == 401) ++refused;
    if (g.status == 429) {
      ++limited;
      CHECK(g.retry_after_s >= 1);
    }
  }
  CHECK(refused <= 10);
  CHECK(limited >= 189);
  hub.stop();
  const std::string log = read_file(d.path + "/hub.log");
  size_t lines = 0;
  for (size_t at = log.find("enroll attempts limited"); at != std::string::npos;
       at = log.find("enroll attempts limited", at + 1))
    ++lines;
  CHECK(lines == 1);
}
