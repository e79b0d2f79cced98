#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>

#include "assets/embedded.hpp"
#include "kiosk/base/utf8.hpp"
#include "ui/text/fonts.hpp"
#include "ui/text/glyph_set.hpp"

using namespace kiosk::ui;

TEST_CASE("GB2312 levels decode to the standard counts") {
  auto l1 = gb2312_level1();
  auto l2 = gb2312_level2();
  CHECK(l1.size() == 3755);
  CHECK(l2.size() == 3008);
  // Level 1 starts with 啊 and ends with 座; level 2 starts with 亍.
  REQUIRE(!l1.empty());
  CHECK(l1.front() == U'啊');
  CHECK(l1.back() == U'座');
  REQUIRE(!l2.empty());
  CHECK(l2.front() == U'亍');
  GlyphSet s;
  for (char32_t c : l1) s.add(c);
  CHECK(s.size() == 3755);
  CHECK(s.contains(U'张'));
  CHECK(s.contains(U'伟'));
}

TEST_CASE("the kiosk glyph set holds every character of the strings and content") {
  GlyphSet extra;
  extra.add_utf8("额外的字：喆");
  AtlasRequest req = kiosk_atlas_request(1.0f, extra, false);
  int checked = 0;
  for (const auto& [name, data] : kiosk::assets::embedded_files()) {
    if (!(name.starts_with("strings/") || name.starts_with("content/"))) continue;
    for (char32_t c : kiosk::utf8_decode_lenient(data)) {
      if (c < 0x20 || c > 0xFFFF) continue;
      INFO("file " << std::string(name) << " code point " << static_cast<unsigned>(c));
      CHECK(req.body_glyphs.contains(c));
      CHECK(req.heading_glyphs.contains(c));
      ++checked;
    }
  }
  CHECK(checked > 0);
  CHECK(req.body_glyphs.contains(U'喆'));   // not GB2312: came from the extra text
  CHECK(req.body_glyphs.contains(U'。'));
  CHECK(req.body_glyphs.contains(U'A'));
  CHECK(req.body_glyphs.contains(U'座'));   // GB2312 level 1
  CHECK_FALSE(req.body_glyphs.contains(U'亍'));  // level 2 not asked for
  AtlasRequest with2 = kiosk_atlas_request(1.0f, extra, true);
  CHECK(with2.body_glyphs.contains(U'亍'));
  CHECK(with2.body_glyphs.size() > req.body_glyphs.size() + 2900);
}

TEST_CASE("ranges cover exactly the set") {
  GlyphSet s;
  s.add_utf8("abc张伟");
  s.add(U'x');
  auto r = s.ranges();
  REQUIRE(r.size() % 2 == 1);
  CHECK(r.back() == 0);
  int n = 0;
  for (size_t i = 0; i + 1 < r.size(); i += 2) {
    CHECK(r[i] <= r[i + 1]);
    n += r[i + 1] - r[i] + 1;
  }
  CHECK(n == s.size());
  CHECK(s.size() == 6);
  GlyphSet t;
  t.add_utf8("xcba伟张");
  CHECK(t.digest() == s.digest());
  t.add(U'y');
  CHECK(t.digest() != s.digest());
}

TEST_CASE("UTF-8 round trip and malformed input") {
  std::string s;
  s = kiosk::utf8_encode(U"a\u00e9\u5f20\U0001F600");
  auto d = kiosk::utf8_decode_lenient(s);
  REQUIRE(d.size() == 4);
  CHECK(d[2] == U'张');
  CHECK(d[3] == U'😀');
  auto bad = kiosk::utf8_decode_lenient(std::string("a\xE5\x8Fz\xFF", 5));  // truncated sequence, stray byte
  CHECK(bad.size() == 2);
  GlyphSet g;
  g.add_utf8(s);
  CHECK_FALSE(g.contains(U'😀'));  // outside the BMP: ImGui cannot draw it
  CHECK(g.contains_all_utf8("a张"));
  CHECK_FALSE(g.contains_all_utf8("a李"));
}
