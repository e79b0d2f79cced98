// The hub's limits, in-process on loopback, each as an attacker or a broken
// client would meet it: a request that trickles past its deadline, bodies
// past 8 MiB however framed, encoded bodies, nesting 100,000 deep, strict
// query and heartbeat numbers, tickets counted in characters.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/base/clock.hpp"
#include "kiosk/domain/content.hpp"
#include "sync/client/transport.hpp"
#include "sync/hub/hub_server.hpp"
#include "sync/protocol/protocol.hpp"
#include "tests/sync/support/support.hpp"
#include "tests/sync/support/in_process_hub.hpp"
#include "tests/sync/support/raw_http.hpp"

using namespace kiosk;
using namespace kiosk::sync;
using namespace kiosk::synctest;
using nlohmann::json;

namespace {

std::string deep_arrays(int n) { return std::string(static_cast<size_t>(n), '[') + std::string(static_cast<size_t>(n), ']'); }

WireRequest item(const std::string& id, const std::string& ticket = "F-0001") {
  WireRequest w;
  w.id = id;
  w.ticket = ticket;
  w.service_id = "hardship";
  w.content_version = "v1";
  w.created_at_ms = unix_now_ms();
  // Answers the hub's form check accepts: what is under test is the envelope.
  w.answers = valid_answers("hardship", 1, w.created_at_ms);
  return w;
}

std::string uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "0190a3b4-0000-7000-8000-%012d", n);
  return buf;
}

}  // namespace

TEST_CASE("hub: a request trickling one header line at a time is cut at its deadline") {
  hub::HubOptions o;
  o.request_deadline_ms = 1500;  // MHD's idle timeout (30 s) never fires: a line comes every 200 ms
  o.idle_timeout_s = 30;
  InProcessHub h(o);
  int fd = connect_loopback(h.port());
  REQUIRE(fd >= 0);
  REQUIRE(send_all(fd, "GET /v1/health HTTP/1.1\r\nHost: hub\r\n"));
  bool cut = false;
  int lines = 0;
  // Bounded by count: 100 lines (20 s) would be far past the deadline.
  for (; lines < 100 && !cut; ++lines) {
    if (!send_all(fd, "X-Slow-" + std::to_string(lines) + ": 1\r\n")) cut = true;
    else cut = peer_closed(fd, 200);
  }
  close_fd(fd);
  MESSAGE("connection cut after " << lines << " header lines");
  CHECK(cut);
  CHECK(h.server->deadline_cuts() >= 1);
  // A request that arrives in time is served as ever.
  HubTransport t({h.url, "", true, ""}, {});
  CHECK(t.get(kPathHealth).kind == NetKind::Ok);
}

TEST_CASE("hub: bodies past 8 MiB are refused 413 whether chunked or with Content-Length") {
  InProcessHub h;
  // Content-Length past the limit: refused before a byte of the body is read.
  auto cl = raw_exchange(h.port(), "POST /v1/enroll HTTP/1.1\r\nHost: hub\r\nContent-Length: 9000000\r\n\r\n");
  CHECK(cl.status == 413);
  // Chunked: counted as it arrives.
  int fd = connect_loopback(h.port());
  REQUIRE(fd >= 0);
  REQUIRE(send_all(fd, "POST /v1/enroll HTTP/1.1\r\nHost: hub\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'a') + "\r\n";
  int64_t sent = 0;
  while (sent < 9 * (1 << 20) && send_all(fd, chunk)) sent += 0x10000;
  send_all(fd, "0\r\n\r\n");
  std::string reply = read_reply(fd, 5000);
  close_fd(fd);
  CHECK(reply_status(reply) == 413);
  CHECK(reply.find("\"too_large\"") != std::string::npos);
  // Just under the limit is read (and refused as the JSON it is not).
  HubTransport t({h.url, "", true, ""}, {});
  CHECK(t.post(kPathEnroll, std::string(static_cast<size_t>(kMaxBodyBytes) - 100, ' ')).status == 400);
}

TEST_CASE("hub: an encoded body is refused 415, never inflated") {
  InProcessHub h;
  auto r = raw_exchange(h.port(),
                        "POST /v1/enroll HTTP/1.1\r\nHost: hub\r\nContent-Encoding: gzip\r\n"
                        "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
  CHECK(r.status == 415);
  CHECK(r.reply.find("\"unsupported_encoding\"") != std::string::npos);
  auto ok = raw_exchange(h.port(),
                         "POST /v1/enroll HTTP/1.1\r\nHost: hub\r\nContent-Encoding: identity\r\n"
                         "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
  CHECK(ok.status == 400);  // read, and refused for what it says (no code)
}

TEST_CASE("hub: 100,000 nested arrays are refused 400 too_deep while parsing") {
  CHECK(parse_upload_batch("{\"requests\":" + deep_arrays(100000) + "}").error().kind == ErrorKind::TooDeep);
  CHECK(parse_enroll_request("{\"code\":" + deep_arrays(100000) + "}").error().kind == ErrorKind::TooDeep);
  CHECK(parse_heartbeat("{\"x\":" + deep_arrays(100000) + "}").error().kind == ErrorKind::TooDeep);
  CHECK(parse_status_page("{\"x\":" + deep_arrays(100000) + "}").error().kind == ErrorKind::TooDeep);
  CHECK(parse_upload_response("{\"x\":" + deep_arrays(100000) + "}").error().kind == ErrorKind::TooDeep);
  // Nesting that forms really use still passes.
  CHECK(parse_upload_batch("{\"requests\":[],\"x\":" + deep_arrays(20) + "}").ok());

  InProcessHub h;
  std::string token = h.enroll_token("深");
  HubTransport t({h.url, "", true, token}, {});
  std::string body = R"({"requests":[{"id":")" + uuid(1) +
                     R"(","ticket":"F-0001","service_id":"legal","created_at_ms":1,"answers":{"a":)" +
                     deep_arrays(100000) + "}}]}";
  auto r = t.post(kPathRequests, body);
  CHECK(r.status == 400);
  CHECK(parse_hub_error(r.body)->error == "too_deep");
  CHECK(HubTransport({h.url, "", true, ""}, {}).get(kPathHealth).kind == NetKind::Ok);
  CHECK(h.server->db().count_requests() == 0);
}

TEST_CASE("hub: /v1/status takes only a plain number 1-1000 as limit") {
  InProcessHub h;
  HubTransport t({h.url, "", true, h.enroll_token("a")}, {});
  const std::string base = std::string(kPathStatus) + "?cursor=&limit=";
  CHECK(t.get(base + "5").status == 200);
  CHECK(t.get(base + "1000").status == 200);
  for (const char* bad : {"5abc", "0", "1001", "-1", "%205", "5%20", "", "99999999999"}) {
    CAPTURE(bad);
    auto r = t.get(base + bad);
    CHECK(r.status == 400);
    CHECK(parse_hub_error(r.body)->error == "bad_field");
  }
}

TEST_CASE("heartbeat: counts out of range are refused, not stored as 0") {
  Heartbeat ok;
  ok.queue_depth = 12;
  CHECK(parse_heartbeat(to_json(ok))->queue_depth == 12);
  CHECK(parse_heartbeat(R"({"queue_depth": 1099511627776})").error().field == "queue_depth");
  CHECK(parse_heartbeat(R"({"queue_depth": -1})").error().field == "queue_depth");
  CHECK(parse_heartbeat(R"({"quarantined": 4294967296})").error().field == "quarantined");
  CHECK(parse_heartbeat(R"({"queue_depth": 2147483647})")->queue_depth == 2147483647);
  // The error code is cut in characters, never inside one.
  std::string err;
  for (int i = 0; i < 70; ++i) err += "错";
  auto h = parse_heartbeat(json{{"last_sync_error", err}}.dump());
  REQUIRE(h.ok());
  CHECK(h->last_sync_error.size() == 64 * 3);

  InProcessHub hub;
  HubTransport t({hub.url, "", true, hub.enroll_token("b")}, {});
  auto r = t.post(kPathHeartbeat, R"({"queue_depth": 1099511627776})");
  CHECK(r.status == 400);
  CHECK(parse_hub_error(r.body)->error == "bad_field");
  CHECK(t.post(kPathHeartbeat, to_json(ok)).status == 200);
}

TEST_CASE("tickets are limited in characters, not bytes") {
  std::string zh20;  // 20 characters, 60 bytes
  for (int i = 0; i < 20; ++i) zh20 += "号";
  std::string zh33;
  for (int i = 0; i < 33; ++i) zh33 += "号";
  CHECK(is_valid_ticket("F-0001"));
  CHECK(is_valid_ticket(zh20));
  CHECK(is_valid_ticket(std::string(32, 'A')));
  CHECK_FALSE(is_valid_ticket(std::string(33, 'A')));
  CHECK_FALSE(is_valid_ticket(zh33));
  CHECK_FALSE(is_valid_ticket(""));
  CHECK_FALSE(is_valid_ticket("F-\n0001"));
  CHECK_FALSE(is_valid_ticket("\xff\xfe"));

  InProcessHub h;
  HubTransport t({h.url, "", true, h.enroll_token("c")}, {});
  UploadBatch b;
  b.requests = {item(uuid(1), zh20), item(uuid(2), zh33)};
  auto r = parse_upload_response(t.post(kPathRequests, to_json(b)).body);
  REQUIRE(r.ok());
  REQUIRE(r->results.size() == 2);
  CHECK(r->results[0].result == ItemResult::Accepted);
  CHECK(r->results[1].result == ItemResult::Rejected);
  CHECK(r->results[1].reason == "invalid");
}

TEST_CASE("content: a bundle file nested 100,000 deep is a problem, not a crash") {
  ContentFiles files;
  files["manifest.json"] = "{\"version\":" + deep_arrays(100000) + "}";
  ContentLoad c = load_content(files);
  CHECK_FALSE(c.bundle);
  REQUIRE_FALSE(c.problems.empty());
  CHECK(c.problems.front().file == "manifest.json");
  CHECK(c.problems.front().message == "nested too deep");
}

TEST_CASE("hub: bodies held at once share one budget, past it 503 busy with Retry-After") {
  InProcessHub h;
  // Seven bodies of 8,000,000 bytes held open together: 56 MB against the
  // 48 MiB budget, so at least one must be refused, and none may crash it.
  const int n = 7;
  const size_t len = 8000000, first = len - 100000;
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) {
    int fd = connect_loopback(h.port(), 10000);
    REQUIRE(fd >= 0);
    REQUIRE(send_all(fd, "POST /v1/enroll HTTP/1.1\r\nHost: hub\r\nConnection: close\r\nContent-Length: " + std::to_string(len) +
                             "\r\n\r\n" + std::string(first, ' ')));
    fds.push_back(fd);
  }
  int busy = 0, read_whole = 0;
  for (int fd : fds) {
    REQUIRE(send_all(fd, std::string(len - first, ' ')));
    std::string reply = read_reply(fd, 10000);
    close_fd(fd);
    const int st = reply_status(reply);
    if (st == 503 && reply.find("\"busy\"") != std::string::npos &&
        reply.find("Retry-After: 5") != std::string::npos)
      ++busy;
    if (st == 400) ++read_whole;  // read, and refused as the JSON it is not
  }
  MESSAGE(busy << " refused busy, " << read_whole << " read whole");
  CHECK(busy >= 1);
  CHECK(busy + read_whole == n);
  // The budget is given back: one more body is read whole.
  auto again = raw_exchange(h.port(), "POST /v1/enroll HTTP/1.1\r\nHost: hub\r\nContent-Length: 2\r\n"
                                      "Connection: close\r\n\r\n{}");
  CHECK(again.status == 400);
}
