// The hub's group commit on its own (writers that wait share the next
// transaction, one failing is rolled back alone), and ingest through it:
// the order in which an item's outcome is decided now that the form check
// runs before the lookup, and many kiosks uploading at once.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/base/strings.hpp"
#include "sync/hub/group_commit.hpp"
#include "sync/hub/hub_db.hpp"
#include "tests/sync/support/support.hpp"

using namespace kiosk;
using namespace kiosk::sync;

namespace {

constexpr int64_t kNow = 1'795'000'000'000;  // 2026-11-17, before the content's slots
const std::set<std::string> kServices = {"legal", "hardship", "mixer", "childcare"};

template <class F>
bool eventually(F f) {
  for (int i = 0; i < 1000; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return f();
}

struct RawDb {
  synctest::TempDir tmp;
  sqlite3* db = nullptr;
  std::mutex mu;
  std::unique_ptr<StatementCache> cache;
  RawDb() {
    REQUIRE(sqlite3_open((tmp.path + "/g.db").c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                             "CREATE TABLE t(x INTEGER)", nullptr, nullptr, nullptr) == SQLITE_OK);
    cache = std::make_unique<StatementCache>(db);
  }
  ~RawDb() {
    cache.reset();
    CHECK(sqlite3_close(db) == SQLITE_OK);  // no statement of the cache left behind
  }
  std::vector<int> rows() {
    std::lock_guard lock(mu);
    std::vector<int> out;
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT x FROM t ORDER BY x", -1, &s, nullptr);
    while (sqlite3_step(s) == SQLITE_ROW) out.push_back(sqlite3_column_int(s, 0));
    sqlite3_finalize(s);
    return out;
  }
};

Status insert(sqlite3* db, int x) {
  const std::string sql = "INSERT INTO t VALUES(" + std::to_string(x) + ")";
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    return Error{ErrorKind::Io, tr("sync.hub.storage"), "", "insert"};
  return ok_status();
}

std::string uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "0190a3b4-0000-7000-8000-%012d", n);
  return buf;
}

WireRequest item(int n, nlohmann::json answers) {
  WireRequest w;
  w.id = uuid(n);
  w.ticket = "F-" + std::to_string(1000 + n);
  w.service_id = "legal";
  w.content_version = "v1";
  w.created_at_ms = kNow;
  w.answers = std::move(answers);
  return w;
}

UploadBatch batch(std::vector<WireRequest> items) {
  UploadBatch b;
  b.requests = std::move(items);
  return b;
}

std::shared_ptr<const hub::HubKeys> keys_in(const std::string& dir) {
  auto k = hub::load_or_create_keys(dir + "/keys");
  REQUIRE(k.ok());
  return std::make_shared<const hub::HubKeys>(*k);
}

std::unique_ptr<hub::HubDb> open_db(const std::string& dir, bool with_content) {
  hub::HubDbOptions o;
  o.keys = keys_in(dir);
  if (with_content) {
    ContentLoad l = load_embedded_content();
    REQUIRE(l.bundle);
    o.content = std::make_shared<const ContentBundle>(std::move(*l.bundle));
  }
  auto d = hub::HubDb::open(dir + "/hub.db", o);
  REQUIRE(d.ok());
  return std::move(*d);
}

int64_t enrolled(hub::HubDb& db, const std::string& name) {
  auto c = db.add_kiosk(name, kNow, 3600000);
  REQUIRE(c.ok());
  REQUIRE(db.enroll(c->code, kNow, "127.0.0.1").ok());
  return c->kiosk_id;
}

}  // namespace

TEST_CASE("group commit: writers waiting while one commits share the next transaction") {
  RawDb d;
  hub::GroupCommit g(*d.cache, d.mu);
  std::atomic<bool> entered{false}, release{false};
  std::atomic<int> ok{0};
  std::vector<std::thread> ts;
  ts.emplace_back([&] {
    auto st = g.run([&](StatementCache& c) {
      entered = true;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return insert(c.db(), 0);
    });
    if (st) ++ok;
  });
  REQUIRE(eventually([&] { return entered.load(); }));
  for (int i = 1; i <= 3; ++i)
    ts.emplace_back([&, i] {
      if (g.run([i](StatementCache& c) { return insert(c.db(), i); })) ++ok;
    });
  REQUIRE(eventually([&] { return g.waiting() == 3; }));
  release = true;
  for (auto& t : ts) t.join();
  CHECK(ok == 4);
  CHECK(d.rows() == std::vector<int>{0, 1, 2, 3});
  const auto c = g.counts();
  CHECK(c.commits == 2);  // the first alone, then the three that waited together
  CHECK(c.works == 4);
}

TEST_CASE("group commit: a work that fails is rolled back alone, the others in its group are kept") {
  RawDb d;
  hub::GroupCommit g(*d.cache, d.mu);
  std::atomic<bool> entered{false}, release{false};
  std::thread first([&] {
    (void)g.run([&](StatementCache& c) {
      entered = true;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return insert(c.db(), 0);
    });
  });
  REQUIRE(eventually([&] { return entered.load(); }));
  std::atomic<int> failed_ok{-1}, good_ok{-1}, nondurable_ok{-1};
  std::thread failing([&] {
    auto st = g.run([](StatementCache& c) -> Status {
      (void)insert(c.db(), 1);  // written, then taken back with its savepoint
      return Error{ErrorKind::QuotaExceeded, tr("hub.quota_exceeded"), "", "refused"};
    });
    failed_ok = st ? 1 : 0;
  });
  REQUIRE(eventually([&] { return g.waiting() == 1; }));
  std::thread good([&] { good_ok = g.run([](StatementCache& c) { return insert(c.db(), 2); }) ? 1 : 0; });
  REQUIRE(eventually([&] { return g.waiting() == 2; }));
  std::thread light([&] {
    nondurable_ok = g.run([](StatementCache& c) { return insert(c.db(), 3); }, /*durable=*/false) ? 1 : 0;
  });
  REQUIRE(eventually([&] { return g.waiting() == 3; }));
  release = true;
  first.join();
  failing.join();
  good.join();
  light.join();
  CHECK(failed_ok == 0);
  CHECK(good_ok == 1);
  CHECK(nondurable_ok == 1);
  CHECK(d.rows() == std::vector<int>{0, 2, 3});
  CHECK(g.counts().commits == 2);
  // Alone, non-durable work commits with synchronous=NORMAL; FULL is back after.
  REQUIRE(g.run([](StatementCache& c) { return insert(c.db(), 4); }, false).ok());
  std::lock_guard lock(d.mu);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(d.db, "PRAGMA synchronous", -1, &s, nullptr);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  CHECK(sqlite3_column_int(s, 0) == 2);  // FULL
  sqlite3_finalize(s);
}

TEST_CASE("hub db: a stored item sent again is a duplicate even where today's form check refuses it") {
  synctest::TempDir dir;
  const nlohmann::json made_up = {{"no_such_field", "x"}};
  int64_t k = 0;
  {
    // Stored by a hub that checked no form (HubDbOptions::content null).
    auto db = open_db(dir.path, false);
    k = enrolled(*db, "A");
    auto r = db->ingest(k, batch({item(1, made_up)}), kServices, kNow);
    REQUIRE(r.ok());
    REQUIRE(r->results[0].result == ItemResult::Accepted);
  }
  auto db = open_db(dir.path, true);
  auto r = db->ingest(k,
                      batch({item(1, made_up),                              // as stored
                             item(1, {{"no_such_field", "y"}}),             // its id, another body
                             item(2, made_up),                              // new: the form decides
                             item(3, synctest::valid_answers("legal", 3, kNow)),
                             item(3, synctest::valid_answers("legal", 3, kNow))}),  // twice in one batch
                      kServices, kNow);
  REQUIRE(r.ok());
  REQUIRE(r->results.size() == 5);
  CHECK(r->results[0].result == ItemResult::Duplicate);
  CHECK(r->results[1].result == ItemResult::Rejected);
  CHECK(r->results[1].reason == "conflict");
  CHECK(r->results[2].result == ItemResult::Rejected);
  CHECK(r->results[2].reason == "invalid_answer:no_such_field:unknown_field");
  CHECK(r->results[3].result == ItemResult::Accepted);
  CHECK(r->results[4].result == ItemResult::Duplicate);
  CHECK(db->count_requests() == 2);
  // What was accepted opens as the canonical body it was.
  auto stored = db->find_request(k, uuid(3));
  REQUIRE(stored);
  CHECK(nlohmann::json::parse(stored->body)["answers"] == synctest::valid_answers("legal", 3, kNow));
}

TEST_CASE("hub db: many kiosks uploading at once are each stored once, in their own order") {
  synctest::TempDir dir;
  auto db = open_db(dir.path, true);
  const int kiosks = 8, batches = 12, per = 5;
  std::vector<int64_t> ids;
  for (int i = 0; i < kiosks; ++i) ids.push_back(enrolled(*db, "K" + std::to_string(i)));
  std::atomic<int> accepted{0}, failures{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < kiosks; ++i)
    ts.emplace_back([&, i] {
      for (int b = 0; b < batches; ++b) {
        std::vector<WireRequest> items;
        for (int j = 0; j < per; ++j) {
          const int n = b * per + j;
          items.push_back(item(n, synctest::valid_answers("legal", n, kNow)));
        }
        auto r = db->ingest(ids[static_cast<size_t>(i)], batch(items), kServices, kNow);
        if (!r) {
          ++failures;
          continue;
        }
        for (const auto& o : r->results)
          if (o.result == ItemResult::Accepted) ++accepted;
        (void)db->record_heartbeat(ids[static_cast<size_t>(i)], "{}", kNow);
      }
    });
  for (auto& t : ts) t.join();
  CHECK(failures == 0);
  CHECK(accepted == kiosks * batches * per);
  CHECK(db->count_requests() == kiosks * batches * per);
  for (int64_t k : ids) {
    auto last = db->find_request(k, uuid(batches * per - 1));
    REQUIRE(last);
    CHECK(last->kiosk_seq == batches * per);  // 1, 2, ... in the order it sent them
  }
}
