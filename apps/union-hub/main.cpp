// union-hub: the union's service hub. `serve` runs the HTTP(S) server; the
// other commands are the admin's and staff's tools until the console exists.
// The command line is read by the project's one parser (kiosk/base/args)
// and ends with the project's exit codes and error shape (kiosk/base).
#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "apps/union-hub/admin.hpp"
#include "apps/union-hub/attendance.hpp"
#include "kiosk/base/args.hpp"
#include "kiosk/base/exit_codes.hpp"
#include "kiosk/base/failure_output.hpp"
#include "kiosk/base/strings.hpp"
#include "sync/hub/hub_server.hpp"

namespace {

using kiosk::Args;
using kiosk::hub::HubDb;
using kiosk::hubcli::Out;

const char* kUsage =
    "union-hub " KIOSK_VERSION "\n"
    "Usage (every command takes --data-dir DIR, default $UNION_HUB_DATA_DIR or ./hub-data,\n"
    "--key-dir DIR, default DATA-DIR/keys, and --json for JSON output):\n"
    "  The data and key directories are made 0700 and their files 0600 at every start; the keys\n"
    "  (box.key, at-rest.key, hash.key) are made at the first start. A key file of the wrong size\n"
    "  or readable by others is refused: restore it from a backup, never delete it.\n"
    "  union-hub serve [--bind ADDR] [--port N] --cert PEM --key PEM\n"
    "                  [--allow-plain-http] [--services a,b,...] [--port-file F] [--threads N] [--quiet]\n"
    "                  [--quota-requests N] [--quota-bytes N]\n"
    "                  [--enroll-per-address N] [--enroll-per-minute N] [--enroll-code-failures N]\n"
    "      Serve the /v1 protocol. Plain HTTP only with --allow-plain-http on a loopback --bind.\n"
    "      Quotas per kiosk and hour: --quota-requests (default 600) requests and --quota-bytes\n"
    "      (default 8388608) bytes; beyond them uploads get 429 with Retry-After.\n"
    "      Enrollment tries: --enroll-per-address a minute from one address (default 6, burst 10),\n"
    "      --enroll-per-minute for the whole hub (default 60), a code retired after\n"
    "      --enroll-code-failures wrong tries naming it (default 5).\n"
    "      --threads (2-256, default 64): threads that run requests while they wait for the\n"
    "      database; past 1024 requests waiting for one the answer is 503 with Retry-After: 1.\n"
    "  union-hub kiosk add --name NAME [--valid-hours H]   one-time enrollment code for a kiosk\n"
    "  union-hub kiosk list                                 kiosks with their last heartbeat\n"
    "  union-hub kiosk revoke ID                            refuse this kiosk from now on\n"
    "  union-hub request list [--kiosk ID] [--state received|handled] [--limit N]\n"
    "  union-hub request show ID [--kiosk ID]               --kiosk when two kiosks hold the id\n"
    "  union-hub request resolve ID --note TEXT [--kiosk ID] handled; the note goes to the kiosk\n"
    "  union-hub attendance hash [--in FILE] [--out FILE]\n"
    "      attendance.json from a CSV (id_number,period,days_attended,days_total) or JSON list:\n"
    "      each ID number replaced by its keyed hash (HMAC-SHA256 under hash.key).\n";

kiosk::hub::HubServer* g_server = nullptr;

int serve(const Args& a, const std::string& dir, Out& o) {
  kiosk::hub::HubOptions opt;
  opt.data_dir = dir;
  opt.key_dir = a.get("--key-dir");
  opt.bind = a.get("--bind", "127.0.0.1");
  opt.cert_file = a.get("--cert");
  opt.key_file = a.get("--key");
  opt.allow_plain_http = a.has("--allow-plain-http");
  opt.quiet = a.has("--quiet");
  int64_t port = 8443, threads = 64, per_addr = 6, per_min = 60, code_fail = 5;
  if (!a.number("--port", 0, 65535, port)) return kiosk::hubcli::usage_error(o, "--port");
  if (!a.number("--threads", 2, 256, threads)) return kiosk::hubcli::usage_error(o, "--threads");
  if (!a.number("--quota-requests", 1, 10'000'000, opt.quota.requests_per_hour))
    return kiosk::hubcli::usage_error(o, "--quota-requests");
  // At least one item of the largest size must fit, or a kiosk could never drain.
  if (!a.number("--quota-bytes", kiosk::sync::kMaxItemBytes, int64_t{1} << 40, opt.quota.bytes_per_hour))
    return kiosk::hubcli::usage_error(o, "--quota-bytes");
  if (!a.number("--enroll-per-address", 1, 100000, per_addr))
    return kiosk::hubcli::usage_error(o, "--enroll-per-address");
  if (!a.number("--enroll-per-minute", 1, 100000, per_min))
    return kiosk::hubcli::usage_error(o, "--enroll-per-minute");
  if (!a.number("--enroll-code-failures", 1, 1000, code_fail))
    return kiosk::hubcli::usage_error(o, "--enroll-code-failures");
  opt.port = static_cast<int>(port);
  opt.threads = static_cast<int>(threads);
  opt.enroll.per_address_per_minute = static_cast<double>(per_addr);
  opt.enroll.global_per_minute = static_cast<double>(per_min);
  opt.enroll.global_burst = std::max(opt.enroll.global_burst, static_cast<double>(per_min));
  opt.enroll.code_failures = static_cast<int>(code_fail);
  if (a.has("--services")) {
    std::stringstream ss(a.get("--services"));
    std::string s;
    while (std::getline(ss, s, ','))
      if (!s.empty()) opt.services.insert(s);
  }
  // Signals are taken by one thread so that SIGTERM stops the server cleanly.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto server = kiosk::hub::HubServer::create(opt);
  if (!server) {
    const auto& e = server.error();
    const int code = e.kind == kiosk::ErrorKind::BadOption ? kiosk::kExitUsage : kiosk::kExitCannotWork;
    return kiosk::print_failure(o.out, o.err, o.json, e, code);
  }
  g_server = server->get();
  std::cerr << "union-hub: listening on " << (g_server->tls() ? "https://" : "http://") << opt.bind
            << ":" << g_server->port() << "\n";
  if (a.has("--port-file")) {
    std::string tmp = a.get("--port-file") + ".tmp";
    { std::ofstream(tmp) << g_server->port() << "\n"; }
    std::rename(tmp.c_str(), a.get("--port-file").c_str());
  }
  std::thread sig([set] {
    int s = 0;
    sigwait(&set, &s);
    if (g_server) g_server->stop();
  });
  sig.detach();
  g_server->run();
  std::cerr << "union-hub: stopped\n";
  return kiosk::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // Whatever the hub or an admin command creates is the service user's alone.
  ::umask(077);
  const std::vector<std::string> in(argv + 1, argv + argc);
  bool as_json = false, help = false;
  for (const auto& w : in) {
    as_json = as_json || w == "--json";
    help = help || w == "--help" || w == "-h";
  }
  if (help) {
    std::cout << kUsage << "\n" << kiosk::kExitCodeHelp;
    return kiosk::kExitOk;
  }
  Out o{std::cout, std::cerr, as_json};
  // Each command declares what it takes; anything else is a usage error.
  const std::vector<std::string_view> serve_opts = {
      "--data-dir", "--key-dir", "--bind", "--port", "--cert", "--key", "--services", "--port-file", "--threads",
      "--quota-requests", "--quota-bytes", "--enroll-per-address", "--enroll-per-minute",
      "--enroll-code-failures"};
  const std::vector<std::string_view> serve_flags = {"--allow-plain-http", "--quiet"};
  const std::vector<std::string_view> kiosk_opts = {"--data-dir", "--key-dir", "--name", "--valid-hours"};
  const std::vector<std::string_view> request_opts = {"--data-dir", "--key-dir", "--kiosk",
                                                      "--state",    "--limit",   "--note"};
  const std::vector<std::string_view> attendance_opts = {"--data-dir", "--key-dir", "--in", "--out"};
  // The command word: the first word that is not an option's value.
  std::vector<std::string_view> any_value;
  for (const auto* l : {&serve_opts, &kiosk_opts, &request_opts, &attendance_opts})
    any_value.insert(any_value.end(), l->begin(), l->end());
  const Args first(in, any_value, serve_flags, 0, true, true);
  const std::string cmd = first.words.empty() ? std::string() : first.words[0];
  if (cmd.empty()) {
    if (!as_json) std::cerr << kUsage;
    return kiosk::hubcli::usage_error(o, "");
  }
  if (cmd != "serve" && cmd != "kiosk" && cmd != "request" && cmd != "attendance")
    return kiosk::hubcli::usage_error(o, cmd);
  Args a = cmd == "serve"        ? Args(in, serve_opts, serve_flags)
           : cmd == "kiosk"      ? Args(in, kiosk_opts, {})
           : cmd == "attendance" ? Args(in, attendance_opts, {})
                                 : Args(in, request_opts, {});
  // Left in a.words: what follows the command (and its subcommand).
  a.words.erase(a.words.begin());
  std::string sub;
  if (cmd != "serve" && !a.words.empty()) {
    sub = a.words.front();
    a.words.erase(a.words.begin());
  }
  if (cmd == "serve" && !a.words.empty()) return kiosk::hubcli::usage_error(o, a.words.front());
  if (!a.bad.empty()) return kiosk::hubcli::usage_error(o, a.bad);
  std::string dir = a.get("--data-dir");
  if (dir.empty()) {
    const char* env = std::getenv("UNION_HUB_DATA_DIR");
    dir = env && *env ? env : "hub-data";
  }
  if (cmd == "serve") return serve(a, dir, o);
  // The admin's commands hold the same directories to the same rules as
  // the server, and open requests with the same keys (made if absent).
  const std::string key_dir = kiosk::hub::key_dir_for(dir, a.get("--key-dir"));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    const std::string reason = std::strerror(errno);
    const kiosk::Error e{kiosk::ErrorKind::Io,
                         kiosk::fill(kiosk::tr("hub.dir.cannot_make"), {{"path", dir}, {"reason", reason}}),
                         "--data-dir", reason};
    return kiosk::print_failure(o.out, o.err, o.json, e, kiosk::kExitCannotWork);
  }
  auto keys = kiosk::hub::load_or_create_keys(key_dir);
  if (!keys) return kiosk::print_failure(o.out, o.err, o.json, keys.error(), kiosk::kExitCannotWork);
  for (const std::string& d : {dir, key_dir})
    if (auto st = kiosk::hub::secure_dir(d); !st)
      return kiosk::print_failure(o.out, o.err, o.json, st.error(), kiosk::kExitCannotWork);
  if (cmd == "attendance") return kiosk::hubcli::attendance_command(sub, a, keys->hash, std::cin, o);
  kiosk::hub::HubDbOptions dbo;
  dbo.keys = std::make_shared<const kiosk::hub::HubKeys>(*keys);
  auto db = HubDb::open(dir + "/hub.db", std::move(dbo));
  if (!db) return kiosk::print_failure(o.out, o.err, o.json, db.error(), kiosk::kExitCannotWork);
  if (cmd == "kiosk") return kiosk::hubcli::kiosk_command(sub, a, **db, o);
  return kiosk::hubcli::request_command(sub, a, **db, o);
}
