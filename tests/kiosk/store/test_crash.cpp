// The crash test: a child process submits in a loop and reports each ticket
// after submit() returns; we SIGKILL it at random moments, many times. Every
// ticket it reported must be in the file, tickets are unique and gap-free,
// and PRAGMA integrity_check says ok every time.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "kiosk/store/store.hpp"
#include "testkit.hpp"

using namespace kiosk;
using namespace kiosk::test;

namespace {

struct Round {
  std::vector<std::pair<std::string, std::string>> reported;  // ticket, id
  std::vector<std::string> errors;
};

// Runs the child for `run_ms`, kills it, returns what it said.
Round run_child(const std::string& db, int run_ms) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execl(CRASH_CHILD, CRASH_CHILD, db.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(run_ms);
  bool killed = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0 && !killed) {
      kill(pid, SIGKILL);
      killed = true;
    }
    pollfd p{fds[0], POLLIN, 0};
    poll(&p, 1, killed ? 1000 : static_cast<int>(left));
    if (p.revents & (POLLIN | POLLHUP)) {
      const ssize_t n = read(fds[0], buf, sizeof buf);
      if (n > 0) {
        out.append(buf, static_cast<size_t>(n));
      } else if (n == 0) {
        break;  // the child is gone (killed or exited)
      }
    }
  }
  close(fds[0]);
  if (!killed) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  Round r;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no newline: cut short, never reported
    std::istringstream w(line);
    std::string tag, ticket, id;
    w >> tag >> ticket >> id;
    if (tag == "T")
      r.reported.emplace_back(ticket, id);
    else
      r.errors.push_back(line);
  }
  return r;
}

}  // namespace

TEST_CASE("SIGKILL at random moments loses no reported ticket and never damages the file") {
  TempDir dir;
  const auto db = dir.file("requests.db");
  std::mt19937 rng(20261122);
  std::map<std::string, std::string> reported;  // ticket -> id
  constexpr int kRounds = 40;
  int early_kills = 0;
  for (int round = 0; round < kRounds; ++round) {
    CAPTURE(round);
    // A few rounds die while the file is being created or opened, the rest mid-stream.
    const int run_ms = round < 6 ? static_cast<int>(rng() % 8)
                                 : 20 + static_cast<int>(rng() % 250);
    Round r = run_child(db, run_ms);
    for (const auto& e : r.errors) FAIL_CHECK("child: " << e);
    if (r.reported.empty()) ++early_kills;
    for (const auto& [t, id] : r.reported) {
      CHECK_MESSAGE(reported.emplace(t, id).second, "ticket issued twice: " << t);
    }
    if (!test::file_exists(db)) continue;
    auto s = RequestStore::open(db, sealed());
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().name() + " " + s.error().detail));
    CHECK((*s)->integrity_check().ok());
    for (const auto& [t, id] : r.reported) {
      auto rec = (*s)->find(t);
      REQUIRE_MESSAGE(rec, "reported but lost: " << t);
      CHECK(rec->id == id);
      CHECK(rec->has_answers());
    }
  }
  MESSAGE(reported.size() << " tickets over " << kRounds << " kills (" << early_kills
                          << " before the first ticket)");
  CHECK(reported.size() > 40);  // ~800 here; a slow disk gives fewer, never none
  auto s = RequestStore::open(db, sealed());
  REQUIRE(s.ok());
  CHECK((*s)->integrity_check().ok());
  CHECK(sql_text(db, "PRAGMA integrity_check") == "ok");
  // Every reported ticket is there, and numbers are unique and gap-free: a
  // killed submit never got a number anyone saw, and gave it back.
  const int64_t n = sql_int(db, "SELECT count(*) FROM requests");
  CHECK(n >= static_cast<int64_t>(reported.size()));
  CHECK(sql_int(db, "SELECT count(DISTINCT ticket) FROM requests") == n);
  CHECK(sql_int(db, "SELECT count(DISTINCT id) FROM requests") == n);
  CHECK(sql_int(db, "SELECT max(CAST(substr(ticket, 3) AS INTEGER)) FROM requests") == n);
  for (const auto& [t, id] : reported) CHECK((*s)->find(t));
}
