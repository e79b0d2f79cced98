// Group commit for the hub's one SQLite writer connection. Writers that
// arrive while a commit is on its way to disk wait for it, and then the
// first of them commits all that waited in one transaction: one fsync for
// many uploads, not one each. Each writer's work runs in a SAVEPOINT of its
// own, so one that fails (quota, a constraint, a full disk on its insert)
// is rolled back alone and the others are kept. run() returns only once the
// transaction holding the work is committed (durable: synchronous=FULL), or
// with the error that kept it from being committed.
//
// No thread of its own: the writer that finds no commit under way leads
// (takes the queue, holds the connection's mutex, commits), the others sleep
// until their work is done or it is their turn to lead. How many can wait is
// bounded by the threads that call run() (the HTTP server's event loops).
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include <sqlite3.h>

#include "kiosk/base/expected.hpp"
#include "kiosk/base/sqlite.hpp"

namespace kiosk::hub {

class GroupCommit {
 public:
  // Runs on the connection, inside the shared transaction and its own
  // savepoint; an error rolls back what it did and nothing else.
  // It is given the connection's statement cache (cache.db() is the
  // connection), so that its statements are prepared once.
  using Work = std::function<Status(StatementCache&)>;

  // `db_mu` guards the connection and its cache for everyone else too (the
  // admin's calls, reads).
  GroupCommit(StatementCache& cache, std::mutex& db_mu, size_t max_group = 64)
      : cache_(cache), db_(cache.db()), db_mu_(db_mu), max_group_(max_group) {}

  // `durable`: the caller acknowledges this work to a kiosk, so its commit
  // waits for fsync. A group of only non-durable work (heartbeats, the
  // advisory last_seen) is committed with synchronous=NORMAL: on disk at
  // the next durable commit or checkpoint, lost only in a power cut.
  Status run(Work work, bool durable = true);

  // For tests and the log: transactions committed, and works they held.
  struct Counts {
    long commits = 0, works = 0;
  };
  Counts counts() const;
  // Works queued behind the commit under way (for tests).
  size_t waiting() const;

 private:
  struct Job {
    Work work;
    bool durable = true;
    Status result = ok_status();
    bool done = false;
    // Its own, so that a commit wakes the writers it finished and the next
    // leader only, not every writer waiting (64 threads on two cores).
    std::condition_variable cv;
  };
  void lead(const std::vector<Job*>& group);

  StatementCache& cache_;
  sqlite3* db_;
  std::mutex& db_mu_;
  const size_t max_group_;
  mutable std::mutex mu_;
  std::deque<Job*> queue_;
  bool leading_ = false;
  Counts counts_;
};

}  // namespace kiosk::hub
