#include "sync/client/sync_client.hpp"
#include "kiosk/base/clock.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>

#include <algorithm>
#include <chrono>

#include "kiosk/base/log.hpp"
#include "kiosk/install/active_content.hpp"
#include "kiosk/install/paths.hpp"
#include "sync/client/cycle_lock.hpp"

namespace kiosk::sync {

namespace {

constexpr int64_t kPurgeEveryMs = 3'600'000;

// Changes when the pushed bundle is replaced (or appears, or goes).
int64_t dir_stamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

}  // namespace

SyncClient::SyncClient(RequestStore& store, HubSettings hub, TransportOptions t, BatchLimits b,
                       WallClock clock)
    : store_(store),
      hub_(hub),
      transport_(HubEndpoint{hub.hub_url, hub.hub_ca_file, hub.allow_plain_http_loopback, hub.token}, t),
      limits_(b),
      clock_(clock ? std::move(clock) : WallClock(unix_now_ms)),
      batch_items_(std::max(1, b.max_items)) {}

CycleReport SyncClient::pull_status() {
  CycleReport rep;
  std::string cursor = store_.setting(kSettingCursor).value_or("");
  for (int page = 0; page < 1000; ++page) {
    HubReply r = transport_.get(std::string(kPathStatus) + "?cursor=" + url_escape(cursor));
    if (r.kind != NetKind::Ok) {
      merge(rep, failed(r));
      return rep;
    }
    auto p = parse_status_page(r.body);
    if (!p) {
      merge(rep, bad_response(p.error().detail));
      return rep;
    }
    for (const auto& c : p->changes) {
      if (c.state != "handled") continue;
      auto st = store_.mark_handled(c.id, c.staff_note, c.at_ms);
      if (!st && st.error().kind != ErrorKind::NotFound) {
        // The cursor stays: the same page comes again next time.
        merge(rep, store_failed(st.error()));
        return rep;
      }
      if (st) ++rep.handled;
    }
    if (auto st = store_.set_setting(kSettingCursor, p->cursor); !st) {
      merge(rep, store_failed(st.error()));
      return rep;
    }
    cursor = p->cursor;
    if (!p->more) break;
  }
  rep.status_pulled = true;
  return rep;
}

std::string SyncClient::content_version(const std::string& data_dir) {
  // The touch UI records the bundle it shows when it starts.
  if (auto v = store_.setting(kSettingContentVersion); v && !v->empty()) return *v;
  // Without it (no UI on this data dir), the bundle the UI would show; the
  // whole bundle is read again only when the content directory changed.
  const DataDir dd{data_dir};
  const int64_t stamp = dir_stamp(dd.content_dir());
  if (stamp != content_stamp_) {
    content_stamp_ = stamp;
    content_version_.clear();
    if (auto c = load_active_content(dd); c) content_version_ = c->bundle.version;
  }
  return content_version_;
}

CycleReport SyncClient::send_heartbeat(const std::string& data_dir) {
  CycleReport rep;
  const int64_t now = clock_();
  QueueStats qs = store_.stats();
  Heartbeat h;
  h.app_version = KIOSK_VERSION;
  h.content_version = content_version(data_dir);
  h.queue_depth = qs.queued + qs.sending;
  h.quarantined = qs.quarantined;
  h.oldest_queued_age_s = qs.oldest_queued_ms > 0 ? std::max<int64_t>(0, (now - qs.oldest_queued_ms) / 1000) : 0;
  h.last_sync_error = store_.setting(kSettingLastError).value_or("");
  struct statvfs vfs {};
  if (::statvfs(data_dir.c_str(), &vfs) == 0)
    h.free_disk_bytes = static_cast<int64_t>(vfs.f_bavail) * static_cast<int64_t>(vfs.f_frsize);
  struct sysinfo si {};
  if (::sysinfo(&si) == 0) h.uptime_s = si.uptime;
  HubReply r = transport_.post(kPathHeartbeat, to_json(h));
  if (r.kind != NetKind::Ok) {
    merge(rep, failed(r));
    return rep;
  }
  rep.heartbeat_sent = true;
  return rep;
}

CycleReport SyncClient::run_cycle(const std::string& data_dir, bool heartbeat) {
  CycleReport rep;
  CycleLock lock(data_dir);
  if (!lock.held()) {
    rep.outcome = NetKind::Transient;
    rep.error = "busy";
    rep.lock_busy = true;
    rep.detail = "another sync cycle is running";
    return rep;
  }
  const int64_t start = clock_();
  (void)store_.set_setting(kSettingLastAttempt, std::to_string(start));
  // Under the lock, anything still "sending" belongs to a cycle that died
  // (a crash, a kill): it goes back to the queue, in its place.
  if (auto st = store_.requeue_all_sending("interrupted", start); !st) {
    merge(rep, store_failed(st.error()));
    return rep;
  }
  // Deliveries purge as they happen; this catches a kiosk where nothing new
  // is delivered for days, whose old answers must still go on time.
  if (last_purge_ms_ == 0 || start - last_purge_ms_ >= kPurgeEveryMs) {
    last_purge_ms_ = start;
    if (auto n = store_.purge_expired(start); !n)
      log::event(log::Level::Warn, "sync", "purge_failed", {{"code", n.error().name()}});
  }
  CycleReport up = upload_all();
  merge(rep, up);
  rep.uploaded_all = up.uploaded_all;
  const bool stop = rep.outcome == NetKind::Refused || rep.outcome == NetKind::Misconfigured ||
                    rep.store_failed;
  if (!stop && (rep.outcome == NetKind::Ok || rep.outcome == NetKind::Transient)) {
    // Status and heartbeat still go when an upload failed for a passing
    // reason: a busy hub may still answer them, and staff see the kiosk.
    if (rep.outcome == NetKind::Ok) {
      CycleReport st = pull_status();
      merge(rep, st);
      rep.status_pulled = st.status_pulled;
    }
    // The heartbeat reports this cycle's error, not the previous one.
    if (rep.outcome != NetKind::Ok)
      (void)store_.set_setting(kSettingLastError, rep.error);
    if (heartbeat) {
      CycleReport hb = send_heartbeat(data_dir);
      merge(rep, hb);
      rep.heartbeat_sent = hb.heartbeat_sent;
    } else {
      rep.heartbeat_sent = true;
    }
  }
  if (rep.ok()) {
    (void)store_.set_setting(kSettingLastError, "");
    (void)store_.set_setting(kSettingLastSuccess, std::to_string(clock_()));
  } else {
    (void)store_.set_setting(kSettingLastError, rep.error);
  }
  // A quiet cycle (nothing sent or received) every interval, all day, is
  // not worth a line in the journal.
  const bool quiet = rep.ok() && rep.batches == 0 && rep.handled == 0 && rep.quarantined == 0;
  log::event(!rep.ok() ? log::Level::Warn : quiet ? log::Level::Debug : log::Level::Info, "sync", "cycle",
             {{"result", rep.ok() ? std::string("ok") : rep.error},
              {"batches", rep.batches},
              {"accepted", rep.accepted},
              {"duplicates", rep.duplicates},
              {"quarantined", rep.quarantined},
              {"handled", rep.handled}});
  return rep;
}

}  // namespace kiosk::sync
