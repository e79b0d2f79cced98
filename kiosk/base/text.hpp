// Bilingual text: Simplified Chinese first, English beside it.
#pragma once
#include <string>
#include <string_view>

namespace kiosk {

enum class Lang { Zh, En };

struct Text {
  std::string zh;
  std::string en;
  const std::string& in(Lang l) const { return l == Lang::Zh ? zh : en; }
  bool complete() const { return !zh.empty() && !en.empty(); }
  bool operator==(const Text&) const = default;
};

}  // namespace kiosk
