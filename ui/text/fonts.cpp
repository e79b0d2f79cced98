#include "ui/text/fonts.hpp"

#include <imgui.h>
#include <imgui_freetype.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "ui/text/font_roles.hpp"

namespace kiosk::ui {

namespace {

constexpr char kMagic[8] = {'K', 'F', 'A', 'T', 'L', 'A', 'S', '2'};
constexpr int kCacheFilesKept = 4;

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xFF51AFD7ED558CCDull;
}
uint64_t mix_str(uint64_t h, const std::string& s) {
  for (unsigned char c : s) h = mix(h, c);
  return mix(h, s.size());
}
uint64_t mix_float(uint64_t h, float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return mix(h, u);
}
uint64_t file_identity(uint64_t h, const std::string& path) {
  // Size and mtime stand for the content: hashing 40 MB of font files on
  // every start would cost more than the cache saves. A font package upgrade
  // changes both.
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return mix(h, 0);
  h = mix_str(h, path);
  h = mix(h, static_cast<uint64_t>(st.st_size));
  h = mix(h, static_cast<uint64_t>(st.st_mtim.tv_sec));
  return mix(h, static_cast<uint64_t>(st.st_mtim.tv_nsec));
}

uint64_t pixels_digest(const unsigned char* p, size_t n) {
  uint64_t h = 0xCBF29CE484222325ull;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x100000001B3ull;
  }
  for (; i < n; ++i) h = (h ^ p[i]) * 0x100000001B3ull;
  return h;
}

struct FontHeader {
  float font_size, ascent, descent;
  uint32_t fallback_char, ellipsis_char, dot_char;
  uint32_t glyph_count;
};

struct AtlasHeader {
  char magic[8];
  uint64_t key;
  int32_t tex_width, tex_height;
  int32_t flags;
  int32_t font_count;
  float uv_white[2];
  float uv_lines[IM_DRAWLIST_TEX_LINES_WIDTH_MAX + 1][4];
  uint64_t pixels_digest;
};

std::string cache_path(const std::string& dir, uint64_t key) {
  char name[64];
  std::snprintf(name, sizeof name, "font-atlas-%016llx.bin",
                static_cast<unsigned long long>(key));
  return dir + "/" + name;
}

bool load_cache(ImFontAtlas& atlas, const std::string& path, uint64_t key, std::string* note) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *note = "no cache yet";
    return false;
  }
  AtlasHeader h{};
  if (!in.read(reinterpret_cast<char*>(&h), sizeof h) ||
      std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.key != key ||
      h.tex_width <= 0 || h.tex_height <= 0 || h.tex_width > 16384 || h.tex_height > 16384 ||
      h.font_count <= 0 || h.font_count > 8) {
    *note = "cache header invalid";
    return false;
  }
  std::vector<FontHeader> fonts(h.font_count);
  std::vector<std::vector<ImFontGlyph>> glyphs(h.font_count);
  for (int i = 0; i < h.font_count; ++i) {
    if (!in.read(reinterpret_cast<char*>(&fonts[i]), sizeof(FontHeader)) ||
        fonts[i].glyph_count > 0xFFFE) {
      *note = "cache truncated";
      return false;
    }
    glyphs[i].resize(fonts[i].glyph_count);
    if (!in.read(reinterpret_cast<char*>(glyphs[i].data()),
                 static_cast<std::streamsize>(glyphs[i].size() * sizeof(ImFontGlyph)))) {
      *note = "cache truncated";
      return false;
    }
  }
  size_t npix = static_cast<size_t>(h.tex_width) * static_cast<size_t>(h.tex_height);
  auto* pixels = static_cast<unsigned char*>(IM_ALLOC(npix));
  if (!in.read(reinterpret_cast<char*>(pixels), static_cast<std::streamsize>(npix)) ||
      pixels_digest(pixels, npix) != h.pixels_digest) {
    IM_FREE(pixels);
    *note = "cache pixels damaged";
    return false;
  }

  atlas.Clear();
  atlas.Flags = h.flags;
  for (int i = 0; i < h.font_count; ++i) {
    ImFont* f = IM_NEW(ImFont);
    f->FontSize = fonts[i].font_size;
    f->Ascent = fonts[i].ascent;
    f->Descent = fonts[i].descent;
    f->FallbackChar = static_cast<ImWchar>(fonts[i].fallback_char);
    f->EllipsisChar = static_cast<ImWchar>(fonts[i].ellipsis_char);
    f->DotChar = static_cast<ImWchar>(fonts[i].dot_char);
    f->ContainerAtlas = &atlas;
    f->Glyphs.resize(static_cast<int>(glyphs[i].size()));
    std::memcpy(f->Glyphs.Data, glyphs[i].data(), glyphs[i].size() * sizeof(ImFontGlyph));
    atlas.Fonts.push_back(f);
  }
  atlas.TexWidth = h.tex_width;
  atlas.TexHeight = h.tex_height;
  atlas.TexUvScale = ImVec2(1.0f / h.tex_width, 1.0f / h.tex_height);
  atlas.TexUvWhitePixel = ImVec2(h.uv_white[0], h.uv_white[1]);
  for (int i = 0; i <= IM_DRAWLIST_TEX_LINES_WIDTH_MAX; ++i)
    atlas.TexUvLines[i] = ImVec4(h.uv_lines[i][0], h.uv_lines[i][1], h.uv_lines[i][2],
                                 h.uv_lines[i][3]);
  atlas.TexPixelsAlpha8 = pixels;
  atlas.TexPixelsUseColors = false;
  atlas.TexReady = true;
  for (ImFont* f : atlas.Fonts) f->BuildLookupTable();
  return true;
}

void prune_cache(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.starts_with("font-atlas-") && name.ends_with(".bin"))
      files.emplace_back(it->last_write_time(ec), it->path());
  }
  if (files.size() <= static_cast<size_t>(kCacheFilesKept)) return;
  std::sort(files.begin(), files.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (size_t i = kCacheFilesKept; i < files.size(); ++i) fs::remove(files[i].second, ec);
}

bool save_cache(const ImFontAtlas& atlas, const std::string& dir, const std::string& path,
                uint64_t key, std::string* note) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  AtlasHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.key = key;
  h.tex_width = atlas.TexWidth;
  h.tex_height = atlas.TexHeight;
  h.flags = atlas.Flags;
  h.font_count = atlas.Fonts.Size;
  h.uv_white[0] = atlas.TexUvWhitePixel.x;
  h.uv_white[1] = atlas.TexUvWhitePixel.y;
  for (int i = 0; i <= IM_DRAWLIST_TEX_LINES_WIDTH_MAX; ++i) {
    h.uv_lines[i][0] = atlas.TexUvLines[i].x;
    h.uv_lines[i][1] = atlas.TexUvLines[i].y;
    h.uv_lines[i][2] = atlas.TexUvLines[i].z;
    h.uv_lines[i][3] = atlas.TexUvLines[i].w;
  }
  size_t npix = static_cast<size_t>(atlas.TexWidth) * static_cast<size_t>(atlas.TexHeight);
  h.pixels_digest = pixels_digest(atlas.TexPixelsAlpha8, npix);

  // Written beside, then renamed: a crash mid-write never leaves a half file
  // under the real name.
  // Named per writer: the prewarm thread and the UI thread (or another
  // process) may write the same entry at once.
  static std::atomic<unsigned> writers{0};
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                    std::to_string(writers.fetch_add(1));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      *note = "cache dir not writable";
      return false;
    }
    out.write(reinterpret_cast<const char*>(&h), sizeof h);
    for (const ImFont* f : atlas.Fonts) {
      FontHeader fh{f->FontSize, f->Ascent, f->Descent, f->FallbackChar, f->EllipsisChar,
                    f->DotChar, static_cast<uint32_t>(f->Glyphs.Size)};
      out.write(reinterpret_cast<const char*>(&fh), sizeof fh);
      out.write(reinterpret_cast<const char*>(f->Glyphs.Data),
                static_cast<std::streamsize>(f->Glyphs.Size * sizeof(ImFontGlyph)));
    }
    out.write(reinterpret_cast<const char*>(atlas.TexPixelsAlpha8),
              static_cast<std::streamsize>(npix));
    out.flush();
    if (!out) {
      *note = "cache write failed";
      std::filesystem::remove(tmp, ec);
      return false;
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    *note = "cache rename failed";
    std::filesystem::remove(tmp, ec);
    return false;
  }
  prune_cache(dir);
  return true;
}

bool readable(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return static_cast<bool>(f);
}

int count_glyphs(const ImFontAtlas& atlas) {
  int n = 0;
  for (const ImFont* f : atlas.Fonts) n += f->Glyphs.Size;
  return n;
}

}  // namespace

uint64_t atlas_cache_key(const AtlasRequest& req) {
  uint64_t h = 0x6b696f736b2d6661ull;
  h = mix_str(h, IMGUI_VERSION);
  h = file_identity(h, req.files.regular);
  h = file_identity(h, req.files.bold);
  h = mix(h, static_cast<uint64_t>(req.files.face_index));
  h = mix_float(h, req.sizes.body);
  h = mix_float(h, req.sizes.heading);
  h = mix_float(h, req.sizes.title);
  h = mix_float(h, req.sizes.ticket);
  h = mix_float(h, req.scale);
  h = mix(h, req.body_glyphs.digest());
  h = mix(h, req.heading_glyphs.digest());
  h = mix(h, static_cast<uint64_t>(req.rasterizer));
  return h;
}

AtlasRequest kiosk_atlas_request(float scale, const GlyphSet& extra_text, bool with_level2) {
  AtlasRequest req;
  req.scale = scale;
  GlyphSet common;
  add_ui_basics(common);
  add_embedded_text(common);
  common.add(extra_text);
  req.heading_glyphs = common;
  req.body_glyphs = common;
  for (char32_t c : gb2312_level1()) req.body_glyphs.add(c);
  if (with_level2)
    for (char32_t c : gb2312_level2()) req.body_glyphs.add(c);
  return req;
}

AtlasReport build_font_atlas(ImFontAtlas& atlas, const AtlasRequest& req,
                             const std::string& cache_dir) {
  auto t0 = std::chrono::steady_clock::now();
  AtlasReport report;
  auto finish = [&] {
    report.tex_width = atlas.TexWidth;
    report.tex_height = atlas.TexHeight;
    report.glyphs = count_glyphs(atlas);
    report.build_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return report;
  };

  if (!readable(req.files.regular)) {
    atlas.Clear();
    atlas.AddFontDefault();
    atlas.Build();
    report.fonts_found = false;
    report.note = "font file missing";
    return finish();
  }

  report.cache_key = atlas_cache_key(req);
  if (!cache_dir.empty()) {
    report.cache_file = cache_path(cache_dir, report.cache_key);
    if (load_cache(atlas, report.cache_file, report.cache_key, &report.note)) {
      report.from_cache = true;
      return finish();
    }
  }

  atlas.Clear();
  // One texel of padding is enough: the atlas is drawn 1:1, never minified.
  atlas.TexGlyphPadding = 1;
  atlas.Flags |= ImFontAtlasFlags_NoMouseCursors;
  if (req.rasterizer == Rasterizer::FreeType) {
    atlas.FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    atlas.FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
  }
  std::string bold = readable(req.files.bold) ? req.files.bold : req.files.regular;

  // The ranges must outlive Build(): ImFontConfig keeps a pointer.
  std::vector<uint16_t> body_ranges = req.body_glyphs.ranges();
  std::vector<uint16_t> heading_ranges = req.heading_glyphs.ranges();
  static const ImWchar ascii_ranges[] = {0x0020, 0x007E, 0};

  auto add = [&](const std::string& file, float px, const ImWchar* ranges) {
    ImFontConfig cfg;
    cfg.FontNo = req.files.face_index;
    // No oversampling: CJK glyphs are drawn at their rasterised size, and
    // 3x horizontal oversampling would triple the atlas.
    cfg.OversampleH = 1;
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    return atlas.AddFontFromFileTTF(file.c_str(), px, &cfg, ranges);
  };
  const float s = req.scale;
  bool ok = add(req.files.regular, std::round(req.sizes.body * s), body_ranges.data()) &&
            add(bold, std::round(req.sizes.heading * s), heading_ranges.data()) &&
            add(bold, std::round(req.sizes.title * s), heading_ranges.data()) &&
            add(bold, std::round(req.sizes.ticket * s), ascii_ranges);
  if (!ok || !atlas.Build()) {
    atlas.Clear();
    atlas.AddFontDefault();
    atlas.Build();
    report.fonts_found = false;
    report.note = "font build failed";
    return finish();
  }
  unsigned char* pixels = nullptr;
  int w = 0, hgt = 0;
  atlas.GetTexDataAsAlpha8(&pixels, &w, &hgt);
  // The font files (about 40 MB) are no longer needed once rasterised.
  atlas.ClearInputData();
  if (!cache_dir.empty()) save_cache(atlas, cache_dir, report.cache_file, report.cache_key,
                                     &report.note);
  return finish();
}

}  // namespace kiosk::ui

namespace kiosk::ui {

AtlasPrewarm::AtlasPrewarm(const AtlasRequest& req, const std::string& cache_dir) {
  if (cache_dir.empty()) {
    done_ = true;
    return;
  }
  const std::string path = cache_path(cache_dir, atlas_cache_key(req));
  if (::access(path.c_str(), R_OK) == 0) {
    done_ = true;
    return;
  }
  worker_ = std::thread([this, req, cache_dir] {
    // Nice applies per thread on Linux: the UI thread keeps its priority.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 15);
    {
      ImFontAtlas atlas;
      build_font_atlas(atlas, req, cache_dir);
    }
    done_ = true;
  });
}

AtlasPrewarm::~AtlasPrewarm() { wait(); }

void AtlasPrewarm::wait() {
  if (worker_.joinable()) worker_.join();
}

}  // namespace kiosk::ui
