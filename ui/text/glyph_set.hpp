// The characters the kiosk's font atlas holds. Dear ImGui 1.86 cannot add
// glyphs after the atlas is built, so the set is decided up front: ASCII,
// CJK punctuation, every character of the content and string tables, and
// the GB2312 hanzi the pinyin keyboard can offer.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

namespace kiosk::ui {

// A set of Unicode code points in the Basic Multilingual Plane (ImGui is
// built with 16-bit ImWchar, so nothing above U+FFFF can be drawn anyway).
class GlyphSet {
 public:
  GlyphSet();
  void add(char32_t c);
  void add_range(char32_t first, char32_t last);
  void add_utf8(std::string_view text);
  void add(const GlyphSet& other);
  bool contains(char32_t c) const;
  // True when every code point of `text` is in the set (used to hide pinyin
  // candidates the atlas could not draw).
  bool contains_all_utf8(std::string_view text) const;
  int size() const { return count_; }
  // ImGui glyph ranges: pairs [first, last], zero-terminated.
  std::vector<uint16_t> ranges() const;
  // Stable 64-bit digest of the set (part of the atlas cache key).
  uint64_t digest() const;

 private:
  std::vector<uint64_t> bits_;
  int count_ = 0;
};

// GB2312 level 1 (3755 common hanzi, rows 16-55) and level 2 (3008, rows
// 56-87), decoded with glibc's iconv. Empty if iconv lacks GB2312.
std::vector<char32_t> gb2312_level1();
std::vector<char32_t> gb2312_level2();

// Latin text, CJK and full-width punctuation, and symbols the UI draws.
void add_ui_basics(GlyphSet& set);
// Every character of the embedded string tables and content bundle.
void add_embedded_text(GlyphSet& set);
// Every character of the files in a content directory (a pushed bundle).
void add_directory_text(GlyphSet& set, const std::string_view dir);

}  // namespace kiosk::ui
