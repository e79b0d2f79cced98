// HubDb on its own (no HTTP): what one kiosk's token can and cannot do to
// the data of others, the schema migration, revocation before enrollment,
// enrollment codes retired after wrong tries, quotas and the form check.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/base/log.hpp"
#include "sync/hub/hub_db.hpp"
#include "sync/hub/hub_errors.hpp"
#include "sync/hub/validate.hpp"
#include "tests/sync/support/support.hpp"

using namespace kiosk;
using namespace kiosk::sync;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1'795'000'000'000;  // 2026-11-17, before the content's slots
const std::set<std::string> kServices = {"legal", "hardship", "mixer", "childcare"};

std::shared_ptr<const ContentBundle> content() {
  static std::shared_ptr<const ContentBundle> c = [] {
    ContentLoad l = load_embedded_content();
    REQUIRE(l.bundle);
    return std::make_shared<const ContentBundle>(std::move(*l.bundle));
  }();
  return c;
}

std::string uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "0190a3b4-0000-7000-8000-%012d", n);
  return buf;
}

WireRequest item(const std::string& id, const std::string& service = "legal", int n = 0) {
  WireRequest w;
  w.id = id;
  w.ticket = "F-" + std::to_string(1000 + n);
  w.service_id = service;
  w.content_version = "v1";
  w.created_at_ms = kNow;
  w.answers = synctest::valid_answers(service, n, kNow);
  return w;
}

UploadBatch batch(std::vector<WireRequest> items) {
  UploadBatch b;
  b.requests = std::move(items);
  return b;
}

struct Db {
  synctest::TempDir tmp;
  std::unique_ptr<hub::HubDb> db;
  explicit Db(hub::HubDbOptions o = {}) {
    if (!o.content) o.content = content();
    if (!o.keys) {
      auto k = hub::load_or_create_keys(tmp.path + "/keys");
      REQUIRE(k.ok());
      o.keys = std::make_shared<const hub::HubKeys>(*k);
    }
    auto d = hub::HubDb::open(tmp.path + "/hub.db", o);
    REQUIRE(d.ok());
    db = std::move(*d);
  }
  int64_t kiosk(const std::string& name, const std::string& addr = "127.0.0.1") {
    auto c = db->add_kiosk(name, kNow, 3600000);
    REQUIRE(c.ok());
    REQUIRE(db->enroll(c->code, kNow, addr).ok());
    return c->kiosk_id;
  }
  ItemResult one(int64_t kiosk, const WireRequest& w, std::string* reason = nullptr) {
    auto r = db->ingest(kiosk, batch({w}), kServices, kNow);
    REQUIRE(r.ok());
    if (reason) *reason = r->results[0].reason;
    return r->results[0].result;
  }
};

}  // namespace

TEST_CASE("hub db: request ids are each kiosk's own: B can neither learn of A's id nor take it") {
  Db h;
  const int64_t a = h.kiosk("A"), b = h.kiosk("B");
  REQUIRE(h.one(a, item(uuid(1))) == ItemResult::Accepted);
  // B sends A's id with another body: not "conflict" (which would tell B
  // that A holds it), but B's own request, stored beside A's.
  WireRequest probe = item(uuid(1), "legal", 5);
  std::string reason;
  CHECK(h.one(b, probe, &reason) == ItemResult::Accepted);
  CHECK(reason.empty());
  // B claims an id first; A's real request with that id still gets in.
  REQUIRE(h.one(b, item(uuid(2), "legal", 7)) == ItemResult::Accepted);
  CHECK(h.one(a, item(uuid(2))) == ItemResult::Accepted);
  CHECK(h.one(a, item(uuid(2))) == ItemResult::Duplicate);
  CHECK(h.one(a, item(uuid(2), "legal", 9)) == ItemResult::Rejected);  // A's own conflict
  auto both = h.db->find_requests(uuid(2));
  REQUIRE(both.ok());
  CHECK(both->size() == 2);
  CHECK(h.db->find_request(a, uuid(2))->ticket == "F-1000");
  CHECK(h.db->find_request(b, uuid(2))->ticket == "F-1007");
  // Staff resolve A's; only A hears of it.
  REQUIRE(h.db->resolve_request(a, uuid(2), "好", kNow).ok());
  CHECK(h.db->changes_since(a, "", 10)->changes.size() == 1);
  CHECK(h.db->changes_since(b, "", 10)->changes.empty());
  CHECK(h.db->find_request(b, uuid(2))->state == "received");
}

TEST_CASE("hub db: a version-1 file is migrated in place and keeps every row") {
  synctest::TempDir tmp;
  const std::string path = tmp.path + "/hub.db";
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    const char* v1 = R"sql(
      CREATE TABLE kiosks (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
        created_ms INTEGER NOT NULL, code_hash TEXT, code_expires_ms INTEGER NOT NULL DEFAULT 0,
        token_hash TEXT UNIQUE, enrolled_ms INTEGER NOT NULL DEFAULT 0,
        revoked_ms INTEGER NOT NULL DEFAULT 0, last_seen_ms INTEGER NOT NULL DEFAULT 0,
        last_heartbeat_ms INTEGER NOT NULL DEFAULT 0, heartbeat TEXT NOT NULL DEFAULT '',
        next_seq INTEGER NOT NULL DEFAULT 1, last_created_ms INTEGER NOT NULL DEFAULT 0,
        last_request_id TEXT NOT NULL DEFAULT '');
      CREATE UNIQUE INDEX kiosks_code ON kiosks(code_hash);
      CREATE TABLE requests (id TEXT PRIMARY KEY, kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),
        kiosk_seq INTEGER NOT NULL, ticket TEXT NOT NULL, service_id TEXT NOT NULL,
        content_version TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
        received_at_ms INTEGER NOT NULL, body_hash TEXT NOT NULL, body TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'received', staff_note TEXT NOT NULL DEFAULT '',
        handled_at_ms INTEGER NOT NULL DEFAULT 0, out_of_order INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX requests_kiosk ON requests(kiosk_id, kiosk_seq);
      CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, kiosk_id INTEGER NOT NULL,
        request_id TEXT NOT NULL, state TEXT NOT NULL, staff_note TEXT NOT NULL, at_ms INTEGER NOT NULL);
      CREATE INDEX changes_kiosk ON changes(kiosk_id, seq);
      INSERT INTO kiosks(name, created_ms, token_hash, enrolled_ms, next_seq)
        VALUES('A', 1, 'ta', 1, 2), ('B', 1, 'tb', 1, 1);
      INSERT INTO requests VALUES('0190a3b4-0000-7000-8000-000000000001', 1, 1, 'F-0001', 'legal',
        'v1', 5, 6, 'h', '{}', 'handled', 'note', 7, 0);
      INSERT INTO changes(kiosk_id, request_id, state, staff_note, at_ms)
        VALUES(1, '0190a3b4-0000-7000-8000-000000000001', 'handled', 'note', 7);
      PRAGMA user_version=1;)sql";
    REQUIRE(sqlite3_exec(raw, v1, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  hub::HubDbOptions o;
  o.content = content();
  auto k = hub::load_or_create_keys(tmp.path + "/keys");
  REQUIRE(k.ok());
  o.keys = std::make_shared<const hub::HubKeys>(*k);
  auto db = hub::HubDb::open(path, o);
  REQUIRE(db.ok());
  auto kept = (*db)->find_request(1, uuid(1));
  REQUIRE(kept);
  CHECK(kept->ticket == "F-0001");
  CHECK(kept->state == "handled");
  CHECK(kept->body == "{}");  // sealed by the migration to 3, opened here
  CHECK((*db)->changes_since(1, "", 10)->changes.size() == 1);
  // Kiosk 2 may now use the same id.
  auto r = (*db)->ingest(2, batch({item(uuid(1))}), kServices, kNow);
  REQUIRE(r.ok());
  CHECK(r->results[0].result == ItemResult::Accepted);
  CHECK((*db)->count_requests() == 2);
  db->reset();
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &st, nullptr);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int(st, 0) == 3);
  sqlite3_finalize(st);
  sqlite3_close(raw);
  // Opened again at version 3: nothing to do, nothing lost.
  auto again = hub::HubDb::open(path, o);
  REQUIRE(again.ok());
  CHECK((*again)->count_requests() == 2);
}

TEST_CASE("hub db: a kiosk revoked before it enrolled is told `revoked`, not `invalid_code`") {
  Db h;
  auto c = h.db->add_kiosk("lost in the post", kNow, 3600000);
  REQUIRE(c.ok());
  REQUIRE(h.db->revoke_kiosk(c->kiosk_id, kNow).ok());
  auto e = h.db->enroll(c->code, kNow + 1);
  REQUIRE(!e.ok());
  CHECK(e.error().kind == ErrorKind::Revoked);
}

TEST_CASE("hub db: a code is retired after a few wrong tries naming it, a guesser is rate-limited") {
  std::vector<std::string> lines;
  log::set_sink([&](std::string_view l) { lines.emplace_back(l); });
  Db h;
  auto c = h.db->add_kiosk("K", kNow, 3600000);
  REQUIRE(c.ok());
  const std::string sym = c->code.substr(0, 5) + c->code.substr(6);  // without the dash
  // Five wrong codes that share its selector (its first three symbols),
  // each from its own address so the address limit is not what stops them.
  for (int i = 0; i < 5; ++i) {
    std::string wrong = sym;
    wrong[9] = wrong[9] == 'A' ? 'B' : 'A';
    wrong[8] = "0123456789"[i];
    if (wrong == sym) wrong[7] = wrong[7] == 'C' ? 'D' : 'C';
    auto e = h.db->enroll(wrong, kNow, "192.0.2." + std::to_string(i + 1));
    REQUIRE(!e.ok());
    CHECK(e.error().kind == ErrorKind::InvalidCode);
  }
  auto late = h.db->enroll(c->code, kNow, "192.0.2.100");
  REQUIRE(!late.ok());
  CHECK(late.error().kind == ErrorKind::InvalidCode);
  int retired = 0;
  for (const auto& l : lines)
    if (l.find("enrollment code retired") != std::string::npos) ++retired;
  CHECK(retired == 1);

  // One address guessing: after its burst, refused with a delay, even for a valid code.
  auto c2 = h.db->add_kiosk("K2", kNow, 3600000);
  REQUIRE(c2.ok());
  int refused_by_limit = 0;
  for (int i = 0; i < 1000; ++i) {
    auto e = h.db->enroll("ZZZZZ-ZZZ" + std::string(1, "0123456789"[i % 10]), kNow + i, "203.0.113.9");
    if (!e.ok() && e.error().kind == ErrorKind::RateLimited) {
      ++refused_by_limit;
      CHECK(hub::retry_after_s(e.error()) >= 1);
    }
  }
  CHECK(refused_by_limit == 990);
  auto valid_but_limited = h.db->enroll(c2->code, kNow + 1000, "203.0.113.9");
  REQUIRE(!valid_but_limited.ok());
  CHECK(valid_but_limited.error().kind == ErrorKind::RateLimited);
  CHECK(h.db->enroll(c2->code, kNow + 1000, "198.51.100.1").ok());  // the technician's own address
  log::set_sink(nullptr);
}

TEST_CASE("hub db: a kiosk's uploads are held to its hourly quota, duplicates and refusals cost nothing") {
  hub::HubDbOptions o;
  o.quota = hub::QuotaLimits{5, 1 << 20};
  Db h(o);
  const int64_t k = h.kiosk("Q"), other = h.kiosk("R");
  auto first = h.db->ingest(k, batch({item(uuid(1)), item(uuid(2)), item(uuid(3))}), kServices, kNow);
  REQUIRE(first.ok());
  // Re-sent (a lost reply): duplicates, no quota spent.
  for (int i = 0; i < 5; ++i)
    REQUIRE(h.db->ingest(k, batch({item(uuid(1)), item(uuid(2)), item(uuid(3))}), kServices, kNow).ok());
  // Refused items cost nothing either.
  WireRequest bad = item(uuid(50));
  bad.answers["colour"] = "blue";
  REQUIRE(h.db->ingest(k, batch({bad, bad, bad}), kServices, kNow).ok());
  auto over = h.db->ingest(k, batch({item(uuid(4)), item(uuid(5)), item(uuid(6))}), kServices, kNow + 60'000);
  REQUIRE(!over.ok());
  CHECK(over.error().kind == ErrorKind::QuotaExceeded);
  // The window counts whole minutes: the first batch leaves an hour after
  // the start of its minute (kNow is 40 s into one).
  CHECK(hub::retry_after_s(over.error()) == ((kNow / 60'000 + 60) * 60'000 - (kNow + 60'000)) / 1000);
  CHECK(h.db->count_requests() == 3);  // nothing of the refused batch
  CHECK(h.db->ingest(other, batch({item(uuid(4))}), kServices, kNow).ok());  // its own hour
  CHECK(h.db->ingest(k, batch({item(uuid(4)), item(uuid(5))}), kServices, kNow + 60'000).ok());
  auto later = h.db->ingest(k, batch({item(uuid(6))}), kServices, kNow + 3600'000);
  REQUIRE(later.ok());
  CHECK(later->results[0].result == ItemResult::Accepted);
}

TEST_CASE("hub db: each item is checked against its service's form, the field and the reason come back") {
  Db h;
  const int64_t k = h.kiosk("V");
  auto reason_of = [&](WireRequest w) {
    std::string r;
    h.one(k, w, &r);
    return r;
  };
  CHECK(h.one(k, item(uuid(1))) == ItemResult::Accepted);
  CHECK(h.one(k, item(uuid(2), "hardship")) == ItemResult::Accepted);

  WireRequest unknown = item(uuid(3));
  unknown.answers["favourite_colour"] = "blue";
  CHECK(reason_of(unknown) == "invalid_answer:favourite_colour:unknown_field");
  WireRequest escape = item(uuid(4));
  escape.answers["\x1b[2J"] = "x";
  CHECK(reason_of(escape) == "invalid_answer::unknown_field");
  WireRequest missing = item(uuid(5));
  missing.answers.erase("phone");
  CHECK(reason_of(missing) == "invalid_answer:phone:required");
  WireRequest bad_phone = item(uuid(6));
  bad_phone.answers["phone"] = "12345";
  CHECK(reason_of(bad_phone) == "invalid_answer:phone:phone_invalid");
  WireRequest hidden = item(uuid(7));
  hidden.answers["arbitration_case_no"] = "长劳人仲案字〔2026〕第123号";  // shown only when filed = yes
  CHECK(reason_of(hidden) == "invalid_answer:arbitration_case_no:hidden_field");
  WireRequest deep = item(uuid(8));
  deep.answers["description"] = json::array({json::array({1})});
  CHECK(reason_of(deep).rfind("invalid_answer:description:", 0) == 0);
  WireRequest not_object = item(uuid(9));
  not_object.answers = json::array();
  CHECK(reason_of(not_object) == "invalid_answer::not_an_object");
  WireRequest no_consent = item(uuid(10), "hardship");
  no_consent.answers.erase("sensitive_consent");
  CHECK(reason_of(no_consent) == "invalid_answer:sensitive_consent:consent_required");
  WireRequest member = item(uuid(12), "hardship");
  member.answers["member_card"] = "CN-22-01-000123";  // filled from a card the kiosk verified
  CHECK(h.one(k, member) == ItemResult::Accepted);
  // A members-only service: the member number stands for the card the kiosk verified.
  WireRequest mixer = item(uuid(13), "legal");
  mixer.service_id = "mixer";
  mixer.answers = json{{"event", "M-202612"}, {"member_card", "CN-22-01-000123"}, {"name", "王五"},
                       {"gender", "m"}, {"birth_year", 1995}, {"phone", "13712345678"},
                       {"employer", "长春某汽车厂"}, {"single_declaration", true}, {"consent", true}};
  CHECK(h.one(k, mixer) == ItemResult::Accepted);
  mixer.id = uuid(14);
  mixer.answers.erase("member_card");
  CHECK(reason_of(mixer) == "invalid_answer:member_card:member_card_required");
  CHECK(h.db->count_requests() == 4);
  // What rests on the kiosk's own content is the kiosk's: a slot the hub's
  // copy of the content has as past and full is not a reason to refuse.
  WireRequest old_slot = item(uuid(11));
  old_slot.answers["slot"] = "S-20261124-AM";
  old_slot.created_at_ms = kNow + 30LL * 24 * 3600 * 1000;
  CHECK(h.one(k, old_slot) == ItemResult::Accepted);

  // The pure function, as the sealed-answers path will call it.
  CHECK(hub::validate_item(*content(), "legal", item(uuid(1)).answers, kNow).ok);
  CHECK(hub::validate_item(*content(), "karaoke", json::object(), kNow).reason() == "unknown_service");
}
