// Power loss, simulated: writes not yet fsynced are undone (powerloss_vfs).
// Every ticket submit() returned before the cut must survive it, the file
// must pass integrity_check, and numbering goes on without reuse. A control
// shows the simulation loses commits that were not synced.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <map>
#include <random>

#include "kiosk/base/log.hpp"
#include "kiosk/store/store.hpp"
#include "powerloss_vfs.hpp"
#include "testkit.hpp"

using namespace kiosk;
using namespace kiosk::test;

TEST_CASE("the simulated power cut loses commits that were never synced (control)") {
  powerloss_vfs_register();
  TempDir dir;
  const auto db = dir.file("control.db");
  sqlite3* c = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, kPowerLossVfs) == SQLITE_OK);
  REQUIRE(sqlite3_exec(c,
                       "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t (x);"
                       "PRAGMA wal_checkpoint(TRUNCATE)",  // the table itself is durable
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  for (int i = 0; i < 20; ++i)
    REQUIRE(sqlite3_exec(c, "INSERT INTO t VALUES (1)", nullptr, nullptr, nullptr) == SQLITE_OK);
  powerloss_arm(0);  // dead: closing cannot checkpoint
  sqlite3_close(c);
  CHECK(powerloss_cut() > 0);
  CHECK(sql_int(db, "SELECT count(*) FROM t") < 20);
}

TEST_CASE("power cuts at random writes lose no ticket that was shown") {
  log::set_min_level(log::Level::Error);
  powerloss_vfs_register();
  TempDir dir;
  const auto db = dir.file("requests.db");
  StoreOptions o;
  o.vfs = kPowerLossVfs;
  std::mt19937 rng(4242);
  std::map<std::string, std::string> shown;  // ticket -> id
  long undone_total = 0;
  int mid_submit_cuts = 0;
  for (int round = 0; round < 30; ++round) {
    CAPTURE(round);
    // Die after a random number of writes: often inside a commit.
    powerloss_arm(static_cast<long>(rng() % 60));
    {
      auto s = RequestStore::open(db, sealed(o));
      if (s.ok()) {
        for (int i = 0; i < 12 && !powerloss_dead(); ++i) {
          auto r = (*s)->submit(make_request("legal", "F", {{"slot:S-1", 1'000'000}},
                                             {make_uuid_v7(now_ms())}, 200),
                                now_ms());
          // A submit during which the machine died showed nothing to anyone.
          if (powerloss_dead()) {
            ++mid_submit_cuts;
            break;
          }
          REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().detail));
          shown.emplace(r->ticket, r->id);
        }
      }
    }
    undone_total += powerloss_cut();
    auto s = RequestStore::open(db, sealed());  // the real disk, after the reboot
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().name() + " " + s.error().detail));
    CHECK((*s)->integrity_check().ok());
    for (const auto& [t, id] : shown) {
      auto rec = (*s)->find(t);
      REQUIRE_MESSAGE(rec, "shown before the cut, lost after it: " << t);
      CHECK(rec->id == id);
    }
    const int64_t n = sql_int(db, "SELECT count(*) FROM requests");
    CHECK(sql_int(db, "SELECT ifnull(max(CAST(substr(ticket, 3) AS INTEGER)), 0) FROM requests") == n);
  }
  MESSAGE(shown.size() << " tickets shown, " << mid_submit_cuts << " cuts inside a submit, "
                       << undone_total << " unsynced writes undone");
  CHECK(mid_submit_cuts > 5);
  CHECK(undone_total > 0);
  CHECK(shown.size() > 20);
}
