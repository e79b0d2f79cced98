#include "ui/text/pinyin.hpp"

#include <signal.h>
#include <spawn.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>

#include "kiosk/base/log.hpp"
#include "ui/ime/wire.hpp"

extern char** environ;

namespace kiosk::ui {

namespace {

constexpr size_t kMaxPinyin = 64;
// A decoder step takes well under a millisecond; one that takes this long
// is hung, and is treated like one that died.
constexpr int kStepTimeoutMs = 2000;
constexpr int kStartTimeoutMs = 5000;
// Keys of one composition replayed into a new decoder at most.
constexpr size_t kMaxHistory = 256;

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

}  // namespace

std::string GooglePinyinEngine::default_worker() {
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    std::string dir(self, static_cast<size_t>(n));
    dir.resize(dir.rfind('/') + 1);
    if (executable(dir + "union-kiosk-pinyin")) return dir + "union-kiosk-pinyin";
  }
  return KIOSK_PINYIN_WORKER_INSTALLED;
}

GooglePinyinEngine::GooglePinyinEngine(std::string worker, std::string dictionary)
    : worker_(std::move(worker)), dictionary_(std::move(dictionary)) {}

std::unique_ptr<GooglePinyinEngine> GooglePinyinEngine::open(const std::string& worker,
                                                             const std::string& dictionary) {
  std::unique_ptr<GooglePinyinEngine> e(new GooglePinyinEngine(worker, dictionary));
  if (!e->start()) return nullptr;
  return e;
}

GooglePinyinEngine::~GooglePinyinEngine() { stop(); }

bool GooglePinyinEngine::start() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return false;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  // The child's stdin and stdout are its end of the socket; its stderr (the
  // library's assert message) goes nowhere.
  posix_spawn_file_actions_adddup2(&fa, sv[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&fa, sv[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  // Its own process group: a Ctrl+C at the kiosk's terminal is the kiosk's.
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  std::string arg0 = "union-kiosk-pinyin";
  char* argv[] = {arg0.data(), dictionary_.data(), nullptr};
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, worker_.c_str(), &fa, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    return false;
  }
  fd_ = sv[0];
  pid_ = pid;
  std::string hello;
  if (ime::read_frame(fd_, hello, kStartTimeoutMs) != ime::ReadStatus::Ok || hello != "ready") {
    stop();
    return false;
  }
  return true;
}

void GooglePinyinEngine::stop() {
  if (fd_ >= 0) ::close(fd_);  // a healthy decoder exits on the close
  fd_ = -1;
  if (pid_ > 0) {
    // A decoder that is still running after the close gets no second chance.
    int status = 0;
    pid_t r = -1;
    for (int i = 0; i < 50; ++i) {
      r = ::waitpid(pid_, &status, WNOHANG);
      if (r != 0) break;
      ::usleep(1000);
    }
    if (r == 0) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  pid_ = -1;
}

bool GooglePinyinEngine::call(const std::string& request, std::string& reply) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    // A decoder that was already gone before this key (the write fails) is
    // replaced and the key tried once more; one that dies or hangs on the
    // key (the read fails) is replaced and the key refused.
    bool sent = fd_ >= 0 && ime::write_frame(fd_, request);
    if (sent && ime::read_frame(fd_, reply, kStepTimeoutMs) == ime::ReadStatus::Ok) return true;
    if (!restart()) return false;
    if (sent) return false;
  }
  return false;
}

bool GooglePinyinEngine::restart() {
  if (pid_ > 0) ::kill(pid_, SIGKILL);
  stop();
  ++restarts_;
  log::event(log::Level::Warn, "ui", "pinyin decoder restarted", {{"restarts", restarts_}});
  if (!start()) return false;
  // Bring the new decoder to where the worker was before this key.
  std::string ignored;
  for (const auto& past : history_) {
    if (!ime::write_frame(fd_, past) || ime::read_frame(fd_, ignored, kStepTimeoutMs) != ime::ReadStatus::Ok) {
      // It cannot be brought back: start over with an empty composition.
      stop();
      clear();
      return start();
    }
  }
  return true;
}

void GooglePinyinEngine::apply(const std::string& reply) {
  auto state = ime::decode_state(reply);
  shown_.clear();
  shown_ids_.clear();
  if (!state) {
    fixed_.clear();
    remaining_.clear();
    return;
  }
  fixed_ = state->fixed;
  remaining_ = state->remaining;
  for (auto& [id, text] : state->candidates) {
    if (displayable_ && !displayable_(text)) continue;
    shown_.push_back(std::move(text));
    shown_ids_.push_back(id);
  }
}

// A search replaces the one just before it (the decoder ends in the same
// state either way), so the history holds about two steps per piece chosen.
void GooglePinyinEngine::remember(const std::string& request) {
  if (request[0] == 'S' && !history_.empty() && history_.back()[0] == 'S') history_.pop_back();
  if (history_.size() < kMaxHistory) history_.push_back(request);
}

void GooglePinyinEngine::set_displayable(std::function<bool(const std::string&)> displayable) {
  displayable_ = std::move(displayable);
}

int GooglePinyinEngine::search(const std::string& pinyin) {
  std::string next;
  for (char c : pinyin)
    if (std::isalpha(static_cast<unsigned char>(c)) && next.size() < kMaxPinyin)
      next += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (next.empty()) {
    reset();
    return 0;
  }
  std::string reply;
  if (!call("S" + next, reply)) return -1;
  remember("S" + next);
  apply(reply);
  return static_cast<int>(shown_.size());
}

std::vector<std::string> GooglePinyinEngine::candidates(int first, int count) {
  std::vector<std::string> out;
  for (int i = std::max(first, 0); i < first + count && i < static_cast<int>(shown_.size()); ++i)
    out.push_back(shown_[i]);
  return out;
}

std::string GooglePinyinEngine::choose(int index) {
  if (index < 0 || index >= static_cast<int>(shown_ids_.size())) return {};
  const int id = shown_ids_[index];
  if (id == 0) {
    // The whole-sentence candidate completes the composition at once.
    std::string chosen = shown_[index];
    reset();
    return chosen;
  }
  std::string reply;
  const std::string request = "C" + std::to_string(id);
  if (!call(request, reply)) return {};
  auto state = ime::decode_state(reply);
  if (state && state->done) {
    std::string result = state->committed;
    clear();
    return result;
  }
  remember(request);
  apply(reply);
  return {};
}

std::string GooglePinyinEngine::composing() const { return remaining_; }
std::string GooglePinyinEngine::fixed() const { return fixed_; }

void GooglePinyinEngine::clear() {
  history_.clear();
  fixed_.clear();
  remaining_.clear();
  shown_.clear();
  shown_ids_.clear();
}

void GooglePinyinEngine::reset() {
  std::string reply;
  if (!history_.empty()) call("R", reply);
  clear();
}

}  // namespace kiosk::ui
