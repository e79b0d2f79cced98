// bench_core: what a submit costs compared with the one durable commit it
// must make, and how long the content bundle takes to load and check.
//
//   bench_core [--data-dir DIR] [--submits N] [--commits M] [--loads K]
//
// Both series run interleaved in one process, in a fresh directory under DIR
// (default: the current directory, i.e. the disk you run it from), with the
// same pragmas (WAL, synchronous=FULL): a submit goes through the whole
// pipeline (form check against the embedded content, then RequestStore::submit);
// a bare commit is BEGIN; INSERT one small row; COMMIT.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/base/args.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/domain/content.hpp"
#include "kiosk/store/store.hpp"
#include "kiosk/store/submit.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Summary {
  double p50, p90, p99, max, mean;
};

Summary summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))]; };
  double sum = 0;
  for (double x : v) sum += x;
  return {at(0.50), at(0.90), at(0.99), v.back(), sum / static_cast<double>(v.size())};
}

void print_row(const char* name, size_t n, const Summary& s) {
  std::printf("  %-28s n=%-6zu p50 %7.3f  p90 %7.3f  p99 %7.3f  max %8.3f  mean %7.3f ms\n", name, n,
              s.p50, s.p90, s.p99, s.max, s.mean);
}

[[noreturn]] void die(const std::string& m) {
  std::fprintf(stderr, "bench_core: %s\n", m.c_str());
  std::exit(1);
}

// The bare cost: one small row, one durable commit, same pragmas as the store.
class BareCommit {
 public:
  explicit BareCommit(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) die("open " + path);
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
         "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    if (sqlite3_prepare_v2(db_, "INSERT INTO t (v) VALUES ('bench')", -1, &insert_, nullptr) != SQLITE_OK)
      die("prepare");
  }
  ~BareCommit() {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
  }
  void commit_one() {
    exec("BEGIN IMMEDIATE");
    if (sqlite3_step(insert_) != SQLITE_DONE) die("insert");
    sqlite3_reset(insert_);
    exec("COMMIT");
  }

 private:
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) die(sqlite3_errmsg(db_));
  }
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
  std::string base = ".";
  int submits = 10000, commits = 2000, loads = 30;
  const kiosk::Args a(std::vector<std::string>(argv + 1, argv + argc),
                      {"--data-dir", "--submits", "--commits", "--loads"}, {}, 0, false);
  if (!a.bad.empty() || !a.number("--submits", 1, 10'000'000, submits) ||
      !a.number("--commits", 1, 10'000'000, commits) || !a.number("--loads", 1, 100000, loads))
    die("usage: bench_core [--data-dir DIR] [--submits N] [--commits M] [--loads K] (counts are whole, >= 1)");
  base = a.get("--data-dir", base);
  kiosk::log::set_min_level(kiosk::log::Level::Warn);

  std::string tmpl = base + "/bench-core-XXXXXX";
  if (!mkdtemp(tmpl.data())) die("cannot create a directory under " + base);
  const std::string dir = std::filesystem::absolute(tmpl).lexically_normal().string();

  // --- content: load and check the embedded bundle --------------------------
  std::vector<double> load_ms;
  kiosk::ContentBundle content;
  for (int i = 0; i < loads; ++i) {
    auto t0 = Clock::now();
    kiosk::ContentLoad l = kiosk::load_embedded_content();
    load_ms.push_back(ms_since(t0));
    if (!l.bundle || !l.problems.empty()) die("embedded content does not check clean");
    if (i == 0) content = *l.bundle;
  }

  // --- durable submits next to bare commits, interleaved ---------------------
  kiosk::StoreOptions so;
  so.local_box = *kiosk::make_box_keypair();  // sealing is part of what a submit costs
  auto store = kiosk::RequestStore::open(dir + "/requests.db", so);
  if (!store.ok()) die("store: " + store.error().name() + " " + store.error().detail);
  BareCommit bare(dir + "/bare.db");
  kiosk::SubmitInput in;
  in.service_id = "hardship";
  in.today = kiosk::today_cst();
  in.answers = {{"name", "王小明"},
                {"id_number", "11010519491231002X"},
                {"phone", "13812345678"},
                {"employer", "长春第一汽车制造厂"},
                {"kind", "illness"},
                {"household_size", 3},
                {"income_per_head", 800},
                {"description", "家人患重病，医疗费用负担很重，生活困难，申请生活救助。"},
                {"sensitive_consent", true},
                {"consent", true}};
  auto submit_once = [&]() {
    in.now_ms = kiosk::unix_now_ms();
    auto r = kiosk::submit_request(**store, content, in);
    if (!r.ok()) die("submit: " + r.error().name() + " " + r.error().detail);
    if (!r->accepted()) die("submit refused: " + r->errors.front().code + " " + r->errors.front().field);
  };
  for (int i = 0; i < 20; ++i) {  // warm-up: caches, WAL file, statements
    submit_once();
    bare.commit_one();
  }
  std::vector<double> submit_ms, commit_ms;
  submit_ms.reserve(static_cast<size_t>(submits));
  const int every = std::max(1, submits / commits);
  const auto wall0 = Clock::now();
  for (int i = 0; i < submits; ++i) {
    auto t0 = Clock::now();
    submit_once();
    submit_ms.push_back(ms_since(t0));
    if (i % every == 0 && static_cast<int>(commit_ms.size()) < commits) {
      t0 = Clock::now();
      bare.commit_one();
      commit_ms.push_back(ms_since(t0));
    }
  }
  const double wall_s = ms_since(wall0) / 1000.0;
  const auto stats = (*store)->stats();
  store->reset();

  const Summary s = summarize(submit_ms), c = summarize(commit_ms), l = summarize(load_ms);
  std::printf("bench_core  (dir %s, SQLite %s, WAL, synchronous=FULL)\n", dir.c_str(), sqlite3_libversion());
  std::printf("durable submit, whole pipeline (check_request + RequestStore::submit), %d submits in %.1f s:\n",
              submits, wall_s);
  print_row("submit", submit_ms.size(), s);
  print_row("bare commit (1 row, FULL)", commit_ms.size(), c);
  std::printf("  ratio submit/bare commit:    p50 %.2fx   p99 %.2fx\n", s.p50 / c.p50, s.p99 / c.p99);
  std::printf("  queued after the run: %d\n", stats.queued);
  std::printf("content bundle (embedded), load + check, %d loads:\n", loads);
  print_row("load_embedded_content", load_ms.size(), l);
  std::printf("  target < 50 ms: %s (median %.2f ms)\n", l.p50 < 50.0 ? "met" : "NOT met", l.p50);

  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
