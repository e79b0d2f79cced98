#include "sync/hub/handler_pool.hpp"

#include <algorithm>

namespace kiosk::hub {

HandlerPool::HandlerPool(unsigned threads, size_t max_queued) : max_queued_(max_queued) {
  threads_.reserve(threads);
  for (unsigned i = 0; i < std::max(1u, threads); ++i) threads_.emplace_back([this] { loop(); });
}

HandlerPool::~HandlerPool() { stop(); }

bool HandlerPool::reserve() {
  std::lock_guard lock(mu_);
  if (reserved_ >= max_queued_) return false;
  ++reserved_;
  return true;
}

void HandlerPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      tasks_.push_back(std::move(task));
      cv_.notify_one();
      return;
    }
    --reserved_;
  }
  task();
}

void HandlerPool::loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stopping, and nothing left to run
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    --reserved_;
    lock.unlock();
    try {
      task();
    } catch (...) {
      // A task answers its own failures; nothing escapes into the pool.
    }
    lock.lock();
  }
}

void HandlerPool::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

size_t HandlerPool::queued() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

}  // namespace kiosk::hub
