#include "sync/hub/group_commit.hpp"

#include <algorithm>

#include "kiosk/base/strings.hpp"
#include "sync/hub/hub_db_impl.hpp"

namespace kiosk::hub {

Status GroupCommit::run(Work work, bool durable) {
  Job job;
  job.work = std::move(work);
  job.durable = durable;
  std::unique_lock lk(mu_);
  queue_.push_back(&job);
  while (!job.done) {
    if (leading_) {
      job.cv.wait(lk);
      continue;
    }
    // No commit under way: this writer commits what is waiting (its own
    // work among it unless the group was full before it).
    leading_ = true;
    std::vector<Job*> group;
    while (!queue_.empty() && group.size() < max_group_) {
      group.push_back(queue_.front());
      queue_.pop_front();
    }
    lk.unlock();
    lead(group);
    lk.lock();
    ++counts_.commits;
    counts_.works += static_cast<long>(group.size());
    leading_ = false;
    for (Job* j : group) {
      j->done = true;
      if (j != &job) j->cv.notify_one();
    }
    // The first still waiting leads next (it may have arrived during this
    // commit or been left out of a full group).
    if (!queue_.empty()) queue_.front()->cv.notify_one();
  }
  return std::move(job.result);
}

GroupCommit::Counts GroupCommit::counts() const {
  std::lock_guard lk(mu_);
  return counts_;
}

size_t GroupCommit::waiting() const {
  std::lock_guard lk(mu_);
  return queue_.size();
}

void GroupCommit::lead(const std::vector<Job*>& group) {
  std::lock_guard lock(db_mu_);
  const auto exec = [this](const char* sql) { return cache_.exec(sql); };
  const bool durable = std::any_of(group.begin(), group.end(), [](Job* j) { return j->durable; });
  if (!durable) exec("PRAGMA synchronous=NORMAL");
  std::vector<Job*> open;  // done in the transaction now, not committed yet
  bool in_txn = false;
  // What was done in the transaction now is lost with it.
  const auto lose_open = [&](const Error& e) {
    for (Job* j : open)
      if (j->result) j->result = e;
    open.clear();
    in_txn = false;
  };
  for (Job* j : group) {
    if (!in_txn) {
      if (!exec("BEGIN IMMEDIATE")) {
        j->result = db_error(db_, "begin");
        continue;
      }
      in_txn = true;
    }
    if (!exec("SAVEPOINT work")) {
      j->result = db_error(db_, "savepoint");
      if (sqlite3_get_autocommit(db_)) lose_open(j->result.error());
      continue;
    }
    Status st = ok_status();
    try {
      st = j->work(cache_);
    } catch (...) {
      st = Error{ErrorKind::Io, tr("sync.hub.storage"), "", "write failed (exception)"};
    }
    if (!st) exec("ROLLBACK TO work");
    if (!sqlite3_get_autocommit(db_)) exec("RELEASE work");
    if (sqlite3_get_autocommit(db_)) {
      // A failure SQLite answers by rolling back the whole transaction (an
      // I/O error, a full disk): this work and all before it are gone.
      j->result = st ? db_error(db_, "transaction rolled back") : std::move(st);
      lose_open(j->result.error());
      continue;
    }
    j->result = std::move(st);
    open.push_back(j);
  }
  if (in_txn && !exec("COMMIT")) {
    Error e = db_error(db_, "commit");
    exec("ROLLBACK");
    lose_open(e);
  }
  if (!durable) exec("PRAGMA synchronous=FULL");
}

}  // namespace kiosk::hub
