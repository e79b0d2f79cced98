// `union-kiosk sync --once | sync status` and `union-kiosk enroll`: the
// technician's view of the sync, and what the tests drive.
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "kiosk/base/args.hpp"
#include "kiosk/base/exit_codes.hpp"
#include "kiosk/base/failure_output.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/install/install.hpp"
#include "kiosk/store/store.hpp"
#include "sync/client/enrollment.hpp"
#include "sync/client/sync_client.hpp"

namespace kiosk::cli {

namespace {

using nlohmann::json;
using sync::NetKind;

// What each outcome of sync and enroll exits with (kiosk/base/exit_codes.hpp).
enum Exit {
  kOk = kExitOk,
  kRefused = kExitRefused,
  kNotConfigured = kExitCannotWork,
  kStore = kExitCannotWork,
  kRetryLater = kExitRetryLater,
};

void say_error(CliEnv& env, const Error& e) { print_failure(*env.out, *env.err, env.json, e, 0); }

// The install's config error as sync has always reported it ("config").
Error config_error(const Error& e) { return Error{ErrorKind::Config, e.message, e.field, e.detail}; }

const char* const kSyncUsage =
    "  sync --once [--timeout-ms N] [--connect-timeout-ms N] [--batch-items N] [--batch-bytes N]\n"
    "              [--low-speed-time-s N] [--low-speed-bytes N] [--no-heartbeat]\n"
    "      One full cycle: upload the queue, pull staff decisions, heartbeat.\n"
    "  sync status [--json]   Hub, queue depth, last error, quarantined requests.";
const char* const kEnrollUsage =
    "  enroll --hub URL --code CODE [--ca PEM] [--allow-plain-http-loopback]\n"
    "      Exchange a one-time code from `union-hub kiosk add` for this kiosk's token.";

int sync_once(CliEnv& env, const Args& o) {
  sync::TransportOptions t;
  sync::BatchLimits b;
  t.connect_timeout_ms = 5000;
  t.total_timeout_ms = 60000;
  t.low_speed_time_s = 15;
  t.low_speed_bytes_per_s = 256;
  b.max_items = 200;
  b.max_bytes = 524288;
  // Each number whole and in a range that still makes a cycle possible.
  for (const auto& [name, ok] : {
           std::pair<const char*, bool>{"--connect-timeout-ms", o.number("--connect-timeout-ms", 100, 600000, t.connect_timeout_ms)},
           {"--timeout-ms", o.number("--timeout-ms", 100, 3600000, t.total_timeout_ms)},
           {"--low-speed-time-s", o.number("--low-speed-time-s", 1, 3600, t.low_speed_time_s)},
           {"--low-speed-bytes", o.number("--low-speed-bytes", 1, 1 << 30, t.low_speed_bytes_per_s)},
           {"--batch-items", o.number("--batch-items", 1, 10000, b.max_items)},
           {"--batch-bytes", o.number("--batch-bytes", 1024, 64LL << 20, b.max_bytes)}})
    if (!ok) return usage_failure(env, std::string(name) + " " + o.get(name), kSyncUsage);
  auto install = Install::open(env.data_dir, env.clock);
  if (!install) {
    say_error(env, config_error(install.error()));
    return kNotConfigured;
  }
  auto hub = install->hub();
  if (!hub) {
    say_error(env, hub.error());
    return kNotConfigured;
  }
  if (!hub->configured()) {
    say_error(env, Error{ErrorKind::NotEnrolled, tr("sync.not_enrolled"), "", ""});
    return kNotConfigured;
  }
  if (auto st = install->ensure_dir(); !st) {
    say_error(env, Error{ErrorKind::Io, tr("sync.write_failed"), "", st.error().detail});
    return kStore;
  }
  auto store = install->open_store();
  if (!store) {
    say_error(env, store.error());
    return kStore;
  }
  sync::SyncClient client(**store, *hub, t, b, install->clock());
  sync::CycleReport r = client.run_cycle(env.data_dir, !o.has("--no-heartbeat"));
  QueueStats qs = (*store)->stats();
  int code = kOk;
  if (!r.ok()) {
    if (r.outcome == NetKind::Refused) code = kRefused;
    else if (r.outcome == NetKind::Misconfigured) code = kNotConfigured;
    else if (r.store_failed) code = kStore;
    else code = kRetryLater;
  }
  if (env.json) {
    *env.out << json{{"ok", r.ok()}, {"exit_code", code}, {"outcome", std::string(sync::to_string(r.outcome))},
                     {"error", r.error}, {"detail", r.detail}, {"retry_after_s", r.retry_after_s},
                     {"batches", r.batches}, {"accepted", r.accepted}, {"duplicates", r.duplicates},
                     {"quarantined", r.quarantined}, {"handled", r.handled},
                     {"waiting", qs.queued + qs.sending}}.dump()
             << "\n";
  } else if (r.ok()) {
    *env.out << tr("sync.once_ok").zh << " / " << tr("sync.once_ok").en << "\n"
             << "accepted " << r.accepted << ", duplicate " << r.duplicates << ", quarantined "
             << r.quarantined << ", handled updates " << r.handled << ", waiting "
             << qs.queued + qs.sending << "\n";
  } else {
    const Text& t2 = tr("sync.error." + r.error);
    *env.err << t2.zh << "\n" << t2.en << " [" << r.error << (r.detail.empty() ? "" : ": " + r.detail)
             << "]\naccepted " << r.accepted << ", duplicate " << r.duplicates << ", quarantined "
             << r.quarantined << ", waiting " << qs.queued + qs.sending << "\n";
  }
  return code;
}

int sync_status(CliEnv& env) {
  auto install = Install::open(env.data_dir, env.clock);
  Expected<HubSettings> hub = install ? install->hub() : Expected<HubSettings>(config_error(install.error()));
  json j{{"data_dir", env.data_dir}};
  if (hub) {
    j["hub_url"] = hub->hub_url;
    j["hub_ca_file"] = hub->hub_ca_file;
    j["kiosk_id"] = hub->kiosk_id;
    j["kiosk_name"] = hub->kiosk_name;
    j["enrolled"] = hub->configured();
  } else {
    j["config_error"] = hub.error().name();
  }
  // The queue is shown even when config.json is broken.
  auto store = (install ? *install : Install::defaults(env.data_dir, env.clock)).open_store(false);
  if (store) {
    QueueStats qs = (*store)->stats();
    j["queued"] = qs.queued;
    j["sending"] = qs.sending;
    j["delivered"] = qs.delivered;
    j["handled"] = qs.handled;
    j["quarantined"] = qs.quarantined;
    j["waiting"] = qs.queued + qs.sending;
    j["oldest_queued_ms"] = qs.oldest_queued_ms;
    auto& s = **store;
    j["last_error"] = s.setting(sync::kSettingLastError).value_or("");
    j["last_success_ms"] = std::stoll(s.setting(sync::kSettingLastSuccess).value_or("0"));
    j["last_attempt_ms"] = std::stoll(s.setting(sync::kSettingLastAttempt).value_or("0"));
    j["status_cursor"] = s.setting(sync::kSettingCursor).value_or("");
    json q = json::array();
    for (const auto& r : s.list(RequestState::Quarantined, 20))
      q.push_back(json{{"id", r.id}, {"ticket", r.ticket}, {"reason", r.state_reason}});
    j["quarantined_requests"] = q;
  } else {
    j["store_error"] = store.error().name();
  }
  if (env.json) {
    *env.out << j.dump() << "\n";
    return 0;
  }
  auto& out = *env.out;
  out << "hub:        " << j.value("hub_url", "-") << (j.value("enrolled", false) ? "" : "  (not enrolled)") << "\n"
      << "kiosk:      " << j.value("kiosk_id", "-") << "\n";
  if (store) {
    out << "waiting:    " << j["waiting"] << " (queued " << j["queued"] << ", sending " << j["sending"]
        << ")\ndelivered:  " << j["delivered"] << ", handled " << j["handled"] << ", quarantined "
        << j["quarantined"] << "\nlast error: " << j.value("last_error", "") << "\n";
    for (const auto& q : j["quarantined_requests"])
      out << "  quarantined " << q.value("ticket", "") << " " << q.value("id", "") << ": "
          << q.value("reason", "") << "\n";
  }
  return 0;
}

int enroll(CliEnv& env, const Args& o) {
  const std::string hub = o.get("--hub"), code = o.get("--code");
  if (hub.empty() || code.empty()) return usage_failure(env, hub.empty() ? "--hub" : "--code", kEnrollUsage);
  auto install = Install::open(env.data_dir, env.clock);
  if (!install) {
    say_error(env, config_error(install.error()));
    return kNotConfigured;
  }
  if (auto st = install->ensure_dir(); !st) {
    say_error(env, Error{ErrorKind::Io, tr("sync.write_failed"), "", st.error().detail});
    return kStore;
  }
  auto r = sync::enroll_kiosk(*install, hub, code, o.get("--ca"), o.has("--allow-plain-http-loopback"));
  if (!r) {
    say_error(env, r.error());
    switch (r.error().kind) {
      case ErrorKind::InvalidCode:
      case ErrorKind::Revoked:
      case ErrorKind::Unauthorized: return kRefused;
      case ErrorKind::PlainHttpRefused:
      case ErrorKind::BadUrl:
      case ErrorKind::BadCa:
      case ErrorKind::TlsFailed: return kNotConfigured;
      default: return kRetryLater;
    }
  }
  if (env.json) {
    *env.out << json{{"ok", true}, {"kiosk_id", r->kiosk_id}, {"kiosk_name", r->kiosk_name}}.dump() << "\n";
  } else {
    *env.out << tr("sync.enrolled").zh << "\n" << tr("sync.enrolled").en << "\nkiosk " << r->kiosk_id
             << " \"" << r->kiosk_name << "\"\n";
  }
  return kOk;
}

int guarded(CliEnv& env, const char* usage_text, int (*f)(CliEnv&, const Args&)) {
  const Args args(env.args,
                  {"--hub", "--code", "--ca", "--connect-timeout-ms", "--timeout-ms", "--low-speed-time-s",
                   "--low-speed-bytes", "--batch-items", "--batch-bytes"},
                  {"--once", "--allow-plain-http-loopback", "--no-heartbeat"});
  if (!args.bad.empty()) return usage_failure(env, args.bad, usage_text);
  return f(env, args);
}

}  // namespace

void register_sync_commands(CommandTable& t) {
  t.add(Command{"sync", kSyncUsage, [](CliEnv& env) {
                  return guarded(env, kSyncUsage, [](CliEnv& e, const Args& o) {
                    if (o.has("--once")) return sync_once(e, o);
                    if (!o.words.empty() && o.words[0] == "status") return sync_status(e);
                    return usage_failure(e, o.words.empty() ? "sync" : o.words[0], kSyncUsage);
                  });
                }});
  t.add(Command{"enroll", kEnrollUsage, [](CliEnv& env) { return guarded(env, kEnrollUsage, enroll); }});
}

}  // namespace kiosk::cli
