// An input method for the on-screen keyboard: pinyin letters in, candidate
// Chinese words out. Implemented over Google Pinyin in ui/text/pinyin.cpp.
#pragma once
#include <string>
#include <vector>

namespace kiosk::ui {

class ImeEngine {
 public:
  virtual ~ImeEngine() = default;
  // Replace the pinyin being composed ("zhangwei"); returns candidate count,
  // or -1 when the engine refuses the input (the previous one stays).
  virtual int search(const std::string& pinyin) = 0;
  // Candidates [first, first+count), UTF-8.
  virtual std::vector<std::string> candidates(int first, int count) = 0;
  // Choose candidate i: returns the text to commit when the composition is
  // complete, or "" when more pinyin remains (then candidates() is refreshed
  // for the rest and composing() shows what is left).
  virtual std::string choose(int index) = 0;
  virtual std::string composing() const = 0;  // the pinyin still unconverted
  // Hanzi already chosen for the current composition (shown before
  // composing() while a long phrase is built piece by piece).
  virtual std::string fixed() const { return {}; }
  virtual void reset() = 0;
};

}  // namespace kiosk::ui
