// RequestStore, sync side: claim in creation order, requeue, deliver,
// quarantine without blocking the rest, handled, purge after retention.
#include <doctest/doctest.h>

#include "kiosk/store/store.hpp"
#include "testkit.hpp"

using namespace kiosk;
using namespace kiosk::test;

namespace {

std::unique_ptr<RequestStore> open_store(const std::string& path, StoreOptions o = {}) {
  auto s = RequestStore::open(path, sealed(o));
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().name() + " " + s.error().detail));
  return std::move(*s);
}

std::vector<std::string> tickets(const std::vector<RequestRecord>& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.push_back(r.ticket);
  return out;
}

std::vector<std::string> ids(const std::vector<RequestRecord>& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.push_back(r.id);
  return out;
}

}  // namespace

TEST_CASE("claim_batch takes the oldest queued first and marks them sending") {
  TempDir dir;
  auto s = open_store(dir.file("requests.db"));
  // Same millisecond for several: creation order still decides.
  for (int i = 0; i < 5; ++i) REQUIRE(s->submit(make_request(), 1000 + i / 2).ok());
  auto b1 = s->claim_batch(3, 1 << 20, 2000);
  REQUIRE(b1.ok());
  CHECK(tickets(*b1) == std::vector<std::string>{"F-0001", "F-0002", "F-0003"});
  for (const auto& r : *b1) {
    CHECK(r.state == RequestState::Sending);
    CHECK(r.state_at_ms == 2000);
    CHECK(r.has_answers());
  }
  CHECK(s->find("F-0002")->state == RequestState::Sending);
  auto b2 = s->claim_batch(3, 1 << 20, 2001);
  CHECK(tickets(*b2) == std::vector<std::string>{"F-0004", "F-0005"});
  CHECK(s->claim_batch(3, 1 << 20, 2002)->empty());
  auto st = s->stats();
  CHECK(st.sending == 5);
  CHECK(st.queued == 0);
  CHECK(st.oldest_queued_ms == 0);
}

TEST_CASE("claim_batch respects the byte budget but always moves at least one") {
  TempDir dir;
  auto s = open_store(dir.file("requests.db"));
  for (int i = 0; i < 4; ++i) REQUIRE(s->submit(make_request("legal", "F", {}, {}, 1000), i).ok());
  CHECK(s->claim_batch(10, 2500, 10)->size() == 2);
  CHECK(s->claim_batch(10, 10, 11)->size() == 1);
  CHECK(s->claim_batch(10, 1 << 20, 12)->size() == 1);
}

TEST_CASE("requeue puts a failed batch back with its reason and counts the attempt") {
  TempDir dir;
  auto s = open_store(dir.file("requests.db"));
  for (int i = 0; i < 3; ++i) REQUIRE(s->submit(make_request(), i).ok());
  auto b = s->claim_batch(2, 1 << 20, 100);
  REQUIRE(b->size() == 2);
  REQUIRE(s->requeue(ids(*b), "connection: timeout", 200).ok());
  auto r = s->find("F-0001");
  CHECK(r->state == RequestState::Queued);
  CHECK(r->state_reason == "connection: timeout");
  CHECK(r->state_at_ms == 200);
  CHECK(r->attempts == 1);
  // Not sending: nothing happens.
  REQUIRE(s->requeue({s->find("F-0003")->id}, "x", 300).ok());
  CHECK(s->find("F-0003")->attempts == 0);
  // Still first in line.
  CHECK(tickets(*s->claim_batch(1, 1 << 20, 400)) == std::vector<std::string>{"F-0001"});
  REQUIRE(s->requeue_all_sending("restart", 500).ok());
  CHECK(s->stats().sending == 0);
  CHECK(s->find("F-0001")->attempts == 2);
  CHECK(s->find("F-0001")->state_reason == "restart");
  CHECK(s->stats().oldest_queued_ms == 0 + 0);  // created_at of F-0001 is 0
}

TEST_CASE("mark_delivered and mark_handled record when and why") {
  TempDir dir;
  auto s = open_store(dir.file("requests.db"));
  auto a = s->submit(make_request(), 1);
  auto b = s->submit(make_request(), 2);
  REQUIRE(s->claim_batch(10, 1 << 20, 10)->size() == 2);
  REQUIRE(s->mark_delivered({a->id, b->id}, 20).ok());
  auto ra = s->find(a->id);
  CHECK(ra->state == RequestState::Delivered);
  CHECK(ra->delivered_at_ms == 20);
  CHECK(ra->state_at_ms == 20);
  REQUIRE(s->mark_handled(a->id, "请于12月1日上午到法律服务站", 30).ok());
  ra = s->find(a->id);
  CHECK(ra->state == RequestState::Handled);
  CHECK(ra->staff_note == "请于12月1日上午到法律服务站");
  CHECK(ra->delivered_at_ms == 20);
  CHECK(ra->state_at_ms == 30);
  // A late duplicate acknowledgement does not take it back to delivered.
  REQUIRE(s->mark_delivered({a->id}, 40).ok());
  CHECK(s->find(a->id)->state == RequestState::Handled);
  CHECK(s->mark_handled("no-such-id", "", 50).error().kind == ErrorKind::NotFound);
  CHECK(s->quarantine("no-such-id", "x", 50).error().kind == ErrorKind::NotFound);
  auto st = s->stats();
  CHECK(st.handled == 1);
  CHECK(st.delivered == 1);
}

TEST_CASE("a quarantined request keeps its reason and never blocks the others") {
  TempDir dir;
  auto s = open_store(dir.file("requests.db"));
  for (int i = 0; i < 3; ++i) REQUIRE(s->submit(make_request(), i).ok());
  auto first = s->claim_batch(1, 1 << 20, 10);
  REQUIRE(first->size() == 1);
  REQUIRE(s->quarantine(first->front().id, "hub: 422 unknown service", 11).ok());
  auto q = s->find("F-0001");
  CHECK(q->state == RequestState::Quarantined);
  CHECK(q->state_reason == "hub: 422 unknown service");
  CHECK(q->state_at_ms == 11);
  CHECK(tickets(*s->claim_batch(10, 1 << 20, 12)) ==
        std::vector<std::string>{"F-0002", "F-0003"});
  CHECK(s->list(RequestState::Quarantined).size() == 1);
  CHECK(s->stats().quarantined == 1);
}

TEST_CASE("purge_expired erases answers after delivery plus retention, metadata stays") {
  TempDir dir;
  const auto db = dir.file("requests.db");
  StoreOptions o;
  o.retention_ms = 1000;
  const std::string marker = "MARKER-13912345678-ZHANGSAN";
  {
    auto s = open_store(db, o);
    auto delivered = make_request();
    delivered.plan.answers["note"] = marker;
    auto a = s->submit(delivered, 100);
    auto b = s->submit(make_request(), 100);  // stays queued
    auto c = s->submit(make_request(), 100);  // quarantined
    REQUIRE(s->claim_batch(1, 1 << 20, 200)->size() == 1);
    REQUIRE(s->mark_delivered({a->id}, 10'000).ok());
    REQUIRE(s->quarantine(c->id, "hub: rejected", 10'500).ok());

    CHECK(*s->purge_expired(10'999) == 0);
    CHECK(s->find(a->id)->has_answers());
    CHECK(*s->purge_expired(11'000) == 1);
    auto ra = s->find(a->id);
    CHECK_FALSE(ra->has_answers());
    CHECK(ra->ticket == "F-0001");
    CHECK(ra->service_id == "legal");
    CHECK(ra->state == RequestState::Delivered);
    CHECK(ra->delivered_at_ms == 10'000);
    CHECK(s->find(b->id)->has_answers());   // never delivered: kept until it is
    CHECK(s->find(c->id)->has_answers());   // quarantined 500 ms ago
    CHECK(*s->purge_expired(11'500) == 1);
    CHECK_FALSE(s->find(c->id)->has_answers());
    CHECK(*s->purge_expired(99'999'999) == 0);
    CHECK(s->find(b->id)->has_answers());
    CHECK(s->integrity_check().ok());
  }
  CHECK(sql_int(db, "SELECT count(*) FROM requests WHERE answers_sealed IS NULL AND answers IS NULL") == 2);
  // Erased means erased: the text is in neither the file nor a WAL.
  CHECK(read_file(db).find(marker) == std::string::npos);
  CHECK(read_file(db + "-wal").find(marker) == std::string::npos);
}

TEST_CASE("deliveries run the retention purge themselves, at most hourly") {
  TempDir dir;
  StoreOptions o;
  o.retention_ms = 1000;
  auto s = open_store(dir.file("requests.db"), o);
  auto a = s->submit(make_request(), 1);
  auto b = s->submit(make_request(), 2);
  auto c = s->submit(make_request(), 3);
  REQUIRE(s->mark_delivered({a->id}, 10'000).ok());          // purge ran: nothing old yet
  REQUIRE(s->mark_delivered({b->id}, 20'000).ok());          // within the hour: no purge
  CHECK(s->find(a->id)->has_answers());
  REQUIRE(s->mark_delivered({c->id}, 10'000 + 3'600'000).ok());  // an hour later: purge
  CHECK_FALSE(s->find(a->id)->has_answers());
  CHECK_FALSE(s->find(b->id)->has_answers());
  CHECK(s->find(c->id)->has_answers());  // delivered just now
}
