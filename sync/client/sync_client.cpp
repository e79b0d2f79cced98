#include "sync/client/sync_client.hpp"
#include "kiosk/base/clock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include "kiosk/install/active_content.hpp"
#include "kiosk/install/config.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/install/paths.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/store/submit.hpp"

namespace kiosk::sync {

using nlohmann::json;

int64_t unix_ms() { return unix_now_ms(); }

namespace {

std::string read_file(const std::string& path, bool* exists = nullptr) {
  std::ifstream in(path, std::ios::binary);
  if (exists) *exists = static_cast<bool>(in);
  std::stringstream ss;
  if (in) ss << in.rdbuf();
  return ss.str();
}

// Written to a temporary file with `mode` from the start, synced, renamed:
// a crash leaves the old file or the new one, never half of one.
Status write_file_atomic(const std::string& path, const std::string& data, mode_t mode) {
  std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Error{ErrorKind::Io, tr("sync.write_failed"), "", "cannot create " + tmp};
  ::fchmod(fd, mode);
  bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Error{ErrorKind::Io, tr("sync.write_failed"), "", "cannot write " + path};
  }
  return ok_status();
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// The hub's error code when it sent one, else the transport's.
std::string reply_error(const HubReply& r) {
  if (auto e = parse_hub_error(r.body)) return e->error;
  return r.error;
}

// A process-wide advisory lock on data-dir/sync.lock: the UI's sync thread
// and a technician's `sync --once` never run a cycle at the same time, so
// batches leave the kiosk one at a time, in creation order.
class CycleLock {
 public:
  explicit CycleLock(const std::string& data_dir) {
    fd_ = ::open((data_dir + "/sync.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~CycleLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

void merge(CycleReport& into, const CycleReport& part) {
  into.batches += part.batches;
  into.accepted += part.accepted;
  into.duplicates += part.duplicates;
  into.quarantined += part.quarantined;
  into.handled += part.handled;
  if (part.outcome != NetKind::Ok && into.outcome == NetKind::Ok) {
    into.outcome = part.outcome;
    into.error = part.error;
    into.detail = part.detail;
    into.retry_after_s = part.retry_after_s;
  }
}

CycleReport failed(const HubReply& r) {
  CycleReport c;
  c.outcome = r.kind;
  // The transport's code is what the UI and the heartbeat show; the hub's
  // own error code, if any, goes with the detail.
  c.error = r.error;
  std::string hub_code = reply_error(r);
  c.detail = hub_code == r.error ? r.detail : r.detail + " (" + hub_code + ")";
  c.retry_after_s = r.retry_after_s;
  return c;
}

CycleReport store_failed(const Error& e) {
  CycleReport c;
  c.outcome = NetKind::Transient;
  c.error = store_failure_code(e.kind);
  c.detail = e.detail;
  return c;
}

}  // namespace

Expected<HubSettings> load_hub_settings(const std::string& data_dir) {
  DataDir dd{data_dir};
  HubSettings s;
  bool exists = false;
  std::string hub = read_file(data_dir + "/hub.json", &exists);
  if (exists) {
    json j = json::parse(hub, nullptr, false);
    if (j.is_object()) {
      s.hub_url = j.value("hub_url", "");
      s.hub_ca_file = j.value("hub_ca_file", "");
      s.allow_plain_http_loopback = j.value("allow_plain_http_loopback", false);
      s.kiosk_id = j.value("kiosk_id", "");
      s.kiosk_name = j.value("kiosk_name", "");
    }
  }
  auto cfg = load_config(dd.config_file());
  if (!cfg) return Error{ErrorKind::Config, cfg.error().message, cfg.error().field, cfg.error().detail};
  // An installer's config.json wins over what enrollment recorded.
  if (!cfg->hub_url.empty()) {
    s.hub_url = cfg->hub_url;
    s.hub_ca_file = cfg->hub_ca_file;
    s.allow_plain_http_loopback = cfg->allow_plain_http_loopback;
  } else if (!cfg->hub_ca_file.empty()) {
    s.hub_ca_file = cfg->hub_ca_file;
  }
  if (s.kiosk_name.empty()) s.kiosk_name = cfg->kiosk_name;

  struct stat st {};
  const std::string token_file = dd.device_token_file();
  if (::stat(token_file.c_str(), &st) == 0) {
    if ((st.st_mode & 077) != 0) {
      // Someone loosened it: tighten rather than refuse, and say so.
      if (::chmod(token_file.c_str(), 0600) != 0)
        return Error{ErrorKind::TokenUnsafe, tr("sync.token_unsafe"), "", "device-token is readable by others"};
      log::event(log::Level::Warn, "sync", "device-token mode tightened to 0600");
    }
    s.token = trim(read_file(token_file));
  }
  return s;
}

Expected<EnrollResponse> enroll_kiosk(const std::string& data_dir, const std::string& hub_url,
                                      const std::string& code, const std::string& ca_file,
                                      bool allow_plain_http_loopback, TransportOptions t) {
  if (auto st = check_hub_url(hub_url, allow_plain_http_loopback); !st) return st.error();
  std::string ca_copy;
  if (!ca_file.empty()) {
    bool exists = false;
    std::string pem = read_file(ca_file, &exists);
    if (!exists || pem.find("BEGIN CERTIFICATE") == std::string::npos)
      return Error{ErrorKind::BadCa, tr("sync.bad_ca"), "--ca", "not a PEM certificate file"};
    ca_copy = data_dir + "/hub-ca.pem";
    if (auto st = write_file_atomic(ca_copy, pem, 0644); !st) return st.error();
  }
  HubTransport tr_(HubEndpoint{hub_url, ca_copy, allow_plain_http_loopback, ""}, t);
  EnrollRequest req{normalize_enroll_code(code), KIOSK_VERSION};
  HubReply r = tr_.post(kPathEnroll, to_json(req));
  if (r.kind != NetKind::Ok) {
    const std::string c = reply_error(r);
    const ErrorKind kind = error_kind_named(c).value_or(ErrorKind::HubError);
    std::string key = kind == ErrorKind::InvalidCode ? "sync.enroll.invalid_code"
                      : kind == ErrorKind::Revoked   ? "sync.revoked"
                                                     : "sync.error." + r.error;
    return Error{kind, tr(key), "", r.detail};
  }
  auto e = parse_enroll_response(r.body);
  if (!e) return Error{ErrorKind::BadResponse, tr("sync.error.bad_response"), "", e.error().detail};
  if (auto st = write_file_atomic(DataDir{data_dir}.device_token_file(), e->token + "\n", 0600); !st)
    return st.error();
  // Where the hub is goes into config.json (the install's settings, read by
  // the UI and everything else); other keys there are kept as they are.
  {
    const std::string cfg_path = DataDir{data_dir}.config_file();
    bool exists = false;
    std::string text = read_file(cfg_path, &exists);
    json cfg = exists ? json::parse(text, nullptr, false) : json::object();
    if (!cfg.is_object())
      return Error{ErrorKind::Config, tr("sync.error.config"), "config.json", "config.json is not a JSON object"};
    cfg["hub_url"] = hub_url;
    cfg["hub_ca_file"] = ca_copy;
    cfg["allow_plain_http_loopback"] = allow_plain_http_loopback;
    if (auto st = write_file_atomic(cfg_path, cfg.dump(2) + "\n", 0644); !st) return st.error();
  }
  json hub{{"hub_url", hub_url}, {"hub_ca_file", ca_copy},
           {"allow_plain_http_loopback", allow_plain_http_loopback}, {"kiosk_id", e->kiosk_id},
           {"kiosk_name", e->kiosk_name}, {"enrolled_at_ms", unix_ms()}};
  if (auto st = write_file_atomic(data_dir + "/hub.json", hub.dump(2) + "\n", 0600); !st)
    return st.error();
  log::event(log::Level::Info, "sync", "enrolled", {{"kiosk_id", e->kiosk_id}});
  return e;
}

SyncClient::SyncClient(RequestStore& store, HubSettings hub, TransportOptions t, BatchLimits b)
    : store_(store),
      hub_(hub),
      transport_(HubEndpoint{hub.hub_url, hub.hub_ca_file, hub.allow_plain_http_loopback, hub.token}, t),
      limits_(b),
      batch_items_(std::max(1, b.max_items)) {}

CycleReport SyncClient::upload_all(int max_batches) {
  CycleReport rep;
  // After a whole batch is refused (400/413) its items go one by one, so the
  // one bad item is found and quarantined and the others pass.
  int singles_left = 0;
  for (;;) {
    if (max_batches > 0 && rep.batches >= max_batches) return rep;
    const int64_t now = unix_ms();
    int n = singles_left > 0 ? 1 : batch_items_;
    auto claimed = store_.claim_batch(n, limits_.max_bytes, now);
    if (!claimed) {
      merge(rep, store_failed(claimed.error()));
      return rep;
    }
    auto& items = *claimed;
    if (items.empty()) {
      rep.uploaded_all = true;
      return rep;
    }
    std::vector<std::string> ids;
    UploadBatch batch;
    batch.kiosk_time_ms = now;
    for (auto& it : items) {
      ids.push_back(it.id);
      WireRequest w;
      w.id = it.id;
      w.ticket = it.ticket;
      w.service_id = it.service_id;
      w.content_version = it.content_version;
      w.created_at_ms = it.created_at_ms;
      w.answers = it.answers ? *it.answers : json::object();
      batch.requests.push_back(std::move(w));
    }
    ++rep.batches;
    HubReply r = transport_.post(kPathRequests, to_json(batch));
    if (singles_left > 0) --singles_left;

    if (r.kind == NetKind::Ok) {
      auto resp = parse_upload_response(r.body);
      if (!resp) {
        // 200 with a body we cannot read (a proxy's page?): nothing is known,
        // so everything is sent again; the hub answers "duplicate" if it had it.
        (void)store_.requeue(ids, "bad_response", unix_ms());
        CycleReport f;
        f.outcome = NetKind::Transient;
        f.error = "bad_response";
        f.detail = resp.error().detail;
        merge(rep, f);
        return rep;
      }
      std::map<std::string, const ItemOutcome*> by_id;
      for (const auto& o : resp->results) by_id[o.id] = &o;
      std::vector<std::string> delivered, missing;
      for (const auto& id : ids) {
        auto it = by_id.find(id);
        if (it == by_id.end()) {
          missing.push_back(id);
        } else if (it->second->result == ItemResult::Rejected) {
          auto st = store_.quarantine(id, "hub_rejected:" + it->second->reason, unix_ms());
          if (!st) {
            merge(rep, store_failed(st.error()));
            return rep;
          }
          ++rep.quarantined;
          log::event(log::Level::Warn, "sync", "request rejected by hub",
                     {{"id", id}, {"reason", it->second->reason}});
        } else {
          delivered.push_back(id);
          if (it->second->result == ItemResult::Accepted) ++rep.accepted;
          else ++rep.duplicates;
        }
      }
      if (auto st = store_.mark_delivered(delivered, unix_ms()); !st) {
        merge(rep, store_failed(st.error()));
        return rep;
      }
      if (!missing.empty()) {
        (void)store_.requeue(missing, "no_result", unix_ms());
        CycleReport f;
        f.outcome = NetKind::Transient;
        f.error = "bad_response";
        f.detail = "results missing for some items";
        merge(rep, f);
        return rep;
      }
      batch_items_ = std::min(limits_.max_items, batch_items_ * 2);
      continue;
    }
    if (r.kind == NetKind::Rejected) {
      if (ids.size() > 1) {
        (void)store_.requeue(ids, reply_error(r), unix_ms());
        singles_left = static_cast<int>(ids.size());
        continue;
      }
      auto st = store_.quarantine(ids[0], "hub_rejected:" + reply_error(r), unix_ms());
      if (!st) {
        merge(rep, store_failed(st.error()));
        return rep;
      }
      ++rep.quarantined;
      log::event(log::Level::Warn, "sync", "request refused by hub",
                 {{"id", ids[0]}, {"status", static_cast<int64_t>(r.status)}});
      continue;
    }
    // Transient, Refused, Misconfigured: the batch goes back, in order.
    (void)store_.requeue(ids, r.error, unix_ms());
    if (r.kind == NetKind::Transient) batch_items_ = std::max(1, static_cast<int>(ids.size()) / 2);
    merge(rep, failed(r));
    return rep;
  }
}

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
      CycleReport f;
      f.outcome = NetKind::Transient;
      f.error = "bad_response";
      f.detail = p.error().detail;
      merge(rep, f);
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

CycleReport SyncClient::send_heartbeat(const std::string& data_dir) {
  CycleReport rep;
  const int64_t now = unix_ms();
  QueueStats qs = store_.stats();
  Heartbeat h;
  h.app_version = KIOSK_VERSION;
  h.content_version = store_.setting("content_version").value_or("");
  if (h.content_version.empty()) {
    // The bundle the kiosk is showing: the pushed one if it checks clean, else the embedded one.
    if (auto c = load_active_content(DataDir{data_dir}); c) h.content_version = c->bundle.version;
  }
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
    rep.detail = "another sync cycle is running";
    return rep;
  }
  const int64_t start = unix_ms();
  (void)store_.set_setting(kSettingLastAttempt, std::to_string(start));
  // Under the lock, anything still "sending" belongs to a cycle that died
  // (a crash, a kill): it goes back to the queue, in its place.
  if (auto st = store_.requeue_all_sending("interrupted", start); !st) {
    merge(rep, store_failed(st.error()));
    return rep;
  }
  CycleReport up = upload_all();
  merge(rep, up);
  rep.uploaded_all = up.uploaded_all;
  const bool stop = rep.outcome == NetKind::Refused || rep.outcome == NetKind::Misconfigured ||
                    rep.error.rfind("store_", 0) == 0;
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
    (void)store_.set_setting(kSettingLastSuccess, std::to_string(unix_ms()));
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
