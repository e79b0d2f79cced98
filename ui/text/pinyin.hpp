// The pinyin input method over Google Pinyin (Debian's libgooglepinyin and
// its dict_pinyin.dat). Phrase input: "zhangwei" offers 张伟; a long phrase
// is built by choosing partial candidates until all the pinyin is consumed.
//
// Google Pinyin keeps one global decoder per process, so at most one engine
// may be open at a time. Learning is off: nothing a worker types (a name)
// is remembered or ranked higher for the next worker.
#pragma once
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

  // Null when the dictionary cannot be opened or another engine is open.
  static std::unique_ptr<GooglePinyinEngine> open(const std::string& dictionary =
                                                      kDefaultDictionary);
  ~GooglePinyinEngine() override;

  // Candidates containing a character the font atlas cannot draw are hidden.
  void set_displayable(std::function<bool(const std::string&)> displayable);

  // A pinyin the decoder would crash on is refused (-1): the previous
  // composition stays and the keyboard drops the key.
  int search(const std::string& pinyin) override;
  std::vector<std::string> candidates(int first, int count) override;
  std::string choose(int index) override;
  std::string composing() const override;
  std::string fixed() const override;
  void reset() override;

 private:
  GooglePinyinEngine() = default;
  void refresh(size_t total);

  std::string pinyin_;
  std::string fixed_;                 // hanzi chosen so far
  std::string remaining_;             // pinyin not yet converted
  std::vector<std::string> shown_;    // displayable candidates
  std::vector<int> shown_ids_;        // their ids in the decoder
  std::function<bool(const std::string&)> displayable_;
};

}  // namespace kiosk::ui
