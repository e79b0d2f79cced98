// Helpers for the sync tests: temporary directories, a real union-hub
// process on loopback, the sync-kiosk driver (the real `sync`/`enroll`
// commands), requests queued through the real store, and the final check
// every scenario ends with: the hub holds exactly what the kiosk queued.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kiosk {
class RequestStore;
}

namespace kiosk::synctest {

struct TempDir {
  std::string path;
  TempDir();
  ~TempDir();
};

struct Proc {
  pid_t pid = -1;
  int wait();                  // exit code (128+signal if killed)
  void kill_now(int sig);      // and reap
  bool running();
};

// Spawns argv[0] with argv; stdout/stderr appended to log_file ("" = inherit).
Proc spawn(const std::vector<std::string>& argv, const std::string& log_file = "");

struct RunResult {
  int code = -1;
  std::string out;
};
// Runs to completion, capturing stdout.
RunResult run(const std::vector<std::string>& argv);

class HubProcess {
 public:
  // Plain HTTP on loopback unless cert/key are given. port 0: any free port.
  HubProcess(std::string data_dir, int port = 0, std::vector<std::string> extra = {});
  ~HubProcess();
  void start();
  void kill9();      // SIGKILL, no goodbye
  void stop();       // SIGTERM and wait
  int port() const { return port_; }
  pid_t pid() const { return proc_.pid; }
  std::string url() const;
  const std::string& data_dir() const { return dir_; }
  // Admin commands through the real binary.
  std::string add_kiosk(const std::string& name, std::string* kiosk_id = nullptr);
  int revoke(const std::string& kiosk_id);
  int resolve(const std::string& request_id, const std::string& note);

 private:
  std::string dir_;
  int port_;
  std::vector<std::string> extra_;
  Proc proc_;
};

int free_port();

// A throwaway CA and a hub certificate for 127.0.0.1 (EC P-256), made with
// the openssl command in `dir`: ca.pem, hub.pem, hub.key.
void make_test_pki(const std::string& dir);

// VmRSS and VmHWM of a process from /proc/PID/status, in KiB (-1 if unknown).
struct ProcMemory {
  long rss_kib = -1, hwm_kib = -1;
};
ProcMemory proc_memory(pid_t pid);
std::string hub_binary();
std::string kiosk_binary();

// `sync-kiosk --data-dir DIR <args...>`
RunResult run_kiosk(const std::string& data_dir, const std::vector<std::string>& args);
// Short timeouts so that the fault scenarios finish in seconds.
std::vector<std::string> fast_sync_args();
// Enrolls data_dir with `hub_url` using a fresh code from `hub`.
void enroll(const std::string& data_dir, HubProcess& hub, const std::string& hub_url,
            const std::string& name = "长春市工人文化宫 1号机");

// The kiosk's queue, opened through its Install (with the config's options).
std::unique_ptr<RequestStore> open_kiosk_store(const std::string& data_dir);

// Answers the hub's form check accepts for "legal" or "hardship", made on
// the day of created_ms (a legal request picks a duty slot still open then).
nlohmann::json valid_answers(const std::string& service, int i, int64_t created_ms);

// Queues n requests through the store; returns their ids in creation order.
// now_ms > 0: created then (a test's clock), else now by the wall clock.
std::vector<std::string> queue_requests(const std::string& data_dir, int n,
                                        const std::string& service = "legal", int64_t now_ms = 0);

struct HubView {
  std::vector<std::string> ids;  // by kiosk, then kiosk_seq
  int out_of_order = 0;
  bool seq_contiguous = true;    // kiosk_seq 1..n per kiosk: nothing stored twice
};
HubView hub_view(const std::string& hub_dir);

struct KioskView {
  int queued = 0, sending = 0, delivered = 0, handled = 0, quarantined = 0;
};
KioskView kiosk_view(const std::string& data_dir);

// The ending of every scenario (doctest CHECKs inside).
void check_exactly_once(const std::string& hub_dir, const std::vector<std::string>& queued,
                        const std::vector<std::string>& kiosk_dirs);

// Runs `sync --once` until it exits 0 or `max_runs` is reached; returns the runs made.
int sync_until_ok(const std::string& data_dir, int max_runs, std::vector<int>* codes = nullptr);

}  // namespace kiosk::synctest
