// The threads that run the hub's route handlers, away from the HTTP event
// loops: a handler waits for a database commit (an fsync, shared with the
// other writers: group_commit.hpp), and an event loop that waited with it
// would hold up every connection it serves. Requests are taken in the order
// they arrived, whichever connection and event loop they came on, so every
// kiosk waits about as long as any other. Bounded: past `max_queued`
// requests waiting for a thread, reserve() says no and the request is
// answered 503 busy with a Retry-After (the kiosk keeps its queue and
// comes back).
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace kiosk::hub {

class HandlerPool {
 public:
  HandlerPool(unsigned threads, size_t max_queued);
  ~HandlerPool();
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  // A place in the queue, or false when it is full. Every true is followed
  // by exactly one submit().
  bool reserve();
  // Runs `task` on a pool thread (in the caller's thread once stop() began).
  void submit(std::function<void()> task);
  // Runs what is queued, then joins the threads. Idempotent.
  void stop();

  size_t queued() const;

 private:
  void loop();

  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  size_t reserved_ = 0;  // places promised: queued tasks and those about to be
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace kiosk::hub
