// Font atlas cost for the kiosk's glyph sets: rasterising cold vs loading
// the cached atlas, GB2312 level 1 only vs levels 1 and 2, FreeType vs
// stb_truetype, at UI scale 1 and 1.5. Prints a table; asserts nothing.
#include <imgui.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "ui/text/fonts.hpp"

using namespace kiosk::ui;

namespace {

long rss_kb() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (f) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

}  // namespace

int main() {
  char tmpl[] = "/tmp/kiosk-bench-fonts-XXXXXX";
  std::string cache = mkdtemp(tmpl);
  std::printf("%-10s %-6s %-5s %8s %8s %10s %10s %9s %9s\n", "rasterizer", "levels", "scale",
              "glyphs", "tex", "cold_ms", "cached_ms", "tex_MB", "file_MB");
  for (Rasterizer r : {Rasterizer::FreeType, Rasterizer::StbTruetype}) {
    for (bool level2 : {false, true}) {
      for (float scale : {1.0f, 1.5f}) {
        AtlasRequest req = kiosk_atlas_request(scale, GlyphSet(), level2);
        req.rasterizer = r;
        AtlasReport cold, warm;
        {
          ImFontAtlas atlas;
          cold = build_font_atlas(atlas, req, cache);
        }
        {
          ImFontAtlas atlas;
          warm = build_font_atlas(atlas, req, cache);
        }
        double file_mb =
            std::filesystem::file_size(warm.cache_file) / (1024.0 * 1024.0);
        std::printf("%-10s %-6s %-5.1f %8d %4dx%-4d %10.1f %10.1f %9.1f %9.1f%s\n",
                    r == Rasterizer::FreeType ? "freetype" : "stb", level2 ? "1+2" : "1",
                    scale, cold.glyphs, cold.tex_width, cold.tex_height, cold.build_ms,
                    warm.build_ms, cold.tex_width * cold.tex_height / (1024.0 * 1024.0),
                    file_mb, warm.from_cache ? "" : "  (cache not used!)");
        std::fflush(stdout);
      }
    }
  }
  std::printf("peak RSS of this process: %.1f MB\n", rss_kb() / 1024.0);
  std::filesystem::remove_all(cache);
  return 0;
}
