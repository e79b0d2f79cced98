// See process.hpp.
#include "process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

pid_t spawn(const std::vector<std::string>& argv, const Env& env, const std::string& log_file) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string s(*e);
    if (!env.count(s.substr(0, s.find('=')))) envs.push_back(s);
  }
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

bool exited(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == pid;
}

void stop(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    if (exited(pid)) return;
    std::this_thread::sleep_for(100ms);
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

int run(const std::vector<std::string>& argv, const Env& env, std::string* out) {
  static int n = 0;
  const fs::path tmp = fs::temp_directory_path() /
                       ("kiosk-e2e-out-" + std::to_string(getpid()) + "-" + std::to_string(++n));
  fs::remove(tmp);
  const pid_t pid = spawn(argv, env, tmp.string());
  if (pid < 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  if (out) {
    std::ifstream f(tmp);
    std::stringstream ss;
    ss << f.rdbuf();
    *out = ss.str();
  }
  fs::remove(tmp);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Xvfb::Xvfb(int first, int last) {
  for (int n = first; n < last; ++n) {
    if (fs::exists("/tmp/.X11-unix/X" + std::to_string(n)) ||
        fs::exists("/tmp/.X" + std::to_string(n) + "-lock"))
      continue;
    const std::string d = ":" + std::to_string(n);
    pid = spawn({"Xvfb", d, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"}, {}, "/dev/null");
    if (pid < 0) continue;
    for (int i = 0; i < 100; ++i) {
      if (fs::exists("/tmp/.X11-unix/X" + std::to_string(n))) {
        display = d;
        std::this_thread::sleep_for(200ms);
        return;
      }
      if (exited(pid)) break;
      std::this_thread::sleep_for(50ms);
    }
    stop(pid);
    pid = -1;
  }
}

Xvfb::~Xvfb() { stop(pid); }

}  // namespace e2e
