#include "sync/client/sync_service.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "kiosk/base/clock.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/store/store.hpp"
#include "sync/client/sync_client.hpp"

namespace kiosk::sync {

namespace {

int64_t file_mtime_ns(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

}  // namespace

SyncServiceOptions sync_service_options(const Install& install) {
  SyncServiceOptions so;
  so.idle_interval_s = install.config().sync_interval_s;
  so.backoff_max_ms = install.config().sync_backoff_max_s * 1000;
  return so;
}

struct SyncService::Impl {
  std::string data_dir;
  WallClock clock;
  SyncServiceOptions opts;
  mutable std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::atomic<bool> abort{false};  // ends an exchange in flight when stopping
  bool wake = false;
  SyncStatus status;
  std::thread thread;
  std::mt19937_64 rng{std::random_device{}()};

  // Owned by the thread.
  std::unique_ptr<RequestStore> store;
  StoreOptions store_opts;
  std::unique_ptr<SyncClient> client;
  int connections_before = 0;  // by the clients replaced so far

  void publish(const SyncStatus& s) {
    std::lock_guard lock(mu);
    status = s;
  }

  enum class Woke { Stop, Now, Deadline };
  // Sleeps until `deadline` (monotonic ms), send_now() or stop().
  Woke wait_until(int64_t deadline) {
    std::unique_lock lock(mu);
    while (!stopping && !wake) {
      int64_t left = deadline - monotonic_ms();
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

  // The queue, opened again when the install's options for it change (a
  // technician edited retention_days): every purge uses what the config says.
  void open_store(const Install& install, SyncStatus& st) {
    StoreOptions want = install.store_options();
    if (store && want.retention_ms == store_opts.retention_ms) return;
    client.reset();  // it holds a reference to the old store
    store.reset();
    auto s = install.open_store();
    if (s) {
      store = std::move(*s);
      store_opts = want;
    } else {
      st.last_error = store_failure_code(s.error().kind);
    }
  }

  // One client for as long as the hub's settings stay: its transport keeps
  // the connection to the hub alive from one cycle to the next.
  SyncClient& client_for(const HubSettings& hub) {
    if (!client || client->hub() != hub) {
      if (client) connections_before += client->connections_opened();
      TransportOptions t;
      t.connect_timeout_ms = opts.connect_timeout_ms;
      t.total_timeout_ms = opts.total_timeout_ms;
      t.abort = &abort;
      client = std::make_unique<SyncClient>(*store, hub, t, BatchLimits{}, clock);
    }
    return *client;
  }

  void count_queue(SyncStatus& st) {
    if (!store) return;
    QueueStats qs = store->stats();
    st.waiting = qs.queued + qs.sending;
    st.quarantined = qs.quarantined;
  }

  // Waits and backoff run on the monotonic clock: a wall clock set back (NTP,
  // a test's injected clock) never stretches or cuts a wait.
  void run() {
    SyncStatus st;
    int failures = 0;
    int64_t last_heartbeat = 0;
    bool heartbeat_ever = false;
    int64_t stopped_token_mtime = -1, stopped_cfg_mtime = -1;
    const DataDir dd{data_dir};
    while (true) {
      // Read again every time: a kiosk enrolled (or reconfigured) while it
      // runs is picked up without a restart.
      auto install = Install::open(data_dir, clock);
      open_store(install ? *install : Install::defaults(data_dir, clock), st);
      int64_t next = monotonic_ms() + opts.idle_interval_s * 1000LL;
      // A broken config.json stops the sync (code "config") until it is fixed.
      Expected<HubSettings> hub =
          install ? install->hub()
                  : Expected<HubSettings>(Error{ErrorKind::Config, install.error().message,
                                                install.error().field, install.error().detail});
      st.hub_configured = hub && hub->configured();
      count_queue(st);
      if (!hub) {
        st.online = false;
        st.stopped = true;
        st.last_error = hub.error().name();
      } else if (!hub->configured()) {
        st.online = false;
        st.last_error.clear();
      } else if (st.stopped && stopped_token_mtime == file_mtime_ns(dd.device_token_file()) &&
                 stopped_cfg_mtime == file_mtime_ns(dd.config_file()) && !woken_) {
        // Refused or misconfigured: nothing changes until a technician
        // re-enrolls or fixes the config, so the hub is not hammered.
      } else if (store) {
        st.stopped = false;
        SyncClient& c = client_for(*hub);
        const bool hb = !heartbeat_ever || monotonic_ms() - last_heartbeat >= opts.heartbeat_interval_s * 1000LL;
        CycleReport rep = c.run_cycle(data_dir, hb);
        ++st.cycles;
        st.connections = connections_before + c.connections_opened();
        count_queue(st);
        if (rep.heartbeat_sent && hb) {
          last_heartbeat = monotonic_ms();
          heartbeat_ever = true;
        }
        if (rep.ok()) {
          failures = 0;
          st.online = true;
          st.last_error.clear();
          st.last_success_ms = clock();
        } else if (rep.lock_busy) {
          next = monotonic_ms() + 1000;  // a technician's cycle is running
        } else {
          // Online: the hub answered, even if only to say it is busy.
          st.online = rep.outcome == NetKind::Transient && rep.reach != Reach::Down;
          st.last_error = rep.error;
          if (rep.outcome == NetKind::Refused || rep.outcome == NetKind::Misconfigured) {
            st.stopped = true;
            stopped_token_mtime = file_mtime_ns(dd.device_token_file());
            stopped_cfg_mtime = file_mtime_ns(dd.config_file());
            log::event(log::Level::Error, "sync", "stopped: hub refused this kiosk or config",
                       {{"error", rep.error}});
          } else {
            ++failures;
            int64_t delay = backoff_ms(failures);
            if (rep.retry_after_s >= 0)
              delay = std::max<int64_t>(rep.retry_after_s * 1000LL, opts.backoff_base_ms / 2);
            next = monotonic_ms() + delay;
          }
        }
      }
      woken_ = false;
      st.next_attempt_ms = clock() + std::max<int64_t>(0, next - monotonic_ms());
      publish(st);
      // Between cycles the waiting count is refreshed every 2 s, so a request
      // just submitted shows up in the UI without a network exchange. With
      // no hub there is nothing to show it beside: sleep to the next look.
      Woke w = Woke::Deadline;
      while (true) {
        w = wait_until(st.hub_configured ? std::min(next, monotonic_ms() + 2000) : next);
        if (w != Woke::Deadline || monotonic_ms() >= next) break;
        if (store) {
          count_queue(st);
          publish(st);
        }
      }
      if (w == Woke::Stop) break;
      woken_ = w == Woke::Now;
    }
    client.reset();
    store.reset();
  }
  bool woken_ = false;  // this loop was started by send_now()
};

SyncService::SyncService(const Install& install, SyncServiceOptions opts)
    : impl_(std::make_unique<Impl>()) {
  impl_->data_dir = install.root();
  impl_->clock = install.clock();
  impl_->opts = opts;
}

SyncService::SyncService(std::string data_dir, SyncServiceOptions opts)
    : SyncService(Install::defaults(std::move(data_dir)), opts) {}

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
