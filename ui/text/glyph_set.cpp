#include "ui/text/glyph_set.hpp"

#include <iconv.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "assets/embedded.hpp"
#include "kiosk/base/utf8.hpp"

namespace kiosk::ui {

namespace {
constexpr char32_t kBmpSize = 0x10000;
}

GlyphSet::GlyphSet() : bits_(kBmpSize / 64, 0) {}

void GlyphSet::add(char32_t c) {
  if (c == 0 || c >= kBmpSize) return;
  uint64_t mask = uint64_t{1} << (c % 64);
  uint64_t& word = bits_[c / 64];
  if (!(word & mask)) {
    word |= mask;
    ++count_;
  }
}

void GlyphSet::add_range(char32_t first, char32_t last) {
  for (char32_t c = first; c <= last && c < kBmpSize; ++c) add(c);
}

void GlyphSet::add_utf8(std::string_view text) {
  for (char32_t c : kiosk::utf8_decode_lenient(text)) add(c);
}

void GlyphSet::add(const GlyphSet& other) {
  for (size_t i = 0; i < bits_.size(); ++i) {
    uint64_t added = other.bits_[i] & ~bits_[i];
    count_ += __builtin_popcountll(added);
    bits_[i] |= added;
  }
}

bool GlyphSet::contains(char32_t c) const {
  if (c >= kBmpSize) return false;
  return (bits_[c / 64] >> (c % 64)) & 1;
}

bool GlyphSet::contains_all_utf8(std::string_view text) const {
  for (char32_t c : kiosk::utf8_decode_lenient(text))
    if (!contains(c)) return false;
  return true;
}

std::vector<uint16_t> GlyphSet::ranges() const {
  std::vector<uint16_t> out;
  char32_t c = 1;
  while (c < kBmpSize) {
    if (!contains(c)) {
      ++c;
      continue;
    }
    char32_t first = c;
    while (c + 1 < kBmpSize && contains(c + 1)) ++c;
    out.push_back(static_cast<uint16_t>(first));
    out.push_back(static_cast<uint16_t>(c));
    ++c;
  }
  out.push_back(0);
  return out;
}

uint64_t GlyphSet::digest() const {
  // FNV-1a over the bitmap words: stable across runs and builds.
  uint64_t h = 1469598103934665603ull;
  for (uint64_t w : bits_) {
    h ^= w;
    h *= 1099511628211ull;
    h ^= h >> 29;
  }
  return h;
}

namespace {

// Decodes GB2312 rows [first_row, last_row] (EUC-CN lead bytes 0xA0+row).
std::vector<char32_t> gb2312_rows(int first_row, int last_row) {
  std::vector<char32_t> out;
  iconv_t cd = iconv_open("UTF-32LE", "GB2312");
  if (cd == reinterpret_cast<iconv_t>(-1)) return out;
  for (int row = first_row; row <= last_row; ++row) {
    for (int cell = 1; cell <= 94; ++cell) {
      char in[2] = {static_cast<char>(0xA0 + row), static_cast<char>(0xA0 + cell)};
      char32_t u = 0;
      char* inp = in;
      size_t inleft = 2;
      char* outp = reinterpret_cast<char*>(&u);
      size_t outleft = sizeof(u);
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
      // Unassigned cells (the end of row 55) fail to convert and are skipped.
      if (iconv(cd, &inp, &inleft, &outp, &outleft) != static_cast<size_t>(-1) &&
          outleft == 0 && u != 0)
        out.push_back(u);
    }
  }
  iconv_close(cd);
  return out;
}

}  // namespace

std::vector<char32_t> gb2312_level1() { return gb2312_rows(16, 55); }
std::vector<char32_t> gb2312_level2() { return gb2312_rows(56, 87); }

void add_ui_basics(GlyphSet& set) {
  set.add_range(0x20, 0x7E);     // ASCII
  set.add_range(0xA0, 0xFF);     // Latin-1 (names like "José", "×", "·")
  set.add_range(0x2010, 0x2027); // dashes, quotes, ellipsis, bullets
  set.add_range(0x2190, 0x2193); // arrows for back / next
  set.add_range(0x2460, 0x2473); // circled numbers
  set.add_range(0x25A0, 0x25CF); // squares, triangles, circles
  set.add_range(0x2713, 0x2717); // check and cross marks
  set.add_range(0x3000, 0x303F); // CJK punctuation
  set.add_range(0xFF01, 0xFF5E); // full-width forms
  set.add(0x00B7);
  set.add(0xFFFD);               // fallback glyph
  set.add(0x232B);               // erase-to-the-left
  set.add(0x21E7);               // shift arrow
}

void add_embedded_text(GlyphSet& set) {
  for (const auto& [name, data] : kiosk::assets::embedded_files()) {
    if (name.starts_with("strings/") || name.starts_with("content/")) set.add_utf8(data);
  }
}

void add_directory_text(GlyphSet& set, std::string_view dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(std::filesystem::path(std::string(dir)), ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".json") continue;
    std::ifstream f(it->path(), std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    set.add_utf8(ss.str());
  }
}

}  // namespace kiosk::ui
