// Real processes for the end-to-end tests: spawn with extra environment and
// output to a file, run to completion, stop politely then firmly, and a
// private Xvfb display.
#pragma once
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace e2e {

using Env = std::map<std::string, std::string>;

pid_t spawn(const std::vector<std::string>& argv, const Env& env, const std::string& log_file);
bool exited(pid_t pid);
void stop(pid_t pid);  // SIGTERM; SIGKILL only if it has not exited after 60 s
// Runs to completion; returns the exit code, stdout+stderr in *out.
int run(const std::vector<std::string>& argv, const Env& env = {}, std::string* out = nullptr);

// A private Xvfb on a display it chose itself (-displayfd), ready for
// clients once constructed. display is empty if it could not start.
struct Xvfb {
  pid_t pid = -1;
  std::string display;
  explicit Xvfb(int width = 1920, int height = 1080);
  ~Xvfb();
  Xvfb(const Xvfb&) = delete;
  Xvfb& operator=(const Xvfb&) = delete;
};

}  // namespace e2e
