// See process.hpp.
#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
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
  // A busy machine may take a while to let it finish; SIGKILL only for a hung one.
  const auto end = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < end) {
    if (exited(pid)) return;
    std::this_thread::sleep_for(20ms);
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

Xvfb::Xvfb(int width, int height) {
  // Xvfb picks a free display itself and writes its number to the pipe
  // once it accepts connections (-displayfd): no race between tests that
  // start at the same moment, and no guessing from socket files.
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;
  const int wfd = fcntl(fds[1], F_DUPFD, 3);  // a copy without CLOEXEC, for the child
  close(fds[1]);
  if (wfd < 0) {
    close(fds[0]);
    return;
  }
  const std::string screen = std::to_string(width) + "x" + std::to_string(height) + "x24";
  pid = spawn({"Xvfb", "-displayfd", std::to_string(wfd), "-screen", "0", screen,
               "-nolisten", "tcp"},
              {}, "/dev/null");
  close(wfd);
  std::string number;
  if (pid > 0) {
    const auto end = std::chrono::steady_clock::now() + 60s;  // only a hung Xvfb takes that long
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{fds[0], POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) {
        if (exited(pid)) break;
        continue;
      }
      char buf[32];
      const ssize_t n = read(fds[0], buf, sizeof buf);
      if (n <= 0) break;  // Xvfb closed the pipe without a number
      number.append(buf, static_cast<size_t>(n));
      if (number.find('\n') != std::string::npos) break;
    }
  }
  close(fds[0]);
  while (!number.empty() && (number.back() == '\n' || number.back() == '\r')) number.pop_back();
  if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos) {
    stop(pid);
    pid = -1;
    return;
  }
  display = ":" + number;
}

Xvfb::~Xvfb() { stop(pid); }

}  // namespace e2e
