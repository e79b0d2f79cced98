#include "tests/sync/support/support.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "kiosk/base/date.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/domain/content.hpp"
#include "kiosk/install/install.hpp"
#include "kiosk/store/store.hpp"
#include "sync/hub/hub_db.hpp"

extern char** environ;

namespace kiosk::synctest {

namespace fs = std::filesystem;
using nlohmann::json;

TempDir::TempDir() {
  // tmpfs when there is one: the scenarios kill processes, not the machine,
  // so fsync buys nothing here and would make queueing 10,000 requests slow.
  std::string base = fs::temp_directory_path().string();
  if (const char* env = std::getenv("SYNC_TEST_TMP"); env && *env) base = env;
  else if (::access("/dev/shm", W_OK) == 0) base = "/dev/shm";
  std::string tmpl = base + "/sync-test-XXXXXX";
  path = ::mkdtemp(tmpl.data());
}
TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

int Proc::wait() {
  if (pid <= 0) return -1;
  int st = 0;
  ::waitpid(pid, &st, 0);
  pid = -1;
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return -1;
}

void Proc::kill_now(int sig) {
  if (pid <= 0) return;
  ::kill(pid, sig);
  wait();
}

bool Proc::running() {
  if (pid <= 0) return false;
  int st = 0;
  pid_t r = ::waitpid(pid, &st, WNOHANG);
  if (r == pid) {
    pid = -1;
    return false;
  }
  return true;
}

Proc spawn(const std::vector<std::string>& argv, const std::string& log_file) {
  std::vector<char*> a;
  for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (!log_file.empty()) {
    posix_spawn_file_actions_addopen(&fa, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  Proc p;
  if (posix_spawn(&p.pid, a[0], &fa, nullptr, a.data(), environ) != 0) p.pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return p;
}

RunResult run(const std::vector<std::string>& argv) {
  TempDir t;
  std::string out = t.path + "/out";
  std::vector<std::string> args = argv;
  std::vector<char*> a;
  for (const auto& s : args) a.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, (t.path + "/err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  Proc p;
  if (posix_spawn(&p.pid, a[0], &fa, nullptr, a.data(), environ) != 0) p.pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  RunResult r;
  r.code = p.wait();
  std::ifstream in(out);
  r.out.assign(std::istreambuf_iterator<char>(in), {});
  return r;
}

std::string hub_binary() { return SYNC_HUB_BINARY; }
std::string kiosk_binary() { return SYNC_KIOSK_BINARY; }

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

void make_test_pki(const std::string& d) {
  fs::create_directories(d);
  auto sh = [](const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); };
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  REQUIRE(sh("openssl req -x509 " + ec + " -keyout " + d + "/ca.key -out " + d +
             "/ca.pem -days 2 -subj /CN=UnionTestCA") == 0);
  REQUIRE(sh("openssl req " + ec + " -keyout " + d + "/hub.key -out " + d + "/hub.csr -subj /CN=127.0.0.1") == 0);
  {
    std::ofstream ext(d + "/ext.cnf");
    ext << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  }
  REQUIRE(sh("openssl x509 -req -in " + d + "/hub.csr -CA " + d + "/ca.pem -CAkey " + d +
             "/ca.key -CAcreateserial -out " + d + "/hub.pem -days 2 -extfile " + d + "/ext.cnf") == 0);
}

ProcMemory proc_memory(pid_t pid) {
  ProcMemory m;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long v = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    if (!(ls >> key >> v)) continue;
    if (key == "VmRSS:") m.rss_kib = v;
    if (key == "VmHWM:") m.hwm_kib = v;
  }
  return m;
}

HubProcess::HubProcess(std::string data_dir, int port, std::vector<std::string> extra)
    : dir_(std::move(data_dir)), port_(port), extra_(std::move(extra)) {}

HubProcess::~HubProcess() { stop(); }

void HubProcess::start() {
  fs::create_directories(dir_);
  std::string port_file = dir_ + "/port";
  fs::remove(port_file);
  std::vector<std::string> argv = {hub_binary(), "serve", "--data-dir", dir_, "--port",
                                   std::to_string(port_), "--port-file", port_file};
  bool tls = std::find(extra_.begin(), extra_.end(), "--cert") != extra_.end();
  if (!tls) argv.push_back("--allow-plain-http");
  // The scenarios send thousands of requests from one kiosk: quotas are
  // tested on their own (tests/sync/hub), and out of the way here.
  if (std::find(extra_.begin(), extra_.end(), "--quota-requests") == extra_.end())
    argv.insert(argv.end(), {"--quota-requests", "10000000", "--quota-bytes", "1099511627776"});
  argv.insert(argv.end(), extra_.begin(), extra_.end());
  proc_ = spawn(argv, dir_ + "/hub.log");
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(port_file);
    int p = 0;
    if (in >> p && p > 0) {
      port_ = p;  // the same port again after a restart
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  FAIL("union-hub did not start (see " << dir_ << "/hub.log)");
}

void HubProcess::kill9() { proc_.kill_now(SIGKILL); }
void HubProcess::stop() { proc_.kill_now(SIGTERM); }

std::string HubProcess::url() const {
  bool tls = std::find(extra_.begin(), extra_.end(), "--cert") != extra_.end();
  return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::string HubProcess::add_kiosk(const std::string& name, std::string* kiosk_id) {
  auto r = run({hub_binary(), "kiosk", "add", "--data-dir", dir_, "--name", name, "--json"});
  REQUIRE(r.code == 0);
  json j = json::parse(r.out);
  if (kiosk_id) *kiosk_id = j["kiosk_id"].get<std::string>();
  return j["code"].get<std::string>();
}

int HubProcess::revoke(const std::string& kiosk_id) {
  return run({hub_binary(), "kiosk", "revoke", kiosk_id, "--data-dir", dir_}).code;
}

int HubProcess::resolve(const std::string& request_id, const std::string& note) {
  return run({hub_binary(), "request", "resolve", request_id, "--note", note, "--data-dir", dir_}).code;
}

RunResult run_kiosk(const std::string& data_dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kiosk_binary(), "--data-dir", data_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

std::vector<std::string> fast_sync_args() {
  return {"sync", "--once", "--connect-timeout-ms", "500", "--timeout-ms", "2000",
          "--low-speed-time-s", "1", "--low-speed-bytes", "100"};
}

void enroll(const std::string& data_dir, HubProcess& hub, const std::string& hub_url,
            const std::string& name) {
  std::string code = hub.add_kiosk(name);
  auto r = run_kiosk(data_dir, {"enroll", "--hub", hub_url, "--code", code, "--allow-plain-http-loopback"});
  REQUIRE(r.code == 0);
}

// The queue as the kiosk opens it: the install's options (retention_days).
std::unique_ptr<RequestStore> open_kiosk_store(const std::string& data_dir) {
  auto install = Install::open(data_dir);
  REQUIRE(install.ok());
  auto store = install->open_store();
  REQUIRE(store.ok());
  return std::move(*store);
}

nlohmann::json valid_answers(const std::string& service, int i, int64_t created_ms) {
  const std::string n = std::to_string(i);
  if (service == "hardship")
    return json{{"name", "张三"}, {"id_number", "11010519491231002X"}, {"phone", "13812345678"},
                {"employer", "长春某建筑公司"}, {"kind", "illness"}, {"household_size", 3},
                {"income_per_head", 800}, {"description", "家人重病住院，医疗费用负担很重 #" + n},
                {"sensitive_consent", true}, {"consent", true}};
  // legal (and any other id, which the hub refuses as unknown_service): a
  // duty slot of the embedded content still open on the day it is made.
  static const ContentLoad content = load_embedded_content();
  REQUIRE(content.bundle);
  const Date day = Date::from_unix(created_ms / 1000);
  std::string slot;
  // The built-in slots come from weekly rules, expanded for that day.
  const ContentBundle shown = expand_schedules(*content.bundle, day);
  for (const auto& s : shown.slots) {
    auto d = Date::parse(s.date);
    if (d && *d >= day && s.booked < s.capacity) slot = s.id;
  }
  REQUIRE_MESSAGE(!slot.empty(), "no open duty slot in the embedded content after " << day.iso());
  return json{{"slot", slot}, {"category", "wage_arrears"}, {"employer", "长春某建筑公司"},
              {"description", "三个月工资未发，共计一万二千元 #" + n}, {"arbitration_filed", "no"},
              {"name", "李四"}, {"phone", "13912345678"}, {"consent", true}};
}

std::vector<std::string> queue_requests(const std::string& data_dir, int n,
                                        const std::string& service, int64_t now_ms) {
  log::set_min_level(log::Level::Warn);  // one INFO line per request is noise here
  auto store = open_kiosk_store(data_dir);
  std::vector<std::string> ids;
  // Strictly increasing across calls too, so creation order is the order of the calls.
  static int64_t last = 0;
  int64_t now = now_ms > 0 ? now_ms : unix_now_ms();
  if (now_ms <= 0) now = std::max(now, last + 1);
  last = now + n;
  for (int i = 0; i < n; ++i) {
    NewRequest req;
    req.service_id = service;
    req.ticket_prefix = "F";
    req.content_version = "2026.11-test";
    req.plan.answers = valid_answers(service, i, now + i);
    auto rec = store->submit(req, now + i);
    REQUIRE(rec.ok());
    ids.push_back(rec->id);
  }
  return ids;
}

HubView hub_view(const std::string& hub_dir) {
  HubView v;
  auto db = hub::HubDb::open(hub_dir + "/hub.db");
  REQUIRE(db.ok());
  hub::RequestFilter f;
  f.limit = 0;
  auto rs = (*db)->list_requests(f);
  REQUIRE(rs.ok());
  std::map<int64_t, int64_t> last_seq;
  for (const auto& r : *rs) {
    v.ids.push_back(r.id);
    if (r.out_of_order) ++v.out_of_order;
    if (r.kiosk_seq != last_seq[r.kiosk_id] + 1) v.seq_contiguous = false;
    last_seq[r.kiosk_id] = r.kiosk_seq;
  }
  return v;
}

KioskView kiosk_view(const std::string& data_dir) {
  auto store = open_kiosk_store(data_dir);
  QueueStats s = store->stats();
  return KioskView{s.queued, s.sending, s.delivered, s.handled, s.quarantined};
}

void check_exactly_once(const std::string& hub_dir, const std::vector<std::string>& queued,
                        const std::vector<std::string>& kiosk_dirs) {
  HubView h = hub_view(hub_dir);
  std::multiset<std::string> held(h.ids.begin(), h.ids.end());
  std::multiset<std::string> want(queued.begin(), queued.end());
  CHECK(h.ids.size() == queued.size());  // none lost, none twice
  CHECK(held == want);
  CHECK(h.seq_contiguous);
  CHECK(h.out_of_order == 0);  // applied in the order they were made
  size_t delivered = 0;
  for (const auto& d : kiosk_dirs) {
    KioskView k = kiosk_view(d);
    CHECK(k.queued == 0);
    CHECK(k.sending == 0);
    delivered += static_cast<size_t>(k.delivered + k.handled);
  }
  CHECK(delivered == queued.size());
}

int sync_until_ok(const std::string& data_dir, int max_runs, std::vector<int>* codes) {
  for (int i = 1; i <= max_runs; ++i) {
    auto r = run_kiosk(data_dir, fast_sync_args());
    if (codes) codes->push_back(r.code);
    if (r.code == 0) return i;
  }
  return max_runs + 1;
}

}  // namespace kiosk::synctest
