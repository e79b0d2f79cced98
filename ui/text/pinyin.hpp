// The pinyin input method over Google Pinyin (Debian's libgooglepinyin and
// its dict_pinyin.dat). Phrase input: "zhangwei" offers 张伟; a long phrase
// is built by choosing partial candidates until all the pinyin is consumed.
//
// The decoder runs in a process of its own (union-kiosk-pinyin, see
// ui/ime/decoder.hpp), spawned once with posix_spawn and spoken to over a
// socket: the library aborts on some inputs, and a kiosk with threads must
// not fork. When the decoder dies or hangs on a key, that key is refused,
// a new decoder is started and given the keys accepted so far, and the
// worker's composition stays as it was. Learning is off: nothing a worker
// types (a name) is remembered or ranked higher for the next worker.
#pragma once
#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ui/text/ime.hpp"

namespace kiosk::ui {

class GooglePinyinEngine final : public ImeEngine {
 public:
  static constexpr const char* kDefaultDictionary =
      "/usr/lib/x86_64-linux-gnu/googlepinyin/data/dict_pinyin.dat";

  // union-kiosk-pinyin beside the running program, else where the package
  // installs it.
  static std::string default_worker();

  // Null when the worker cannot be started or the dictionary not opened.
  static std::unique_ptr<GooglePinyinEngine> open(const std::string& worker = default_worker(),
                                                  const std::string& dictionary = kDefaultDictionary);
  ~GooglePinyinEngine() override;
  GooglePinyinEngine(const GooglePinyinEngine&) = delete;
  GooglePinyinEngine& operator=(const GooglePinyinEngine&) = delete;

  // Candidates containing a character the font atlas cannot draw are hidden.
  void set_displayable(std::function<bool(const std::string&)> displayable);

  // A pinyin the decoder dies on is refused (-1): the previous composition
  // stays and the keyboard drops the key.
  int search(const std::string& pinyin) override;
  std::vector<std::string> candidates(int first, int count) override;
  std::string choose(int index) override;
  std::string composing() const override;
  std::string fixed() const override;
  void reset() override;

  // Decoders started after the first (each one a refused key), and the
  // worker's pid now (-1 when none runs): for tests and the log.
  int restarts() const { return restarts_; }
  pid_t worker_pid() const { return pid_; }

 private:
  GooglePinyinEngine(std::string worker, std::string dictionary);
  bool start();
  void stop();
  // One request answered; on a dead or hung decoder a new one is started
  // and given history_ again, and the request is refused.
  bool call(const std::string& request, std::string& reply);
  bool restart();
  void apply(const std::string& reply);
  void remember(const std::string& request);
  void clear();

  std::string worker_;
  std::string dictionary_;
  int fd_ = -1;
  pid_t pid_ = -1;
  int restarts_ = 0;
  std::vector<std::string> history_;  // requests accepted since the last reset

  std::string fixed_;                 // hanzi chosen so far
  std::string remaining_;             // pinyin not yet converted
  std::vector<std::string> shown_;    // displayable candidates
  std::vector<int> shown_ids_;        // their ids in the decoder
  std::function<bool(const std::string&)> displayable_;
};

}  // namespace kiosk::ui
