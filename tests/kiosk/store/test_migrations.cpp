// Schema migrations from files written by older kiosks (fixtures/v*.sql).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <map>
#include <thread>

#include <sys/stat.h>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/hash.hpp"
#include "kiosk/store/seal.hpp"
#include "kiosk/store/store.hpp"
#include "testkit.hpp"

using namespace kiosk;
using namespace kiosk::test;

namespace {

std::string fixture(const std::string& name) {
  return read_file(std::string(STORE_FIXTURES) + "/" + name);
}

std::string make_old_db(const TempDir& dir, const std::string& sql_fixture) {
  const auto db = dir.file("requests.db");
  const std::string sql = fixture(sql_fixture);
  REQUIRE_FALSE(sql.empty());
  sql_exec(db, sql);
  return db;
}

// Tables' columns and indexes' columns, independent of how the SQL was written
// (ALTER TABLE ADD COLUMN and CREATE TABLE read the same here).
std::map<std::string, std::string> shape(const std::string& db) {
  std::map<std::string, std::string> out;
  const std::string names = sql_text(
      db,
      "SELECT group_concat(type || ':' || name, ',') FROM (SELECT type, name FROM sqlite_master "
      "WHERE name NOT LIKE 'sqlite_%' ORDER BY name)");
  size_t start = 0;
  while (start < names.size()) {
    size_t end = names.find(',', start);
    if (end == std::string::npos) end = names.size();
    const std::string item = names.substr(start, end - start);
    start = end + 1;
    const auto colon = item.find(':');
    const std::string type = item.substr(0, colon), name = item.substr(colon + 1);
    if (type == "table")
      out[item] = sql_text(db, "SELECT group_concat(name || ' ' || type || ' ' || \"notnull\" || ' ' || "
                               "ifnull(dflt_value, '-') || ' ' || pk, '; ') FROM pragma_table_info('" +
                                   name + "')");
    else if (type == "index")
      out[item] = sql_text(db, "SELECT group_concat(name, ',') FROM pragma_index_info('" + name + "')") +
                  " on " + sql_text(db, "SELECT tbl_name FROM sqlite_master WHERE name = '" + name + "'");
  }
  return out;
}

std::unique_ptr<RequestStore> open_store(const std::string& path) {
  auto s = RequestStore::open(path, sealed());
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().name() + " " + s.error().detail));
  return std::move(*s);
}

}  // namespace

TEST_CASE("v1 -> current: rows kept, states renamed, delivery times filled, numbering continues") {
  TempDir dir;
  const auto db = make_old_db(dir, "v1.sql");
  REQUIRE(sql_int(db, "PRAGMA user_version") == 1);
  auto s = open_store(db);
  CHECK(s->schema_version() == 5);
  CHECK(s->integrity_check().ok());

  auto f1 = s->find("F-0001");
  REQUIRE(f1);
  CHECK(f1->state == RequestState::Delivered);
  CHECK(f1->delivered_at_ms == 1730000100000);
  CHECK(f1->attempts == 1);
  CHECK(f1->staff_note.empty());
  REQUIRE(opened_answers(*f1));
  CHECK((*opened_answers(*f1))["topic"] == "wage_arrears");
  auto f2 = s->find("F-0002");
  CHECK(f2->state == RequestState::Quarantined);  // v1 called it 'rejected'
  CHECK(f2->state_reason == "hub: unknown slot");
  CHECK(f2->delivered_at_ms == 0);
  CHECK(s->find("K-0001")->state == RequestState::Sending);
  CHECK(s->setting("sync.cursor") == "17");

  CHECK(s->submit(make_request("legal", "F"), 1740000000000)->ticket == "F-0004");
  CHECK(s->submit(make_request("hardship", "K"), 1740000000001)->ticket == "K-0002");
  REQUIRE(s->requeue_all_sending("restart", 1740000000002).ok());
  auto batch = s->claim_batch(10, 1 << 20, 1740000000003);
  REQUIRE(batch.ok());
  REQUIRE(batch->size() == 4);
  CHECK(batch->at(0).ticket == "F-0003");
  CHECK(batch->at(1).ticket == "K-0001");

  TempDir fresh;
  { open_store(fresh.file("requests.db")); }
  s.reset();
  CHECK(shape(db) == shape(fresh.file("requests.db")));
}

TEST_CASE("v2 -> current: places and duplicate keys still count") {
  TempDir dir;
  const auto db = make_old_db(dir, "v2.sql");
  auto s = open_store(db);
  CHECK(s->schema_version() == 5);
  CHECK(s->integrity_check().ok());
  CHECK(s->local_bookings("class:C-2027S-A") == 1);  // the quarantined one does not hold it
  // Re-keyed by v4 -> v5: the old key no longer stands, its keyed form does.
  CHECK_FALSE(s->has_dedup_key("mixer:M-202612:member:5D41402ABC4B2A76"));
  const std::string rekeyed = sql_text(db, "SELECT key FROM dedup_keys WHERE key LIKE 'mixer:%'");
  CHECK(rekeyed.rfind("mixer:M-202612:member:", 0) == 0);
  CHECK(rekeyed.size() == std::string("mixer:M-202612:member:").size() + 64);
  CHECK(s->has_dedup_key(rekeyed));
  auto dup = s->submit(make_request("mixer", "L", {}, {rekeyed}), 1);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().kind == ErrorKind::Duplicate);
  auto t = s->submit(make_request("childcare", "T", {{"class:C-2027S-A", 2}}), 2);
  REQUIRE(t.ok());
  CHECK(t->ticket == "T-0003");
  CHECK(s->submit(make_request("childcare", "T", {{"class:C-2027S-A", 2}}), 3).error().kind ==
        ErrorKind::SlotFull);
  REQUIRE(s->mark_handled(s->find("L-0001")->id, "已安排", 4).ok());
  CHECK(s->find("L-0001")->staff_note == "已安排");

  TempDir fresh;
  { open_store(fresh.file("requests.db")); }
  s.reset();
  CHECK(shape(db) == shape(fresh.file("requests.db")));
}

TEST_CASE("a migration that fails leaves the file at its old version") {
  TempDir dir;
  const auto db = make_old_db(dir, "v1.sql");
  // Something in the way of migration 1 -> 2.
  sql_exec(db, "CREATE TABLE dedup_keys (x)");
  auto s = RequestStore::open(db, sealed());
  REQUIRE_FALSE(s.ok());
  CHECK(sql_int(db, "PRAGMA user_version") == 1);
  CHECK(sql_int(db, "SELECT count(*) FROM pragma_table_info('requests') WHERE name = 'delivered_at'") == 0);
  CHECK(sql_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'reservations'") == 0);
  CHECK(sql_text(db, "SELECT state FROM requests WHERE ticket = 'F-0002'") == "rejected");
  sql_exec(db, "DROP TABLE dedup_keys");
  auto again = open_store(db);
  CHECK(again->schema_version() == 5);
  CHECK(again->find("F-0002")->state == RequestState::Quarantined);
}

TEST_CASE("connections opening an old file at the same time migrate it once") {
  for (int round = 0; round < 5; ++round) {
    CAPTURE(round);
    TempDir dir;
    const auto db = make_old_db(dir, "v1.sql");
    constexpr int kOpeners = 4;
    std::string errors[kOpeners];
    std::vector<std::thread> threads;
    for (int i = 0; i < kOpeners; ++i)
      threads.emplace_back([&, i] {
        auto s = RequestStore::open(db, sealed());
        if (!s.ok()) errors[i] = s.error().name() + " " + s.error().detail;
      });
    for (auto& t : threads) t.join();
    for (const auto& e : errors) CHECK_MESSAGE(e.empty(), e);
    CHECK(sql_int(db, "PRAGMA user_version") == 5);
    CHECK(sql_int(db, "SELECT count(*) FROM requests") == 4);
    CHECK(sql_text(db, "PRAGMA journal_mode") == "wal");
  }
}

TEST_CASE("a file from a newer kiosk is refused and untouched") {
  TempDir dir;
  const auto db = make_old_db(dir, "v2.sql");
  sql_exec(db, "PRAGMA user_version = 99");
  const std::string before = read_file(db);
  auto s = RequestStore::open(db, sealed());
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == ErrorKind::StoreTooNew);
  CHECK_FALSE(s.error().message.zh.empty());
  CHECK(read_file(db) == before);
}

TEST_CASE("another program's database (tables, no version) is refused and untouched") {
  TempDir dir;
  const auto db = dir.file("requests.db");
  sql_exec(db, "CREATE TABLE contacts (name TEXT, phone TEXT); INSERT INTO contacts VALUES ('a', 'b');");
  const std::string before = read_file(db);
  auto s = RequestStore::open(db, sealed());
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == ErrorKind::StoreDamaged);
  CHECK(read_file(db) == before);
  CHECK(sql_int(db, "SELECT count(*) FROM contacts") == 1);
}

TEST_CASE("v4 -> v5: duplicate-check keys are re-keyed under dedup.key, no unkeyed SHA-256 of a number left") {
  TempDir dir;
  const auto db = make_old_db(dir, "v4.sql");
  const std::string member = sha256_hex("22010012345", HexCase::Upper);
  const std::string child = sha256_hex("220102201706110528", HexCase::Upper);
  sql_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  REQUIRE(read_file(db).find(member) != std::string::npos);  // the finding: in the file
  auto s = open_store(db);
  CHECK(s->schema_version() == 5);
  CHECK(s->integrity_check().ok());
  // The secret is a file of its own beside the database, 0600.
  struct stat st {};
  REQUIRE(::stat(dir.file("dedup.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);
  CHECK_FALSE(s->has_dedup_key("mixer:M-202612:" + member));
  CHECK(s->has_dedup_key("mixer:M-202612:" + s->dedup_hash("22010012345")));
  CHECK(s->has_dedup_key("childcare:P-2027W:" + s->dedup_hash("220102201706110528")));
  for (const auto& f : {db, db + "-wal"}) {
    const std::string bytes = read_file(f);
    CHECK_MESSAGE(bytes.find(member) == std::string::npos, f);
    CHECK_MESSAGE(bytes.find(child) == std::string::npos, f);
  }
  // Still a duplicate for the same member.
  auto dup = s->submit(make_request("mixer", "L", {}, {"mixer:M-202612:" + s->dedup_hash("22010012345")}), 1);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().kind == ErrorKind::Duplicate);
  // Old keys knew no date: they go with their request's answers. The
  // childcare one's answers were purged already, so the next purge takes it.
  REQUIRE(s->purge_expired(1764000300000).ok());
  CHECK(sql_int(db, "SELECT count(*) FROM dedup_keys") == 1);
  CHECK(s->has_dedup_key("mixer:M-202612:" + s->dedup_hash("22010012345")));
  // Another file's secret keys the same number differently.
  TempDir other;
  auto t = open_store(other.file("requests.db"));
  CHECK(t->dedup_hash("22010012345") != s->dedup_hash("22010012345"));
  // The same file opened again keeps its secret.
  s.reset();
  auto again = open_store(db);
  CHECK(again->has_dedup_key("mixer:M-202612:" + again->dedup_hash("22010012345")));
}

TEST_CASE("v3 -> v4: answers held in clear are sealed to the hub's key, none left in the file") {
  TempDir dir;
  const auto db = make_old_db(dir, "v3.sql");
  REQUIRE(sql_int(db, "PRAGMA user_version") == 3);
  // Written by SQLite as a v3 kiosk did: the clear text is in the file.
  sql_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  REQUIRE(read_file(db).find("13912345678") != std::string::npos);
  auto s = open_store(db);
  CHECK(s->schema_version() == 5);
  CHECK(s->integrity_check().ok());
  CHECK(sql_int(db, "SELECT count(*) FROM requests WHERE answers IS NOT NULL") == 0);
  CHECK(sql_int(db, "SELECT count(*) FROM requests WHERE answers_sealed IS NOT NULL") == 2);

  auto f1 = s->find("F-0001");
  REQUIRE(f1);
  CHECK_FALSE(f1->answers);
  CHECK(f1->sealed_to == base64url_encode(test_hub_keys().public_key));
  auto a = opened_answers(*f1);
  REQUIRE(a);
  CHECK(*a == nlohmann::json::parse(
                  R"({"name":"欧阳震华","id_number":"22010419800101771X","phone":"13912345678","description":"老板拖欠工资三个月"})"));
  CHECK((*opened_answers(*s->find("K-0001")))["name"] == "司马迁移");
  CHECK(s->find("K-0001")->staff_note == "已收到");
  CHECK_FALSE(s->find("F-0002")->has_answers());  // purged before: stays purged
  CHECK(s->submit(make_request("legal", "F"), 1740000000000)->ticket == "F-0003");
  // The queued one travels, sealed; delivered ones stay.
  auto batch = s->claim_batch(10, 1 << 20, 1740000000001);
  REQUIRE(batch.ok());
  REQUIRE(batch->size() == 2);
  CHECK(batch->at(0).ticket == "F-0001");
  CHECK_FALSE(batch->at(0).answers_sealed.empty());
  s.reset();

  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string bytes = read_file(db + suffix);
    CAPTURE(suffix);
    for (const char* secret : {"13912345678", "22010419800101771X", "欧阳震华", "司马迁移", "13698765432",
                               "老板拖欠工资"})
      CHECK_MESSAGE(bytes.find(secret) == std::string::npos, "clear text left: " << secret);
  }
  TempDir fresh;
  { open_store(fresh.file("requests.db")); }
  CHECK(shape(db) == shape(fresh.file("requests.db")));
}

TEST_CASE("v3 -> v4 before enrollment: sealed to the kiosk's own key, re-sealed to the hub's later") {
  TempDir dir;
  const auto db = make_old_db(dir, "v3.sql");
  const BoxKeyPair local = *make_box_keypair();
  StoreOptions o;
  o.local_box = local;
  {
    auto s = RequestStore::open(db, o);
    REQUIRE(s.ok());
    auto f1 = (*s)->find("F-0001");
    CHECK(f1->sealed_to == base64url_encode(local.public_key));
    CHECK_FALSE(opened_answers(*f1));  // not the hub's key
    auto mine = open_box(local, f1->answers_sealed);
    REQUIRE(mine);
    CHECK(nlohmann::json::parse(*mine)["phone"] == "13912345678");
    // Nothing the hub could not open travels.
    auto batch = (*s)->claim_batch(10, 1 << 20, 1);
    REQUIRE(batch.ok());
    CHECK(batch->empty());
    CHECK((*s)->count_sealed_to(local.public_key) == 2);
  }
  // The hub's key learnt: the next open re-seals what the local key held.
  o.hub_box_public_key = test_hub_keys().public_key;
  auto s = RequestStore::open(db, o);
  REQUIRE(s.ok());
  CHECK((*s)->count_sealed_to(local.public_key) == 0);
  CHECK((*s)->count_sealed_to(test_hub_keys().public_key) == 2);
  CHECK((*opened_answers(*(*s)->find("F-0001")))["id_number"] == "22010419800101771X");
  auto batch = (*s)->claim_batch(10, 1 << 20, 1);
  REQUIRE(batch.ok());
  CHECK(batch->size() == 1);
}

TEST_CASE("v3 -> v4 with answers and no key at all: refused, the file stays v3") {
  TempDir dir;
  const auto db = make_old_db(dir, "v3.sql");
  auto s = RequestStore::open(db);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == ErrorKind::BadRequest);
  CHECK(sql_int(db, "PRAGMA user_version") == 3);
  CHECK(sql_int(db, "SELECT count(*) FROM requests WHERE answers IS NOT NULL") == 2);
}
