// Builds the kiosk's font atlas (Noto Sans CJK SC) for the glyph set and UI
// scale, and caches the built atlas (pixels + glyph tables) in the data dir
// so that every start after the first skips rasterising thousands of hanzi.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "ui/text/glyph_set.hpp"

struct ImFontAtlas;

namespace kiosk::ui {

struct FontFiles {
  std::string regular = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
  std::string bold = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";
  int face_index = 2;  // "Noto Sans CJK SC" in Debian's .ttc (fc-query)
};

// Pixel sizes at UI scale 1 on a 1080p screen.
struct FontSizes {
  float body = 30.0f;
  float heading = 44.0f;
  float title = 60.0f;
  float ticket = 150.0f;
};

enum class Rasterizer { FreeType, StbTruetype };

struct AtlasRequest {
  FontFiles files;
  FontSizes sizes;
  float scale = 1.0f;         // large-text mode: 1.5
  GlyphSet body_glyphs;       // everything the worker can see or type
  GlyphSet heading_glyphs;    // content + string tables + basics
  Rasterizer rasterizer = Rasterizer::FreeType;
};

struct AtlasReport {
  bool from_cache = false;
  bool fonts_found = true;     // false: fell back to ImGui's built-in Latin font
  double build_ms = 0;         // whole call, load or rasterise
  int tex_width = 0, tex_height = 0;
  int glyphs = 0;              // all fonts
  uint64_t cache_key = 0;
  std::string cache_file;      // empty when no cache dir was given
  std::string note;            // why the cache was not used/written (no personal data)
};

// Standard glyph sets for the kiosk: body = basics + embedded text + extra +
// GB2312 levels; heading = basics + embedded text + extra.
AtlasRequest kiosk_atlas_request(float scale, const GlyphSet& extra_text, bool with_level2);

// Fills `atlas` (cleared first) with fonts in FontRole order and its Alpha8
// pixels (atlas.TexPixelsAlpha8). `cache_dir` empty: no cache. Never fails:
// missing font files give ImGui's default font and fonts_found = false.
AtlasReport build_font_atlas(ImFontAtlas& atlas, const AtlasRequest& req,
                             const std::string& cache_dir);

// Builds the cache entry for `req` if it is missing, on a low-priority
// thread of this process, so that switching to large text later loads it in
// tens of ms instead of rasterising for most of a second while the worker
// waits. A thread, not a forked child: by the time this runs the sync and
// camera threads (and the GL driver's) exist, and a child forked from a
// threaded process may deadlock on a lock one of them held (malloc's).
// The build shares nothing with the UI but ImGui's allocation counter
// (IO.MetricsActiveAllocations, a statistic ImGui documents as approximate).
// Destroy it before the ImGui context: the destructor waits for the build.
class AtlasPrewarm {
 public:
  AtlasPrewarm(const AtlasRequest& req, const std::string& cache_dir);
  ~AtlasPrewarm();
  AtlasPrewarm(const AtlasPrewarm&) = delete;
  AtlasPrewarm& operator=(const AtlasPrewarm&) = delete;
  // False when there was nothing to build (the entry exists, no cache dir).
  bool started() const { return worker_.joinable(); }
  bool done() const { return done_.load(); }
  // Blocks until the build has ended (at once if none was started).
  void wait();

 private:
  std::atomic<bool> done_{false};
  std::thread worker_;
};

// The cache key: font files (path, size, mtime), glyph sets, sizes, scale,
// rasterizer and the ImGui version.
uint64_t atlas_cache_key(const AtlasRequest& req);

}  // namespace kiosk::ui
