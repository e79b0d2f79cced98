#include <doctest/doctest.h>
#include <imgui.h>

#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "ui/text/font_roles.hpp"
#include "ui/text/fonts.hpp"

using namespace kiosk::ui;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/kiosk-atlas-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

AtlasRequest small_request(Rasterizer r) {
  AtlasRequest req;
  req.rasterizer = r;
  add_ui_basics(req.body_glyphs);
  req.body_glyphs.add_utf8("张伟长春市第一机床厂工会法律援助");
  req.heading_glyphs = req.body_glyphs;
  return req;
}

bool same_font(const ImFont* a, const ImFont* b) {
  if (a->FontSize != b->FontSize || a->Ascent != b->Ascent || a->Glyphs.Size != b->Glyphs.Size)
    return false;
  return std::memcmp(a->Glyphs.Data, b->Glyphs.Data, a->Glyphs.Size * sizeof(ImFontGlyph)) == 0;
}

}  // namespace

TEST_CASE("second build loads the identical atlas from the cache") {
  TempDir dir;
  for (Rasterizer r : {Rasterizer::FreeType, Rasterizer::StbTruetype}) {
    AtlasRequest req = small_request(r);
    ImFontAtlas first;
    AtlasReport a = build_font_atlas(first, req, dir.path.string());
    REQUIRE(a.fonts_found);
    CHECK_FALSE(a.from_cache);
    REQUIRE(first.Fonts.Size == 4);
    CHECK(fs::exists(a.cache_file));
    CHECK(first.Fonts[0]->FindGlyphNoFallback(U'张') != nullptr);
    CHECK(first.Fonts[1]->FindGlyphNoFallback(U'援') != nullptr);
    CHECK(first.Fonts[2]->FindGlyphNoFallback(U'援') != nullptr);
    CHECK(first.Fonts[3]->FindGlyphNoFallback(U'张') == nullptr);  // ticket: ASCII only
    CHECK(first.Fonts[3]->FindGlyphNoFallback(U'7') != nullptr);

    ImFontAtlas second;
    AtlasReport b = build_font_atlas(second, req, dir.path.string());
    CHECK(b.from_cache);
    CHECK(b.cache_key == a.cache_key);
    REQUIRE(second.Fonts.Size == 4);
    for (int i = 0; i < 4; ++i) CHECK(same_font(first.Fonts[i], second.Fonts[i]));
    REQUIRE(second.TexWidth == first.TexWidth);
    REQUIRE(second.TexHeight == first.TexHeight);
    CHECK(std::memcmp(first.TexPixelsAlpha8, second.TexPixelsAlpha8,
                      static_cast<size_t>(first.TexWidth) * first.TexHeight) == 0);
    CHECK(second.TexUvWhitePixel.x == first.TexUvWhitePixel.x);
    CHECK(second.IsBuilt());
    // Lookup tables rebuilt: a glyph found by code point, fallback set.
    const ImFontGlyph* g = second.Fonts[0]->FindGlyph(U'伟');
    REQUIRE(g != nullptr);
    CHECK(g->Codepoint == U'伟');
    CHECK(second.Fonts[0]->FallbackGlyph != nullptr);
  }
}

TEST_CASE("a damaged cache file is rebuilt, never trusted") {
  TempDir dir;
  AtlasRequest req = small_request(Rasterizer::FreeType);
  ImFontAtlas first;
  AtlasReport a = build_font_atlas(first, req, dir.path.string());
  REQUIRE(fs::exists(a.cache_file));
  {
    // Flip bytes near the end (inside the pixels).
    std::fstream f(a.cache_file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-100, std::ios::end);
    const char junk[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    f.write(junk, sizeof junk);
  }
  ImFontAtlas second;
  AtlasReport b = build_font_atlas(second, req, dir.path.string());
  CHECK_FALSE(b.from_cache);
  CHECK(b.note.find("damaged") != std::string::npos);
  CHECK(std::memcmp(first.TexPixelsAlpha8, second.TexPixelsAlpha8,
                    static_cast<size_t>(first.TexWidth) * first.TexHeight) == 0);
  ImFontAtlas third;  // the rebuild rewrote a good file
  CHECK(build_font_atlas(third, req, dir.path.string()).from_cache);

  // Truncated file.
  fs::resize_file(a.cache_file, 200);
  ImFontAtlas fourth;
  CHECK_FALSE(build_font_atlas(fourth, req, dir.path.string()).from_cache);
}

TEST_CASE("a different glyph set or scale is a different cache entry") {
  AtlasRequest req = small_request(Rasterizer::FreeType);
  uint64_t k = atlas_cache_key(req);
  AtlasRequest more = req;
  more.body_glyphs.add(U'李');
  CHECK(atlas_cache_key(more) != k);
  AtlasRequest large = req;
  large.scale = 1.5f;
  CHECK(atlas_cache_key(large) != k);
  CHECK(atlas_cache_key(small_request(Rasterizer::FreeType)) == k);
}

TEST_CASE("missing font files fall back to ImGui's font and the atlas still works") {
  AtlasRequest req = small_request(Rasterizer::FreeType);
  req.files.regular = "/nonexistent/font.ttc";
  ImFontAtlas atlas;
  AtlasReport r = build_font_atlas(atlas, req, "");
  CHECK_FALSE(r.fonts_found);
  CHECK(atlas.IsBuilt());
  CHECK(atlas.Fonts.Size >= 1);
}

TEST_CASE("large-text atlas is 1.5x") {
  AtlasRequest req = small_request(Rasterizer::FreeType);
  req.scale = 1.5f;
  ImFontAtlas atlas;
  build_font_atlas(atlas, req, "");
  REQUIRE(atlas.Fonts.Size == 4);
  CHECK(atlas.Fonts[0]->FontSize == doctest::Approx(req.sizes.body * 1.5f).epsilon(0.02));
}

TEST_CASE("prewarm builds the missing cache entry on a thread, forking nothing") {
  TempDir dir;
  AtlasRequest req = small_request(Rasterizer::FreeType);
  req.scale = 1.5f;
  {
    AtlasPrewarm prewarm(req, dir.path.string());
    REQUIRE(prewarm.started());
    // No child process while it builds (fork() in a threaded process may
    // deadlock the child).
    errno = 0;
    CHECK(waitpid(-1, nullptr, WNOHANG) == -1);
    CHECK(errno == ECHILD);
    prewarm.wait();
    CHECK(prewarm.done());
  }
  ImFontAtlas atlas;
  CHECK(build_font_atlas(atlas, req, dir.path.string()).from_cache);
  for (const auto& e : fs::directory_iterator(dir.path))
    CHECK_MESSAGE(e.path().extension() == ".bin", "left behind: " << e.path());
  CHECK_FALSE(AtlasPrewarm(req, dir.path.string()).started());  // present: nothing to do
  CHECK_FALSE(AtlasPrewarm(req, "").started());
}
