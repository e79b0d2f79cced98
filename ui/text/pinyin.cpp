#include "ui/text/pinyin.hpp"

#include <googlepinyin/pinyinime.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <unordered_set>

#include "ui/text/glyph_set.hpp"

namespace kiosk::ui {

namespace {

// The decoder is a process-wide singleton inside libgooglepinyin.
std::atomic<bool> g_open{false};

// A path whose file can never be created: the decoder then runs without a
// user dictionary, so it learns nothing from what workers type.
constexpr const char* kNoUserDictionary = "/dev/null/union-kiosk-no-user-dict";

// Candidates beyond this are never shown (the bar pages through ~8 at a time).
constexpr size_t kMaxCandidates = 300;
constexpr size_t kMaxPinyin = 64;

std::string utf16_to_utf8(const ime_pinyin::char16* s) {
  std::string out;
  for (; *s; ++s) {
    char32_t c = *s;
    // Surrogate pairs do not occur in the dictionary (BMP only); drop them.
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    utf8_append(out, c);
  }
  return out;
}

std::string candidate_text(size_t id) {
  ime_pinyin::char16 buf[kMaxPinyin + 1] = {};
  if (!ime_pinyin::im_get_candidate(id, buf, kMaxPinyin)) return {};
  return utf16_to_utf8(buf);
}

// libgooglepinyin aborts (assert in MatrixSearch::extend_dmi) on some
// inputs with many ambiguous syllables: "an" nine times, "ang" eight times,
// "a" 27 times. A worker mashing keys must not bring the kiosk down, so
// every decoder step is first tried in a forked copy of the process: if
// the copy dies, the step is refused and the real decoder never sees it.
// fork() copies only this thread and the copy touches nothing but the
// decoder's memory, then _exit()s; it costs about a millisecond a key.
template <class Step>
bool survives(Step step) {
  pid_t pid = ::fork();
  if (pid < 0) return true;  // cannot probe: proceed (the common inputs are safe)
  if (pid == 0) {
    struct rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::close(STDERR_FILENO);  // the library's assert message is not for the log
    for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) ::signal(sig, SIG_DFL);
    step();
    ::_exit(0);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return true;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

std::unique_ptr<GooglePinyinEngine> GooglePinyinEngine::open(const std::string& dictionary) {
  bool expected = false;
  if (!g_open.compare_exchange_strong(expected, true)) return nullptr;
  if (!ime_pinyin::im_open_decoder(dictionary.c_str(), kNoUserDictionary)) {
    g_open = false;
    return nullptr;
  }
  ime_pinyin::im_set_max_lens(kMaxPinyin, kMaxPinyin / 2);
  return std::unique_ptr<GooglePinyinEngine>(new GooglePinyinEngine());
}

GooglePinyinEngine::~GooglePinyinEngine() {
  ime_pinyin::im_close_decoder();
  g_open = false;
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
  // No reset between keys: the decoder reuses the common prefix and keeps
  // the pieces already chosen while the worker types on.
  if (!survives([&] { ime_pinyin::im_search(next.c_str(), next.size()); })) return -1;
  pinyin_ = std::move(next);
  refresh(ime_pinyin::im_search(pinyin_.c_str(), pinyin_.size()));
  return static_cast<int>(shown_.size());
}

void GooglePinyinEngine::refresh(size_t total) {
  shown_.clear();
  shown_ids_.clear();
  const ime_pinyin::uint16* starts = nullptr;
  size_t spellings = ime_pinyin::im_get_spl_start_pos(starts);
  size_t fixed_len = ime_pinyin::im_get_fixed_len();
  size_t consumed = (starts && fixed_len <= spellings) ? starts[fixed_len] : 0;
  remaining_ = consumed < pinyin_.size() ? pinyin_.substr(consumed) : std::string();

  // Candidate 0 is the whole sentence, fixed part included.
  std::string sentence = candidate_text(0);
  std::vector<char32_t> cps = utf8_decode(sentence);
  fixed_.clear();
  for (size_t i = 0; i < fixed_len && i < cps.size(); ++i) utf8_append(fixed_, cps[i]);

  std::unordered_set<std::string> seen;
  for (size_t id = 0; id < total && id < kMaxCandidates; ++id) {
    std::string text = candidate_text(id);
    if (text.empty()) break;
    if (!seen.insert(text).second) continue;
    if (displayable_ && !displayable_(text)) continue;
    shown_.push_back(std::move(text));
    shown_ids_.push_back(static_cast<int>(id));
  }
}

std::vector<std::string> GooglePinyinEngine::candidates(int first, int count) {
  std::vector<std::string> out;
  for (int i = std::max(first, 0); i < first + count && i < static_cast<int>(shown_.size()); ++i)
    out.push_back(shown_[i]);
  return out;
}

std::string GooglePinyinEngine::choose(int index) {
  if (index < 0 || index >= static_cast<int>(shown_ids_.size())) return {};
  size_t id = static_cast<size_t>(shown_ids_[index]);
  const ime_pinyin::uint16* starts = nullptr;
  size_t spellings = ime_pinyin::im_get_spl_start_pos(starts);
  std::string chosen = shown_[index];
  if (id == 0) {
    // The whole-sentence candidate completes the composition at once.
    reset();
    return chosen;
  }
  if (!survives([&] { ime_pinyin::im_choose(id); })) return {};
  size_t total = ime_pinyin::im_choose(id);
  size_t fixed_len = ime_pinyin::im_get_fixed_len();
  if (fixed_len >= spellings) {
    std::string result = candidate_text(0);
    reset();
    return result;
  }
  refresh(total);
  return {};
}

std::string GooglePinyinEngine::composing() const { return remaining_; }
std::string GooglePinyinEngine::fixed() const { return fixed_; }

void GooglePinyinEngine::reset() {
  ime_pinyin::im_reset_search();
  pinyin_.clear();
  fixed_.clear();
  remaining_.clear();
  shown_.clear();
  shown_ids_.clear();
}

}  // namespace kiosk::ui
