// union-hub in-process on loopback, driven through the kiosk's own curl
// transport: status codes, idempotency, conflicts, limits, tokens.
#include <doctest/doctest.h>

#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "kiosk/base/clock.hpp"
#include "kiosk/base/hash.hpp"
#include "tests/sync/support/in_process_hub.hpp"
#include "tests/sync/support/support.hpp"
#include "sync/client/transport.hpp"
#include "sync/hub/hub_server.hpp"
#include "sync/protocol/protocol.hpp"

using namespace kiosk;
using namespace kiosk::sync;
using nlohmann::json;

namespace {

using synctest::InProcessHub;

WireRequest item(const std::string& id, const std::string& service = "legal", const std::string& note = "x") {
  WireRequest w;
  w.id = id;
  w.ticket = "F-0001";
  w.service_id = service;
  w.content_version = "v1";
  w.created_at_ms = 1764000000000;
  // Answers the form check accepts; `note` changes the body (a conflict)
  // or makes it large.
  w.answers = synctest::valid_answers(service == "hardship" ? service : "legal", 0, w.created_at_ms);
  if (note != "x") w.answers["description"] = w.answers["description"].get<std::string>() + note;
  return w;
}

std::string uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "0190a3b4-0000-7000-8000-%012d", n);
  return buf;
}

}  // namespace

TEST_CASE("protocol: bodies round-trip and malformed ones are errors, never exceptions") {
  UploadBatch b;
  b.kiosk_time_ms = 5;
  b.requests = {item(uuid(1)), item(uuid(2), "hardship")};
  auto p = parse_upload_batch(to_json(b));
  REQUIRE(p.ok());
  CHECK(p->requests.size() == 2);
  CHECK(p->requests[1].service_id == "hardship");
  CHECK(to_json(p->requests[0]) == to_json(b.requests[0]));
  CHECK(parse_upload_batch("<html>").error().kind == ErrorKind::BadJson);
  CHECK(parse_upload_batch("[1,2]").error().kind == ErrorKind::BadJson);
  CHECK(parse_upload_batch(R"({"requests": 3})").error().kind == ErrorKind::BadField);
  CHECK(parse_upload_response(R"({"results":[{"id":"a","result":"maybe"}]})").error().kind == ErrorKind::BadField);
  UploadResponse r;
  r.results = {{"a", ItemResult::Accepted, ""}, {"b", ItemResult::Rejected, "conflict"}};
  auto rr = parse_upload_response(to_json(r));
  REQUIRE(rr.ok());
  CHECK(rr->results[1].reason == "conflict");
  CHECK(is_uuid_v7(uuid(3)));
  CHECK(!is_uuid_v7("0190a3b4-0000-4000-8000-000000000003"));
  CHECK(normalize_enroll_code("abcde-fgh0l") == "ABCDEFGH01");
}

TEST_CASE("transport: http:// only to loopback and only when allowed") {
  CHECK(check_hub_url("https://hub.example.cn", false).ok());
  CHECK(check_hub_url("http://127.0.0.1:8080", true).ok());
  CHECK(check_hub_url("http://localhost:8080", true).ok());
  CHECK(check_hub_url("http://127.0.0.1:8080", false).error().kind == ErrorKind::PlainHttpRefused);
  CHECK(check_hub_url("http://hub.example.cn", true).error().kind == ErrorKind::PlainHttpRefused);
  CHECK(check_hub_url("ftp://127.0.0.1", true).error().kind == ErrorKind::BadUrl);
  CHECK(check_hub_url("", true).error().kind == ErrorKind::BadUrl);
}

TEST_CASE("hub: accepted, duplicate, conflict, unknown service, invalid — per item, in one answer") {
  InProcessHub h;
  int64_t kid = 0;
  std::string token = h.enroll_token("1号机", &kid);
  HubTransport t({h.url, "", true, token}, {});
  UploadBatch b;
  b.requests = {item(uuid(1)), item(uuid(2))};
  auto r1 = t.post(kPathRequests, to_json(b));
  REQUIRE(r1.kind == NetKind::Ok);
  auto a1 = parse_upload_response(r1.body);
  REQUIRE(a1.ok());
  CHECK(a1->results[0].result == ItemResult::Accepted);
  CHECK(a1->results[1].result == ItemResult::Accepted);

  UploadBatch b2;
  b2.requests = {item(uuid(1)), item(uuid(2), "legal", "changed"), item(uuid(3), "karaoke"),
                 item("not-a-uuid"), item(uuid(4))};
  auto a2 = parse_upload_response(t.post(kPathRequests, to_json(b2)).body);
  REQUIRE(a2.ok());
  REQUIRE(a2->results.size() == 5);
  CHECK(a2->results[0].result == ItemResult::Duplicate);
  CHECK(a2->results[1].result == ItemResult::Rejected);
  CHECK(a2->results[1].reason == "conflict");
  CHECK(a2->results[2].reason == "unknown_service");
  CHECK(a2->results[3].reason == "invalid");
  CHECK(a2->results[4].result == ItemResult::Accepted);
  CHECK(h.server->db().count_requests() == 3);
  // The stored body is the first one: a conflict changes nothing.
  CHECK(h.server->db().find_request(kid, uuid(2))->body.find("changed") == std::string::npos);
}

TEST_CASE("hub: malformed, oversized, wrong token, revoked, unknown path: clear 4xx JSON, nothing stored") {
  InProcessHub h;
  int64_t kiosk_id = 0;
  std::string token = h.enroll_token("2号机", &kiosk_id);
  HubTransport t({h.url, "", true, token}, {});
  auto bad = t.post(kPathRequests, "this is not json");
  CHECK(bad.status == 400);
  CHECK(bad.kind == NetKind::Rejected);
  CHECK(parse_hub_error(bad.body)->error == "bad_json");

  UploadBatch many;
  for (int i = 0; i < kMaxBatchItems + 1; ++i) many.requests.push_back(item(uuid(100 + i)));
  auto too_many = t.post(kPathRequests, to_json(many));
  CHECK(too_many.status == 413);

  std::string huge(static_cast<size_t>(kMaxBodyBytes) + 10, 'a');
  auto big = t.post(kPathRequests, R"({"requests":[],"pad":")" + huge + "\"}");
  CHECK(big.status == 413);

  UploadBatch one;
  one.requests = {item(uuid(7), "legal", std::string(static_cast<size_t>(kMaxItemBytes), 'b'))};
  auto large_item = parse_upload_response(t.post(kPathRequests, to_json(one)).body);
  REQUIRE(large_item.ok());
  CHECK(large_item->results[0].reason == "too_large");

  HubTransport wrong({h.url, "", true, "not-a-token"}, {});
  auto w = wrong.post(kPathRequests, to_json(one));
  CHECK(w.status == 401);
  CHECK(w.kind == NetKind::Refused);
  HubTransport none({h.url, "", true, ""}, {});
  CHECK(none.get(std::string(kPathStatus) + "?cursor=").status == 401);

  auto nf = t.get("/v2/requests");
  CHECK(nf.status == 404);
  CHECK(nf.kind == NetKind::Misconfigured);
  CHECK(parse_hub_error(nf.body)->error == "not_found");

  CHECK(h.server->db().count_requests() == 0);
  REQUIRE(h.server->db().revoke_kiosk(kiosk_id, unix_now_ms()).ok());
  UploadBatch ok1;
  ok1.requests = {item(uuid(9))};
  auto rv = t.post(kPathRequests, to_json(ok1));
  CHECK(rv.status == 403);
  CHECK(rv.kind == NetKind::Refused);
  CHECK(parse_hub_error(rv.body)->error == "revoked");
  CHECK(h.server->db().count_requests() == 0);
}

TEST_CASE("hub: enrollment codes are one-time, tokens are stored only as hashes") {
  InProcessHub h;
  auto code = h.server->db().add_kiosk("长春市工人文化宫 1号机", unix_now_ms(), 3600000);
  REQUIRE(code.ok());
  HubTransport t({h.url, "", true, ""}, {});
  auto r = t.post(kPathEnroll, to_json(EnrollRequest{code->code, "t"}));
  REQUIRE(r.status == 200);
  auto e = parse_enroll_response(r.body);
  CHECK(e->kiosk_name == "长春市工人文化宫 1号机");
  CHECK(t.post(kPathEnroll, to_json(EnrollRequest{code->code, "t"})).status == 401);
  CHECK(t.post(kPathEnroll, "{}").status == 400);
  // Neither the token nor the code is in the database file in clear.
  h.server->stop();
  std::ifstream in(h.tmp.path + "/hub.db", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  std::ifstream wal(h.tmp.path + "/hub.db-wal", std::ios::binary);
  all.append((std::istreambuf_iterator<char>(wal)), {});
  CHECK(all.find(e->token) == std::string::npos);
  CHECK(all.find(sha256_hex(e->token, HexCase::Lower)) != std::string::npos);
}

TEST_CASE("hub: status changes page by cursor and only to their own kiosk") {
  InProcessHub h;
  int64_t kid1 = 0;
  std::string t1 = h.enroll_token("a", &kid1), t2 = h.enroll_token("b");
  HubTransport k1({h.url, "", true, t1}, {}), k2({h.url, "", true, t2}, {});
  UploadBatch b;
  for (int i = 0; i < 5; ++i) b.requests.push_back(item(uuid(i + 1)));
  REQUIRE(k1.post(kPathRequests, to_json(b)).kind == NetKind::Ok);
  for (int i = 0; i < 5; ++i) REQUIRE(h.server->db().resolve_request(kid1, uuid(i + 1), "note " + std::to_string(i), 1).ok());
  auto p1 = parse_status_page(k1.get(std::string(kPathStatus) + "?cursor=&limit=3").body);
  REQUIRE(p1.ok());
  CHECK(p1->changes.size() == 3);
  CHECK(p1->more);
  auto p2 = parse_status_page(k1.get(std::string(kPathStatus) + "?cursor=" + p1->cursor + "&limit=3").body);
  CHECK(p2->changes.size() == 2);
  CHECK(!p2->more);
  CHECK(p2->changes[1].staff_note == "note 4");
  auto other = parse_status_page(k2.get(std::string(kPathStatus) + "?cursor=").body);
  CHECK(other->changes.empty());
  CHECK(k1.get(std::string(kPathStatus) + "?cursor=abc").status == 400);
}

TEST_CASE("hub: refuses to serve plain HTTP off loopback or without the explicit flag") {
  synctest::TempDir d;
  hub::HubOptions o;
  o.data_dir = d.path;
  o.port = 0;
  CHECK(hub::HubServer::create(o).error().kind == ErrorKind::BadOption);  // no cert, no flag
  o.allow_plain_http = true;
  o.bind = "0.0.0.0";
  CHECK(hub::HubServer::create(o).error().kind == ErrorKind::BadOption);
  o.cert_file = d.path + "/missing.pem";
  CHECK(hub::HubServer::create(o).error().kind == ErrorKind::BadOption);  // cert without key
}
