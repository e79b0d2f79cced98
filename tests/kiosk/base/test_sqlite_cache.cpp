#include <doctest/doctest.h>

#include <sqlite3.h>

#include "kiosk/base/sqlite.hpp"

using kiosk::SqlStatement;
using kiosk::StatementCache;

namespace {

struct MemDb {
  sqlite3* db = nullptr;
  MemDb() {
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE t(x INTEGER)", nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  ~MemDb() { sqlite3_close(db); }
};

}  // namespace

TEST_CASE("statement cache: a statement is prepared once and comes back reset, without its bindings") {
  MemDb m;
  StatementCache c(m.db);
  sqlite3_stmt* first = nullptr;
  {
    SqlStatement ins(c, "INSERT INTO t VALUES(?)");
    REQUIRE(ins.ok());
    ins.bind(1, 7);
    REQUIRE(ins.done());
    first = sqlite3_next_stmt(m.db, nullptr);
  }
  {
    SqlStatement ins(c, "INSERT INTO t VALUES(?)");
    // The same statement, its binding cleared: NULL is inserted, not 7 again.
    CHECK(sqlite3_next_stmt(m.db, nullptr) == first);
    CHECK(sqlite3_next_stmt(m.db, first) == nullptr);
    REQUIRE(ins.done());
  }
  SqlStatement q(c, "SELECT count(*), count(x), sum(x) FROM t");
  REQUIRE(q.row());
  CHECK(q.i64(0) == 2);
  CHECK(q.i64(1) == 1);
  CHECK(q.i64(2) == 7);
}

TEST_CASE("statement cache: the same SQL taken twice at once gives two statements, both kept") {
  MemDb m;
  StatementCache c(m.db);
  REQUIRE(c.exec("INSERT INTO t VALUES(1)"));
  REQUIRE(c.exec("INSERT INTO t VALUES(2)"));
  {
    SqlStatement outer(c, "SELECT x FROM t ORDER BY x");
    SqlStatement inner(c, "SELECT x FROM t ORDER BY x");
    REQUIRE(outer.row());
    REQUIRE(inner.row());
    REQUIRE(inner.row());
    CHECK(outer.i64(0) == 1);  // not moved by the inner one
    CHECK(inner.i64(0) == 2);
  }
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(m.db, nullptr); s; s = sqlite3_next_stmt(m.db, s)) {
    ++n;
    CHECK_FALSE(sqlite3_stmt_busy(s));  // given back reset: no read left open
  }
  CHECK(n == 4);  // the two SELECTs, and each INSERT text its own
}

TEST_CASE("statement cache: SQL that does not prepare fails its steps and is not kept") {
  MemDb m;
  StatementCache c(m.db);
  {
    SqlStatement bad(c, "SELEC nothing");
    CHECK_FALSE(bad.ok());
    CHECK(bad.step() == SQLITE_ERROR);
  }
  CHECK_FALSE(c.exec("INSERT INTO missing VALUES(1)"));
  CHECK(sqlite3_next_stmt(m.db, nullptr) == nullptr);
}

TEST_CASE("statement cache: destroyed, it finalises what it kept, so the connection closes") {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  {
    StatementCache c(db);
    REQUIRE(c.exec("CREATE TABLE t(x)"));
    SqlStatement s(c, "SELECT 1");
    REQUIRE(s.row());
  }
  CHECK(sqlite3_close(db) == SQLITE_OK);
}
