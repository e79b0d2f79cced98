#include "sync/client/sync_service.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "kiosk/base/log.hpp"
#include "kiosk/install/paths.hpp"
#include "kiosk/store/store.hpp"
#include "kiosk/base/strings.hpp"
#include "sync/client/sync_client.hpp"

namespace kiosk::sync {

namespace {

int64_t file_mtime_ns(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

}  // namespace

struct SyncService::Impl {
  std::string data_dir;
  SyncServiceOptions opts;
  mutable std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::atomic<bool> abort{false};  // ends an exchange in flight when stopping
  bool wake = false;
  SyncStatus status;
  std::thread thread;
  std::mt19937_64 rng{std::random_device{}()};

  void publish(const SyncStatus& s) {
    std::lock_guard lock(mu);
    status = s;
  }

  enum class Woke { Stop, Now, Deadline };
  // Sleeps until `deadline_ms`, send_now() or stop().
  Woke wait_until(int64_t deadline_ms) {
    std::unique_lock lock(mu);
    while (!stopping && !wake) {
      int64_t left = deadline_ms - unix_ms();
      if (left <= 0) return Woke::Deadline;
      cv.wait_for(lock, std::chrono::milliseconds(left));
    }
    if (stopping) return Woke::Stop;
    wake = false;
    return Woke::Now;
  }

  int64_t backoff_ms(int failures) {
    // Full jitter over an exponential window: kiosks that lost the network
    // together do not all come back in the same second.
    double window = opts.backoff_base_ms * std::pow(2.0, std::min(failures - 1, 20));
    window = std::min<double>(window, opts.backoff_max_ms);
    std::uniform_real_distribution<double> d(window / 2, window);
    return static_cast<int64_t>(d(rng));
  }

  void run() {
    SyncStatus st;
    std::unique_ptr<RequestStore> store;
    int failures = 0;
    int64_t last_heartbeat = 0;
    int64_t stopped_token_mtime = -1, stopped_hub_mtime = -1, stopped_cfg_mtime = -1;
    DataDir dd{data_dir};
    while (true) {
      if (!store) {
        auto s = RequestStore::open(dd.requests_db());
        if (s) {
          store = std::move(*s);
        } else {
          st.last_error = store_failure_code(s.error().kind);
          st.last_error_text = s.error().message;
        }
      }
      int64_t next = unix_ms() + opts.idle_interval_s * 1000LL;
      auto hub = load_hub_settings(data_dir);
      st.hub_configured = hub && hub->configured();
      if (store) {
        QueueStats qs = store->stats();
        st.waiting = qs.queued + qs.sending;
        st.quarantined = qs.quarantined;
      }
      if (!hub) {
        st.online = false;
        st.stopped = true;
        st.last_error = hub.error().name();
        st.last_error_text = hub.error().message;
      } else if (!hub->configured()) {
        st.online = false;
        st.last_error.clear();
        st.last_error_text = {};
      } else if (st.stopped && stopped_token_mtime == file_mtime_ns(dd.device_token_file()) &&
                 stopped_hub_mtime == file_mtime_ns(data_dir + "/hub.json") &&
                 stopped_cfg_mtime == file_mtime_ns(dd.config_file()) && !woken_) {
        // Refused or misconfigured: nothing changes until a technician
        // re-enrolls or fixes the config, so the hub is not hammered.
      } else if (store) {
        st.stopped = false;
        TransportOptions t;
        t.connect_timeout_ms = opts.connect_timeout_ms;
        t.total_timeout_ms = opts.total_timeout_ms;
        t.abort = &abort;
        SyncClient client(*store, *hub, t);
        const bool hb = unix_ms() - last_heartbeat >= opts.heartbeat_interval_s * 1000LL;
        CycleReport rep = client.run_cycle(data_dir, hb);
        QueueStats qs = store->stats();
        st.waiting = qs.queued + qs.sending;
        st.quarantined = qs.quarantined;
        if (rep.heartbeat_sent && hb) last_heartbeat = unix_ms();
        if (rep.ok()) {
          failures = 0;
          st.online = true;
          st.last_error.clear();
          st.last_error_text = {};
          st.last_success_ms = unix_ms();
        } else if (rep.error == "busy") {
          next = unix_ms() + 1000;  // a technician's cycle is running
        } else {
          st.online = rep.outcome == NetKind::Transient && rep.error != "offline" &&
                      rep.error != "timeout" && rep.error != "connection_lost";
          st.last_error = rep.error;
          st.last_error_text = tr("sync.error." + rep.error);
          if (rep.outcome == NetKind::Refused || rep.outcome == NetKind::Misconfigured) {
            st.stopped = true;
            stopped_token_mtime = file_mtime_ns(dd.device_token_file());
            stopped_hub_mtime = file_mtime_ns(data_dir + "/hub.json");
            stopped_cfg_mtime = file_mtime_ns(dd.config_file());
            log::event(log::Level::Error, "sync", "stopped: hub refused this kiosk or config",
                       {{"error", rep.error}});
          } else {
            ++failures;
            int64_t delay = backoff_ms(failures);
            if (rep.retry_after_s >= 0)
              delay = std::max<int64_t>(rep.retry_after_s * 1000LL, opts.backoff_base_ms / 2);
            next = unix_ms() + delay;
          }
        }
      }
      woken_ = false;
      st.next_attempt_ms = next;
      publish(st);
      // Between cycles the waiting count is refreshed every 2 s, so a request
      // just submitted shows up in the UI without a network exchange. With
      // no hub there is nothing to show it beside: sleep to the next look.
      Woke w = Woke::Deadline;
      while (true) {
        w = wait_until(st.hub_configured ? std::min(next, unix_ms() + 2000) : next);
        if (w != Woke::Deadline || unix_ms() >= next) break;
        if (store) {
          QueueStats qs = store->stats();
          st.waiting = qs.queued + qs.sending;
          st.quarantined = qs.quarantined;
          publish(st);
        }
      }
      if (w == Woke::Stop) break;
      woken_ = w == Woke::Now;
    }
  }
  bool woken_ = false;  // this loop was started by send_now()
};

SyncService::SyncService(std::string data_dir, SyncServiceOptions opts)
    : impl_(std::make_unique<Impl>()) {
  impl_->data_dir = std::move(data_dir);
  impl_->opts = opts;
}

SyncService::~SyncService() { stop(); }

void SyncService::start() {
  if (impl_->thread.joinable()) return;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = false;
    impl_->abort = false;
  }
  impl_->thread = std::thread([this] { impl_->run(); });
}

void SyncService::stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
    impl_->abort = true;
  }
  impl_->cv.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void SyncService::send_now() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->wake = true;
  }
  impl_->cv.notify_all();
}

SyncStatus SyncService::status() const {
  std::lock_guard lock(impl_->mu);
  return impl_->status;
}

}  // namespace kiosk::sync
