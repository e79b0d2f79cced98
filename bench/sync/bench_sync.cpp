// bench_sync: figures for the sync (bench/README.md). Against the real
// union-hub binary on loopback, data on the real disk (not tmpfs):
//  1. drain a backlog of --requests queued requests, batched (the kiosk's
//     default) vs one request per POST, side by side in the same run;
//  2. hub ingest with --kiosks simulated kiosks uploading batches and
//     sending heartbeats at once for --seconds: requests/s and p99 latency.
// Prints figures; asserts nothing.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/base/args.hpp"
#include "kiosk/base/clock.hpp"
#include "kiosk/base/exit_codes.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/domain/content.hpp"
#include "kiosk/store/store.hpp"
#include "sync/client/sync_client.hpp"
#include "sync/hub/hub_db.hpp"

extern char** environ;

namespace fs = std::filesystem;
using namespace kiosk;
using namespace kiosk::sync;
using Clock = std::chrono::steady_clock;

namespace {

double secs(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The union-hub binary run: the one built with this bench unless --hub names
// another (an older build, to compare side by side on the same machine).
std::string g_hub_binary = SYNC_HUB_BINARY;
std::string g_hub_threads;  // --hub-threads: passed as --threads when given
std::string g_peer_hub;     // --peer-hub: the ingest run again against it, and the ratio

struct Hub {
  pid_t pid = -1;
  int port = 0;
  std::string url;
  explicit Hub(const std::string& dir, const std::string& binary = g_hub_binary) {
    fs::create_directories(dir);
    std::string pf = dir + "/port";
    std::vector<std::string> argv = {binary, "serve", "--data-dir", dir, "--port", "0",
                                     "--port-file", pf, "--allow-plain-http", "--quiet",
                                     // a kiosk's backlog is larger than an hour's quota
                                     "--quota-requests", "10000000", "--quota-bytes", "1099511627776",
                                     // hundreds of kiosks enroll from one address in setup
                                     "--enroll-per-address", "100000", "--enroll-per-minute", "100000"};
    if (!g_hub_threads.empty() && binary == g_hub_binary) argv.insert(argv.end(), {"--threads", g_hub_threads});
    std::vector<char*> a;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, (dir + "/hub.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn(&pid, a[0], &fa, nullptr, a.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 400 && port == 0; ++i) {
      std::ifstream in(pf);
      if (!(in >> port)) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    url = "http://127.0.0.1:" + std::to_string(port);
  }
  ~Hub() {
    ::kill(pid, SIGTERM);
    int st = 0;
    ::waitpid(pid, &st, 0);
  }
};

// The backlog is queued before enrollment (sealed to a kiosk key of its own)
// and re-sealed to the hub's box key, learnt at enrollment, when drained.
const BoxKeyPair& backlog_keys() {
  static const BoxKeyPair k = *make_box_keypair();
  return k;
}
std::string g_hub_box_key;

std::string enroll_token(const std::string& hub_dir, const std::string& url, const std::string& name) {
  auto db = hub::HubDb::open(hub_dir + "/hub.db");
  auto code = (*db)->add_kiosk(name, unix_now_ms(), 3600000);
  HubTransport t({url, "", true, ""}, {});
  auto r = t.post(kPathEnroll, to_json(EnrollRequest{code->code, "bench"}));
  auto e = parse_enroll_response(r.body);
  if (!e) {
    std::cerr << "bench_sync: enroll failed (HTTP " << r.status << ")\n";
    std::exit(1);
  }
  g_hub_box_key = e->box_public_key;
  return e->token;
}

// Answers the hub's form check accepts: a legal consultation on the last
// open duty slot of the embedded content.
nlohmann::json sample_answers(int i) {
  static const std::string slot = [] {
    ContentLoad c = load_embedded_content();
    std::string id;
    if (c.bundle)
      for (const auto& s : expand_schedules(*c.bundle, Date::from_unix(kiosk::unix_now_ms() / 1000)).slots)
        if (s.booked < s.capacity) id = s.id;
    return id;
  }();
  return nlohmann::json{{"slot", slot}, {"category", "wage_arrears"},
                        {"employer", "长春某建筑工程有限公司"}, {"arbitration_filed", "no"},
                        {"description", "三个月工资未发，共计一万二千元。编号 " + std::to_string(i)},
                        {"name", "李四"}, {"phone", "13912345678"}, {"consent", true}};
}

// Queues n requests once (on tmpfs, quickly) and returns the db file.
std::string make_backlog(const std::string& dir, int n) {
  fs::create_directories(dir);
  StoreOptions so;
  so.local_box = backlog_keys();
  auto store = RequestStore::open(dir + "/requests.db", so);
  if (!store) {
    std::cerr << "bench_sync: " << store.error().detail << "\n";
    std::exit(1);
  }
  int64_t now = unix_now_ms() - 7LL * 24 * 3600 * 1000;  // a week ago
  for (int i = 0; i < n; ++i) {
    NewRequest r;
    r.service_id = "legal";
    r.ticket_prefix = "F";
    r.content_version = "2026.11";
    r.plan.answers = sample_answers(i);
    if (!(*store)->submit(r, now + i * 60)) std::exit(1);
  }
  return dir + "/requests.db";
}

struct DrainResult {
  double seconds = 0;
  int sent = 0;
  int posts = 0;
  bool complete = false;
};

DrainResult drain(const std::string& backlog_db, const std::string& work, const std::string& hub_dir,
                  const Hub& hub, int max_items, double cap_s) {
  fs::create_directories(work);
  fs::copy_file(backlog_db, work + "/requests.db", fs::copy_options::overwrite_existing);
  HubSettings hs;
  hs.hub_url = hub.url;
  hs.allow_plain_http_loopback = true;
  hs.token = enroll_token(hub_dir, hub.url, "bench " + std::to_string(max_items));
  StoreOptions so;
  so.local_box = backlog_keys();
  so.hub_box_public_key = g_hub_box_key;  // "" from a hub without one: nothing can travel
  auto store = RequestStore::open(work + "/requests.db", so);
  BatchLimits lim;
  lim.max_items = max_items;
  SyncClient client(**store, hs, {}, lim);
  DrainResult r;
  auto t0 = Clock::now();
  if (max_items > 1) {
    CycleReport c = client.upload_all();
    r.sent = c.accepted + c.duplicates;
    r.posts = c.batches;
    r.complete = c.uploaded_all;
  } else {
    // One request per POST is slow: run it until done or for cap_s and
    // report its measured rate.
    while (secs(Clock::now() - t0) < cap_s) {
      CycleReport c = client.upload_all(50);
      r.sent += c.accepted + c.duplicates;
      r.posts += c.batches;
      if (c.uploaded_all) {
        r.complete = true;
        break;
      }
      if (c.outcome != NetKind::Ok) break;
    }
  }
  r.seconds = secs(Clock::now() - t0);
  return r;
}

struct IngestResult {
  double http_per_s = 0, upload_p99_ms = 0;
};

// `kiosks` simulated kiosks, each a thread that uploads a 10-request batch
// and sends a heartbeat, again and again (closed loop) for `seconds`.
IngestResult ingest(const std::string& binary, const std::string& hub_dir, int kiosks, double seconds) {
  Hub hub(hub_dir, binary);
  std::vector<std::string> tokens;
  for (int k = 0; k < kiosks; ++k)
    tokens.push_back(enroll_token(hub_dir, hub.url, "模拟机 " + std::to_string(k)));
  std::atomic<bool> go{false}, stop{false};
  std::mutex mu;
  std::vector<double> up_ms, hb_ms;
  std::atomic<long> items{0}, posts{0}, heartbeats{0}, errors{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < kiosks; ++k) {
    threads.emplace_back([&, k] {
      HubTransport t({hub.url, "", true, tokens[static_cast<size_t>(k)]}, {});
      std::vector<double> mine_up, mine_hb;
      int seq = 0;
      while (!go) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      while (!stop) {
        UploadBatch b;
        for (int i = 0; i < 10; ++i, ++seq) {
          WireRequest w;
          w.id = make_uuid_v7(unix_now_ms());
          w.ticket = "F-" + std::to_string(seq);
          w.service_id = "legal";
          w.content_version = "2026.11";
          w.created_at_ms = unix_now_ms();
          w.answers = sample_answers(seq);
          b.requests.push_back(std::move(w));
        }
        // Timed: the round trip to the hub, not the kiosk's own serialising.
        const std::string body = to_json(b);
        auto t0 = Clock::now();
        auto r = t.post(kPathRequests, body);
        mine_up.push_back(secs(Clock::now() - t0) * 1000);
        if (r.kind == NetKind::Ok) {
          items += 10;
          ++posts;
        } else {
          ++errors;
        }
        Heartbeat h;
        h.app_version = "bench";
        h.queue_depth = 3;
        const std::string hb = to_json(h);
        t0 = Clock::now();
        auto hr = t.post(kPathHeartbeat, hb);
        mine_hb.push_back(secs(Clock::now() - t0) * 1000);
        if (hr.kind == NetKind::Ok) ++heartbeats; else ++errors;
      }
      std::lock_guard lock(mu);
      up_ms.insert(up_ms.end(), mine_up.begin(), mine_up.end());
      hb_ms.insert(hb_ms.end(), mine_hb.begin(), mine_hb.end());
    });
  }
  auto t0 = Clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double el = secs(Clock::now() - t0);
  std::vector<double> all_ms = up_ms;
  all_ms.insert(all_ms.end(), hb_ms.begin(), hb_ms.end());
  const auto line = [](const char* what, std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    auto pct = [&](double p) { return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))]; };
    std::printf("%-21sp50 %6.1f  p99 %6.1f  max %6.1f\n", what, pct(0.50), pct(0.99), v.empty() ? 0 : v.back());
  };
  std::printf("\n== hub ingest: %d kiosks uploading 10-request batches and heartbeats at once, %.0f s ==\n", kiosks, el);
  std::printf("HTTP requests/s:     %8.0f  (%ld uploads + %ld heartbeats, %ld errors)\n",
              (posts + heartbeats) / el, posts.load(), heartbeats.load(), errors.load());
  std::printf("kiosk requests/s:    %8.0f  stored (each committed before its answer)\n", items / el);
  IngestResult res;
  res.http_per_s = (posts + heartbeats) / el;
  line("upload ms:", up_ms);
  res.upload_p99_ms = up_ms.empty() ? 0 : up_ms[std::min(up_ms.size() - 1, static_cast<size_t>(0.99 * up_ms.size()))];
  line("heartbeat ms:", hb_ms);
  line("all ms:", all_ms);
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 10000, kiosks = 200;
  double seconds = 10, cap = 20;
  std::string dir = (fs::temp_directory_path() / "bench-sync").string();
  const Args a(std::vector<std::string>(argv + 1, argv + argc),
               {"--requests", "--kiosks", "--seconds", "--single-cap-s", "--dir", "--hub", "--hub-threads",
                "--peer-hub"},
               {}, 0, false);
  int64_t secs_whole = 10, cap_whole = 20;
  if (!a.bad.empty() || !a.number("--requests", 1, 10'000'000, n) || !a.number("--kiosks", 1, 100000, kiosks) ||
      !a.number("--seconds", 1, 3600, secs_whole) || !a.number("--single-cap-s", 1, 3600, cap_whole)) {
    std::fprintf(stderr,
                 "usage: bench_sync [--requests N] [--kiosks N] [--seconds S] [--single-cap-s S] [--dir DIR]\n"
                 "                  [--hub BIN] [--hub-threads N] [--peer-hub BIN]\n");
    return kExitUsage;
  }
  seconds = static_cast<double>(secs_whole);
  cap = static_cast<double>(cap_whole);
  dir = a.get("--dir", dir);
  g_hub_binary = a.get("--hub", g_hub_binary);
  g_hub_threads = a.get("--hub-threads", g_hub_threads);
  g_peer_hub = a.get("--peer-hub", g_peer_hub);
  log::set_min_level(log::Level::Error);
  fs::remove_all(dir);
  std::string shm = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm/bench-sync-backlog" : dir + "/backlog";
  fs::remove_all(shm);
  std::cout << "bench_sync: data on " << dir << " (hub and kiosk stores: WAL, synchronous=FULL)\n";

  // --- 1. backlog drain ---
  auto tq = Clock::now();
  std::string backlog = make_backlog(shm, n);
  std::cout << "queued " << n << " requests in " << secs(Clock::now() - tq) << " s (setup, not measured)\n";
  DrainResult batched, single;
  {
    Hub hub(dir + "/hub-drain");
    batched = drain(backlog, dir + "/kiosk-batched", dir + "/hub-drain", hub, 200, 1e9);
    single = drain(backlog, dir + "/kiosk-single", dir + "/hub-drain", hub, 1, cap);
  }
  fs::remove_all(shm);
  double single_rate = single.sent / single.seconds;
  double single_total = single.complete ? single.seconds : n / single_rate;
  std::printf("\n== drain a %d-request backlog to a hub on loopback ==\n", n);
  std::printf("batched (200/POST):  %6.2f s  %5d POSTs  %8.0f requests/s  %s\n", batched.seconds, batched.posts,
              batched.sent / batched.seconds, batched.complete && batched.sent == n ? "all delivered" : "INCOMPLETE");
  std::printf("one per POST:        %6.2f s  %5d POSTs  %8.0f requests/s  %s\n", single_total, single.posts,
              single_rate,
              single.complete ? "all delivered"
                              : ("projected from " + std::to_string(single.sent) + " sent in " +
                                 std::to_string(static_cast<int>(single.seconds)) + " s").c_str());
  std::printf("speed-up:            %6.1fx (target >= 10x; batched target < 5 s)\n", single_total / batched.seconds);

  // --- 2. ingest with many kiosks (and the same against a peer hub) ---
  const IngestResult ours = ingest(g_hub_binary, dir + "/hub-ingest", kiosks, seconds);
  if (!g_peer_hub.empty()) {
    std::printf("\n(peer: %s)\n", g_peer_hub.c_str());
    const IngestResult peer = ingest(g_peer_hub, dir + "/hub-ingest-peer", kiosks, seconds);
    std::printf("\n== this hub against the peer, same run, same load ==\n");
    std::printf("HTTP requests/s:     %5.2fx\n", ours.http_per_s / peer.http_per_s);
    std::printf("upload p99:          %5.2fx lower (%.1f ms against %.1f ms)\n",
                peer.upload_p99_ms / ours.upload_p99_ms, ours.upload_p99_ms, peer.upload_p99_ms);
  }
  fs::remove_all(dir);
  return 0;
}
