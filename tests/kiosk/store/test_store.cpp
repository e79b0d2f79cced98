// RequestStore: submit, tickets, capacity, duplicates, damaged files.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "kiosk/base/date.hpp"
#include "kiosk/store/seal.hpp"
#include "kiosk/store/store.hpp"
#include "kiosk/base/strings.hpp"
#include "testkit.hpp"

using namespace kiosk;
using namespace kiosk::test;

namespace {

std::unique_ptr<RequestStore> open_store(const std::string& path, StoreOptions o = {}) {
  auto s = RequestStore::open(path, sealed(o));
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().name() + " " + s.error().detail));
  return std::move(*s);
}

}  // namespace

TEST_CASE("a new store has the current schema and passes integrity_check") {
  TempDir dir;
  auto s = open_store(dir.file("requests.db"));
  CHECK(s->schema_version() == 5);
  CHECK(s->integrity_check().ok());
  CHECK(s->path() == dir.file("requests.db"));
  CHECK(sql_text(dir.file("requests.db"), "PRAGMA journal_mode") == "wal");
}

TEST_CASE("submit issues sequential tickets per prefix and the row is committed") {
  TempDir dir;
  const auto db = dir.file("requests.db");
  auto s = open_store(db);
  std::vector<std::string> tickets;
  for (int i = 0; i < 3; ++i) {
    auto r = s->submit(make_request("legal", "F"), 1'700'000'000'000 + i);
    REQUIRE(r.ok());
    tickets.push_back(r->ticket);
    // Another connection sees it the moment submit returns: it is committed.
    CHECK(sql_int(db, "SELECT count(*) FROM requests WHERE ticket = '" + r->ticket + "'") == 1);
  }
  CHECK(tickets == std::vector<std::string>{"F-0001", "F-0002", "F-0003"});
  auto k1 = s->submit(make_request("hardship", "K"), 1'700'000'000'100);
  REQUIRE(k1.ok());
  CHECK(k1->ticket == "K-0001");

  auto f2 = s->find("F-0002");
  REQUIRE(f2);
  CHECK(f2->service_id == "legal");
  CHECK(f2->content_version == "test-1");
  CHECK(f2->state == RequestState::Queued);
  CHECK(f2->created_at_ms == 1'700'000'000'001);
  CHECK(f2->state_at_ms == 1'700'000'000'001);
  CHECK(f2->attempts == 0);
  REQUIRE(opened_answers(*f2));
  CHECK((*opened_answers(*f2))["topic"] == "wage_arrears");
  CHECK_FALSE(f2->answers);  // nothing in clear comes back from the file
  CHECK(s->find("f-0002"));  // tickets are read back from paper: case-insensitive
  CHECK(s->find(f2->id)->ticket == "F-0002");
  CHECK_FALSE(s->find("F-0999"));

  auto all = s->list(std::nullopt);
  REQUIRE(all.size() == 4);
  CHECK(all.front().ticket == "K-0001");  // newest first
  CHECK(all.back().ticket == "F-0001");
  CHECK(s->list(RequestState::Queued, 2).size() == 2);
  CHECK(s->list(RequestState::Queued, 10, 3).size() == 1);
  CHECK(s->list(RequestState::Delivered).empty());
}

TEST_CASE("ticket numbers grow past 9999 and are never reused") {
  TempDir dir;
  const auto db = dir.file("requests.db");
  {
    auto s = open_store(db);
    REQUIRE(s->submit(make_request(), 1).ok());
  }
  sql_exec(db, "UPDATE ticket_counters SET next = 9999 WHERE prefix = 'F'");
  auto s = open_store(db);
  CHECK(s->submit(make_request(), 2)->ticket == "F-9999");
  CHECK(s->submit(make_request(), 3)->ticket == "F-10000");
  // A refused request does not consume a number.
  auto full = s->submit(make_request("legal", "F", {{"slot:X", 0}}), 4);
  REQUIRE_FALSE(full.ok());
  CHECK(s->submit(make_request(), 5)->ticket == "F-10001");
  CHECK(sql_int(db, "SELECT count(DISTINCT ticket) FROM requests") == 4);
}

TEST_CASE("a malformed request is refused and nothing is stored") {
  TempDir dir;
  auto s = open_store(dir.file("requests.db"));
  auto bad_prefix = make_request("legal", "");
  auto r = s->submit(bad_prefix, 1);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::BadRequest);
  auto not_object = make_request();
  not_object.plan.answers = nlohmann::json::array();
  CHECK(s->submit(not_object, 1).error().kind == ErrorKind::BadRequest);
  CHECK(s->list(std::nullopt).empty());
}

TEST_CASE("uuid v7: layout, timestamp and order") {
  const int64_t ms = 1'732'240'000'123;
  const std::string a = make_uuid_v7(ms);
  REQUIRE(a.size() == 36);
  CHECK(a[8] == '-');
  CHECK(a[13] == '-');
  CHECK(a[18] == '-');
  CHECK(a[23] == '-');
  CHECK(a[14] == '7');
  CHECK(std::string("89ab").find(a[19]) != std::string::npos);
  std::string hex = a.substr(0, 8) + a.substr(9, 4);
  CHECK(std::stoll(hex, nullptr, 16) == ms);
  // Same millisecond: still strictly increasing and unique.
  std::string prev = a;
  std::set<std::string> seen{a};
  for (int i = 0; i < 10000; ++i) {
    std::string u = make_uuid_v7(ms);
    CHECK_MESSAGE(u > prev, u);
    CHECK(u[14] == '7');
    CHECK(std::string("89ab").find(u[19]) != std::string::npos);
    seen.insert(u);
    prev = u;
  }
  CHECK(seen.size() == 10001);
  CHECK(make_uuid_v7(ms + 1) > prev);
  // A clock that steps back does not break the order.
  CHECK(make_uuid_v7(ms - 5000) > prev);
}

TEST_CASE("capacity: places are counted at submit, a quarantined request gives its place back") {
  TempDir dir;
  auto s = open_store(dir.file("requests.db"));
  const std::vector<Reservation> slot{{"slot:S-20261201-AM", 2}};
  auto a = s->submit(make_request("legal", "F", slot), 1);
  auto b = s->submit(make_request("legal", "F", slot), 2);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(s->local_bookings("slot:S-20261201-AM") == 2);
  CHECK(s->local_bookings("slot:other") == 0);
  auto c = s->submit(make_request("legal", "F", slot), 3);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().kind == ErrorKind::SlotFull);
  CHECK(c.error().message == tr("store.slot_full"));
  CHECK_FALSE(c.error().message.zh.empty());
  CHECK(s->list(std::nullopt).size() == 2);

  REQUIRE(s->quarantine(a->id, "hub: slot cancelled", 4).ok());
  CHECK(s->local_bookings("slot:S-20261201-AM") == 1);
  auto d = s->submit(make_request("legal", "F", slot), 5);
  REQUIRE(d.ok());
  CHECK(d->ticket == "F-0003");
}

TEST_CASE("duplicates: a check is kept until its event or period is over, then purged with nothing else") {
  TempDir dir;
  auto s = open_store(dir.file("requests.db"));
  NewRequest r = make_request("childcare", "T");
  const std::string key = "childcare:P-2027W:" + s->dedup_hash("220102201706110528");
  r.plan.dedup_keys = {{key, "2027-02-05"}};  // the period's last day
  auto a = s->submit(r, 1764000000000);
  REQUIRE(a.ok());
  NewRequest dated = make_request("mixer", "L");
  dated.plan.dedup_keys = {{"mixer:M-202612:" + s->dedup_hash("22010012345"), "2026-12-26"}};
  REQUIRE(s->submit(dated, 1764000000000).ok());
  const auto at = [](int y, int m, int d, int hour) {
    return (Date{y, m, d}.days_since_epoch() * 86400LL + (hour - 8) * 3600LL) * 1000;  // China time
  };
  // The last day itself, late in the evening: both still hold.
  REQUIRE(s->purge_expired(at(2026, 12, 26, 23)).ok());
  CHECK(s->has_dedup_key(key));
  CHECK(sql_int(dir.file("requests.db"), "SELECT count(*) FROM dedup_keys") == 2);
  // The next morning the mixer's is gone; the period's is not over yet.
  REQUIRE(s->purge_expired(at(2026, 12, 27, 1)).ok());
  CHECK(sql_int(dir.file("requests.db"), "SELECT count(*) FROM dedup_keys") == 1);
  REQUIRE(s->purge_expired(at(2027, 2, 6, 9)).ok());
  CHECK_FALSE(s->has_dedup_key(key));
  CHECK(sql_int(dir.file("requests.db"), "SELECT count(*) FROM dedup_keys") == 0);
  // The requests themselves are untouched: still queued, answers sealed.
  auto t = s->find(a->ticket);
  REQUIRE(t);
  CHECK(t->state == RequestState::Queued);
  CHECK(t->has_answers());
}

TEST_CASE("duplicates: connections opening a new store at once all key with the same dedup.key") {
  for (int round = 0; round < 5; ++round) {
    TempDir dir;
    constexpr int kOpeners = 6;
    std::string hashes[kOpeners];
    std::vector<std::thread> threads;
    for (int i = 0; i < kOpeners; ++i)
      threads.emplace_back([&, i] {
        auto s = RequestStore::open(dir.file("requests.db"), sealed());
        if (s.ok()) hashes[i] = (*s)->dedup_hash("22010012345");
      });
    for (auto& t : threads) t.join();
    for (int i = 0; i < kOpeners; ++i) {
      CHECK_FALSE(hashes[i].empty());
      CHECK(hashes[i] == hashes[0]);
    }
    // Nothing of the writing left behind: only the key itself.
    int temporaries = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
      if (e.path().filename().string().rfind(".dedup.key.", 0) == 0) ++temporaries;
    CHECK(temporaries == 0);
  }
}

TEST_CASE("duplicates: a dedup key is taken once, quarantine releases it") {
  TempDir dir;
  auto s = open_store(dir.file("requests.db"));
  const std::vector<std::string> key{"mixer:M-202612:member:ABCDEF"};
  auto a = s->submit(make_request("mixer", "L", {}, key), 1);
  REQUIRE(a.ok());
  CHECK(s->has_dedup_key(key[0]));
  CHECK_FALSE(s->has_dedup_key("something else"));
  auto b = s->submit(make_request("mixer", "L", {}, key), 2);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().kind == ErrorKind::Duplicate);
  CHECK(b.error().message == tr("store.duplicate"));
  REQUIRE(s->quarantine(a->id, "hub: not a member", 3).ok());
  CHECK_FALSE(s->has_dedup_key(key[0]));
  auto c = s->submit(make_request("mixer", "L", {}, key), 4);
  REQUIRE(c.ok());
  CHECK(c->ticket == "L-0002");
}

TEST_CASE("capacity under contention: separate connections never overbook") {
  TempDir dir;
  const auto db = dir.file("requests.db");
  { open_store(db); }
  constexpr int kThreads = 4, kEach = 10, kCapacity = 7;
  std::atomic<int> ok{0}, full{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto s = RequestStore::open(db, sealed());
      if (!s.ok()) {
        other += kEach;
        return;
      }
      for (int i = 0; i < kEach; ++i) {
        auto r = (*s)->submit(make_request("childcare", "T", {{"class:C-2027S-A", kCapacity}}),
                              1000 * t + i);
        if (r.ok())
          ++ok;
        else if (r.error().kind == ErrorKind::SlotFull)
          ++full;
        else
          ++other;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(ok == kCapacity);
  CHECK(full == kThreads * kEach - kCapacity);
  CHECK(other == 0);
  CHECK(sql_int(db, "SELECT count(*) FROM requests") == kCapacity);
  CHECK(sql_int(db, "SELECT count(*) FROM reservations") == kCapacity);
  CHECK(sql_text(db, "SELECT max(ticket) FROM requests") == "T-0007");
}

TEST_CASE("settings are kept and overwritten") {
  TempDir dir;
  auto s = open_store(dir.file("requests.db"));
  CHECK_FALSE(s->setting("sync.cursor"));
  REQUIRE(s->set_setting("sync.cursor", "42").ok());
  REQUIRE(s->set_setting("sync.cursor", "43").ok());
  CHECK(s->setting("sync.cursor") == "43");
}

TEST_CASE("a missing file is created only when asked") {
  TempDir dir;
  StoreOptions o;
  o.create_if_missing = false;
  auto s = RequestStore::open(dir.file("requests.db"), sealed(o));
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == ErrorKind::StoreMissing);
  CHECK_FALSE(file_exists(dir.file("requests.db")));
}

TEST_CASE("a file that is not a database is refused and left exactly as it was") {
  TempDir dir;
  const auto db = dir.file("requests.db");
  std::string garbage;
  for (int i = 0; i < 10000; ++i) garbage += static_cast<char>((i * 7919) % 251);
  write_file(db, garbage);
  auto s = RequestStore::open(db, sealed());
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == ErrorKind::StoreDamaged);
  CHECK(s.error().message == tr("store.damaged"));
  CHECK_FALSE(s.error().message.en.empty());
  CHECK(read_file(db) == garbage);
  // Asking again changes nothing either.
  CHECK(RequestStore::open(db, sealed()).error().kind == ErrorKind::StoreDamaged);
  CHECK(read_file(db) == garbage);
}

TEST_CASE("a truncated database is refused and left exactly as it was") {
  for (const bool page_boundary : {true, false}) {
    CAPTURE(page_boundary);
    TempDir dir;
    const auto db = dir.file("requests.db");
    {
      auto s = open_store(db);
      for (int i = 0; i < 300; ++i) REQUIRE(s->submit(make_request("legal", "F", {}, {}, 200), i).ok());
    }
    REQUIRE_FALSE(file_exists(db + "-wal"));  // checkpointed at close
    std::string bytes = read_file(db);
    REQUIRE(bytes.size() > 16 * 4096);
    size_t cut = bytes.size() / 2;
    cut = page_boundary ? cut - cut % 4096 : cut - cut % 4096 + 1000;
    bytes.resize(cut);
    write_file(db, bytes);
    auto s = RequestStore::open(db, sealed());
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().kind == ErrorKind::StoreDamaged);
    CHECK(read_file(db) == bytes);
  }
}

TEST_CASE("a directory where the database should be is refused") {
  TempDir dir;
  REQUIRE(::mkdir(dir.file("requests.db").c_str(), 0700) == 0);
  auto s = RequestStore::open(dir.file("requests.db"), sealed());
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == ErrorKind::StoreDamaged);
}

TEST_CASE("state names round-trip") {
  for (auto st : {RequestState::Queued, RequestState::Sending, RequestState::Delivered,
                  RequestState::Handled, RequestState::Quarantined})
    CHECK(parse_request_state(to_string(st)) == st);
  CHECK_FALSE(parse_request_state("rejected"));
}

TEST_CASE("answers are sealed to the hub's key: the row holds no clear text and opens to exactly what was submitted") {
  TempDir dir;
  const auto db = dir.file("requests.db");
  auto s = open_store(db);
  NewRequest req = make_request("hardship", "K");
  req.plan.answers = {{"name", "欧阳震华"}, {"id_number", "22010419800101771X"}, {"phone", "13912345678"},
                      {"income_per_head", 850}, {"description", "丈夫住院\n透析"}};
  auto rec = s->submit(req, 1'700'000'000'000);
  REQUIRE(rec.ok());
  CHECK(sql_int(db, "SELECT count(*) FROM requests WHERE answers IS NULL AND answers_sealed IS NOT NULL") == 1);
  const std::string sealed_hex = sql_text(db, "SELECT hex(answers_sealed) FROM requests");
  CHECK(sealed_hex.size() == 2 * (req.plan.answers.dump().size() + 48));
  auto row = s->find(rec->ticket);
  REQUIRE(row);
  CHECK_FALSE(row->answers);
  CHECK(row->has_answers());
  auto opened = opened_answers(*row);
  REQUIRE(opened);
  CHECK(*opened == req.plan.answers);
  // Another key opens nothing.
  CHECK_FALSE(open_box(*make_box_keypair(), row->answers_sealed));
  // A flipped byte opens nothing either.
  std::string altered = row->answers_sealed;
  altered[altered.size() / 2] ^= 1;
  CHECK_FALSE(open_box(test_hub_keys(), altered));
  s.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string bytes = read_file(db + suffix);
    for (const char* secret : {"欧阳震华", "22010419800101771X", "13912345678", "透析"})
      CHECK_MESSAGE(bytes.find(secret) == std::string::npos, suffix << " holds " << secret);
  }
}

TEST_CASE("a store opened with no key to seal to refuses submit and writes nothing") {
  TempDir dir;
  const auto db = dir.file("requests.db");
  auto s = RequestStore::open(db);
  REQUIRE(s.ok());
  auto r = (*s)->submit(make_request(), 1);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::BadRequest);
  CHECK(sql_int(db, "SELECT count(*) FROM requests") == 0);
  CHECK(sql_int(db, "SELECT count(*) FROM ticket_counters") == 0);
}
