// The scan-card screen in each camera state, drawn headless: with a live
// picture it shows the picture, a square guide in its middle and the words
// "hold your code inside the frame"; while the camera starts, its place and
// "starting"; with no camera or a failed one, only the scanner, and the how
// text says nothing about a camera. Both languages, landscape and portrait,
// normal and large text, both palettes: every text stays in its region
// (never over the picture, never out of the panel), contrasts 4.5:1 with
// what it is drawn on, and no glyph is missing.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "imgui_internal.h"
#include "tests/ui/harness/ui_harness.hpp"
#include "ui/screens/screens.hpp"

using namespace kiosk::ui;
using namespace kiosk::ui::test;

namespace {

// Any non-null id the headless renderer will never hand out (the font atlas
// has none): only the preview's draw command carries it.
void* const kFakeTexture = reinterpret_cast<void*>(static_cast<intptr_t>(0x5CA9));

struct Rect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool contains(ImVec2 p, float slack = 0.5f) const {
    return p.x >= x0 - slack && p.x <= x1 + slack && p.y >= y0 - slack && p.y <= y1 + slack;
  }
  bool strictly_contains(ImVec2 p, float inset = 1.0f) const {
    return p.x > x0 + inset && p.x < x1 - inset && p.y > y0 + inset && p.y < y1 - inset;
  }
};

std::optional<Rect> rect_of(const Harness& h, const std::string& id) {
  const automation::Target* t = h.target(id);
  if (!t) return std::nullopt;
  return Rect{t->x, t->y, t->x + t->w, t->y + t->h};
}

struct Drawn {
  std::vector<ImVec2> glyphs;          // corners of every text glyph quad
  std::vector<ImU32> glyph_colours;    // and their colours
  std::optional<Rect> image;           // where the preview texture went
  std::vector<std::pair<ImVec2, ImU32>> solid;  // every vertex with its colour
};

// Reads the last frame's draw data: a vertex of the font atlas that is not
// the white pixel nor a baked line is a glyph corner.
Drawn read_draw_data() {
  Drawn d;
  const ImDrawData* dd = ImGui::GetDrawData();
  REQUIRE(dd != nullptr);
  const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  const ImVec2 white = atlas->TexUvWhitePixel;
  Rect lines{1e9f, 1e9f, -1e9f, -1e9f};
  for (const ImVec4& l : atlas->TexUvLines) {
    lines.x0 = std::min({lines.x0, l.x, l.z});
    lines.x1 = std::max({lines.x1, l.x, l.z});
    lines.y0 = std::min({lines.y0, l.y, l.w});
    lines.y1 = std::max({lines.y1, l.y, l.w});
  }
  for (int n = 0; n < dd->CmdListsCount; ++n) {
    const ImDrawList* dl = dd->CmdLists[n];
    for (const ImDrawCmd& cmd : dl->CmdBuffer) {
      if (cmd.UserCallback) continue;
      for (unsigned i = 0; i < cmd.ElemCount; ++i) {
        const ImDrawVert& vx = dl->VtxBuffer[cmd.VtxOffset + dl->IdxBuffer[cmd.IdxOffset + i]];
        if (cmd.TextureId == kFakeTexture) {
          if (!d.image) d.image = Rect{vx.pos.x, vx.pos.y, vx.pos.x, vx.pos.y};
          d.image->x0 = std::min(d.image->x0, vx.pos.x);
          d.image->y0 = std::min(d.image->y0, vx.pos.y);
          d.image->x1 = std::max(d.image->x1, vx.pos.x);
          d.image->y1 = std::max(d.image->y1, vx.pos.y);
          continue;
        }
        const bool is_white = std::fabs(vx.uv.x - white.x) < 1e-6f && std::fabs(vx.uv.y - white.y) < 1e-6f;
        const bool is_line = vx.uv.x >= lines.x0 - 1e-6f && vx.uv.x <= lines.x1 + 1e-6f &&
                             vx.uv.y >= lines.y0 - 1e-6f && vx.uv.y <= lines.y1 + 1e-6f;
        if (is_white || is_line)
          d.solid.emplace_back(vx.pos, vx.col);
        else {
          d.glyphs.push_back(vx.pos);
          d.glyph_colours.push_back(vx.col);
        }
      }
    }
  }
  return d;
}

// WCAG contrast ratio of two opaque colours.
double luminance(ImU32 c) {
  auto lin = [](unsigned v) {
    const double s = v / 255.0;
    return s <= 0.03928 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(c & 0xFF) + 0.7152 * lin((c >> 8) & 0xFF) + 0.0722 * lin((c >> 16) & 0xFF);
}
double contrast(ImU32 a, ImU32 b) {
  const double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// Every glyph drawn inside `r` contrasts at least 4.5:1 with `background`.
void check_contrast(const Drawn& d, const Rect& r, ImU32 background, const char* what) {
  int n = 0;
  for (size_t i = 0; i < d.glyphs.size(); ++i) {
    if (!r.contains(d.glyphs[i])) continue;
    const ImU32 c = d.glyph_colours[i] | IM_COL32_A_MASK;
    ++n;
    if (contrast(c, background) < 4.5) {
      char msg[128];
      std::snprintf(msg, sizeof msg, "%s: text colour %08X on %08X is %.2f:1", what, c, background,
                    contrast(c, background));
      FAIL_CHECK(std::string(msg));
      return;
    }
  }
  CHECK_MESSAGE(n > 0, (std::string(what) + ": no text found"));
}

struct Variant {
  kiosk::Lang lang;
  float w, h;
  bool large;
  bool contrast;
};

std::string describe(const Variant& v) {
  return std::string(v.lang == kiosk::Lang::Zh ? "zh" : "en") + " " + std::to_string(int(v.w)) + "x" +
         std::to_string(int(v.h)) + (v.large ? " large" : "") + (v.contrast ? " contrast" : "");
}

class ScanScreen {
 public:
  explicit ScanScreen(const Variant& v) : v_(v), h_(options(v)) {
    h_.tap("attract.start");
    if (v.contrast) h_.tap("home.contrast");
    h_.tap("home.service.mixer");  // members only: asks for the card
    REQUIRE(h_.screen() == "scan_card");
  }
  Harness& h() { return h_; }
  const Variant& v() const { return v_; }
  float scale() const { return v_.large ? 1.5f : 1.0f; }
  float top_bar_bottom() const { return 120.0f * scale(); }
  float nav_top() const { return v_.h - 140.0f * scale(); }
  bool drew(const char* key) const { return h_.drew(kiosk::tr(key).in(v_.lang)); }

  Drawn show(const PreviewFrame& f) {
    h_.app().set_preview(f);
    h_.frame();
    const auto missing = h_.missing_glyphs();
    CHECK_MESSAGE(missing.empty(), "missing glyph " << (missing.empty() ? "" : missing.front()));
    // Every target a finger can use: 60 px (scale 1) each way, on screen.
    for (const auto& t : automation::targets()) {
      if (!t.tappable) continue;  // only shown (the online corner)
      CHECK_MESSAGE(t.w >= 60.0f * scale() - 0.5f, t.id << " is " << t.w << " px wide");
      CHECK_MESSAGE(t.h >= 60.0f * scale() - 0.5f, t.id << " is " << t.h << " px tall");
      CHECK_MESSAGE((t.x >= 0 && t.y >= 0 && t.x + t.w <= v_.w + 0.5f && t.y + t.h <= v_.h + 0.5f),
                    t.id << " off screen");
    }
    Drawn d = read_draw_data();
    // The glyph reading works: a screen full of words has many glyphs.
    CHECK(d.glyphs.size() > 400);
    const Rect screen{0, 0, v_.w, v_.h};
    const auto off = std::count_if(d.glyphs.begin(), d.glyphs.end(), [&](ImVec2 g) { return !screen.contains(g); });
    CHECK_MESSAGE(off == 0, off << " glyph corners off screen");
    return d;
  }

  // Text in the content area belongs to the words column (left in
  // landscape, above in portrait) or to the given rectangle.
  void check_text_regions(const Drawn& d, const Rect& visual, const Rect& words_ok) {
    const bool landscape = v_.w >= v_.h;
    int stray = 0;
    for (const ImVec2& g : d.glyphs) {
      if (g.y <= top_bar_bottom() + 0.5f || g.y >= nav_top() - 0.5f) continue;
      const bool in_column = landscape ? g.x <= visual.x0 : g.y <= visual.y0;
      if (in_column || words_ok.contains(g)) continue;
      if (++stray == 1) FAIL_CHECK("text outside its place at " << g.x << "," << g.y);
    }
    CHECK(stray == 0);
  }

 private:
  static HarnessOptions options(const Variant& v) {
    HarnessOptions o;
    o.lang = v.lang;
    o.width = v.w;
    o.height = v.h;
    o.large_text_start = v.large;
    return o;
  }
  Variant v_;
  Harness h_;
};

void check_no_camera(ScanScreen& s, kiosk::ui::CameraState state) {
  Drawn d = s.show(PreviewFrame{nullptr, 0, 0, state});
  Harness& h = s.h();
  CHECK(s.drew("ui.scan.use_scanner"));
  CHECK(s.drew(state == CameraState::Failed ? "scan.state.failed" : "scan.state.no_camera"));
  CHECK(s.drew("ui.scan.how_scanner"));
  CHECK_FALSE(s.drew("ui.scan.how"));  // never "hold it to the camera"
  CHECK_FALSE(s.drew("scan.state.running"));
  CHECK_FALSE(h.has("scan.preview"));
  CHECK_FALSE(h.has("scan.guide"));
  CHECK_FALSE(d.image.has_value());
  auto panel = rect_of(h, "scan.use_scanner");
  REQUIRE(panel.has_value());
  CHECK(panel->y1 <= s.nav_top() + 0.5f);
  CHECK(panel->y0 >= s.top_bar_bottom());
  s.check_text_regions(d, *panel, *panel);
  check_contrast(d, *panel, palette(s.v().contrast).panel, "scanner panel");
}

void check_starting(ScanScreen& s) {
  Drawn d = s.show(PreviewFrame{nullptr, 0, 0, CameraState::Starting});
  Harness& h = s.h();
  CHECK(s.drew("scan.state.starting"));
  CHECK(s.drew("ui.scan.how"));
  CHECK_FALSE(s.drew("ui.scan.use_scanner"));
  CHECK_FALSE(h.has("scan.preview"));
  CHECK_FALSE(d.image.has_value());
  auto box = rect_of(h, "scan.camera_starting");
  REQUIRE(box.has_value());
  // The caption band sits under the box, above the nav bar.
  Rect below{box->x0, box->y1, box->x1, s.nav_top()};
  s.check_text_regions(d, *box, below);
  check_contrast(d, below, palette(s.v().contrast).header_bg, "starting caption");
  CHECK(std::none_of(d.glyphs.begin(), d.glyphs.end(), [&](ImVec2 g) { return box->strictly_contains(g); }));
}

void check_live(ScanScreen& s, int width, int height) {
  CAPTURE(width);
  CAPTURE(height);
  Drawn d = s.show(PreviewFrame{kFakeTexture, width, height, CameraState::Live});
  Harness& h = s.h();
  CHECK(s.drew("scan.state.running"));  // "hold your member code inside the frame"
  CHECK(s.drew("ui.scan.how"));
  CHECK_FALSE(s.drew("ui.scan.how_scanner"));
  CHECK_FALSE(s.drew("ui.scan.use_scanner"));
  CHECK_FALSE(s.drew("scan.state.no_camera"));
  auto pic = rect_of(h, "scan.preview");
  auto guide = rect_of(h, "scan.guide");
  REQUIRE(pic.has_value());
  REQUIRE(guide.has_value());
  // The picture is drawn where the screen says, in its own proportions.
  REQUIRE(d.image.has_value());
  CHECK(std::fabs(d.image->x0 - pic->x0) < 1.0f);
  CHECK(std::fabs(d.image->y0 - pic->y0) < 1.0f);
  CHECK(std::fabs(d.image->x1 - pic->x1) < 1.0f);
  CHECK(std::fabs(d.image->y1 - pic->y1) < 1.0f);
  const float aspect = (pic->x1 - pic->x0) / (pic->y1 - pic->y0);
  CHECK(aspect == doctest::Approx(static_cast<float>(width) / height).epsilon(0.01));
  CHECK(pic->y0 >= s.top_bar_bottom());
  CHECK(pic->y1 < s.nav_top());
  // A square guide in the middle of the picture, most of its short side.
  const float side = guide->x1 - guide->x0;
  CHECK(side == doctest::Approx(guide->y1 - guide->y0).epsilon(0.01));
  CHECK(side >= 0.5f * std::min(pic->x1 - pic->x0, pic->y1 - pic->y0));
  CHECK(pic->contains(ImVec2(guide->x0, guide->y0)));
  CHECK(pic->contains(ImVec2(guide->x1, guide->y1)));
  CHECK((guide->x0 + guide->x1) * 0.5f == doctest::Approx((pic->x0 + pic->x1) * 0.5f).epsilon(0.005));
  CHECK((guide->y0 + guide->y1) * 0.5f == doctest::Approx((pic->y0 + pic->y1) * 0.5f).epsilon(0.005));
  // Its corner brackets are drawn, in the guide colour, at all four corners.
  const ImU32 line = s.v().contrast ? palette(true).primary : IM_COL32_WHITE;
  for (ImVec2 corner : {ImVec2(guide->x0, guide->y0), ImVec2(guide->x1, guide->y0), ImVec2(guide->x1, guide->y1),
                        ImVec2(guide->x0, guide->y1)}) {
    bool found = false;
    for (const auto& [pos, col] : d.solid)
      if (col == line && std::fabs(pos.x - corner.x) <= 8 * s.scale() && std::fabs(pos.y - corner.y) <= 8 * s.scale())
        found = true;
    CHECK_MESSAGE(found, "no bracket at " << corner.x << "," << corner.y);
  }
  // No words over the picture; the caption under it, above the nav bar.
  CHECK(std::none_of(d.glyphs.begin(), d.glyphs.end(), [&](ImVec2 g) { return pic->strictly_contains(g); }));
  Rect below{pic->x0, pic->y1, pic->x1, s.nav_top()};
  s.check_text_regions(d, *pic, below);
  check_contrast(d, below, palette(s.v().contrast).header_bg, "guide caption");
}

void check_every_state(const Variant& v) {
  const std::string what = describe(v);
  CAPTURE(what);
  ScanScreen s(v);
  // The harness has no camera: the screen starts out saying so.
  s.h().frame();
  CHECK(s.drew("ui.scan.use_scanner"));
  check_no_camera(s, CameraState::None);
  check_no_camera(s, CameraState::Failed);
  check_starting(s);
  check_live(s, 640, 480);
  check_live(s, 640, 360);
  check_live(s, 480, 640);  // a camera mounted upright
  // The camera went away: back to the scanner, no stale picture.
  check_no_camera(s, CameraState::Failed);
  // A refused card's words show beside the picture, not over it.
  s.h().app().on_code_scanned("not a card", s.h().now());
  check_live(s, 640, 480);
  check_no_camera(s, CameraState::None);
}

}  // namespace

TEST_CASE("scan screen: live preview with a guide, or the scanner when there is no camera") {
  const Variant variants[] = {
      {kiosk::Lang::Zh, 1920, 1080, false, false}, {kiosk::Lang::En, 1920, 1080, false, false},
      {kiosk::Lang::Zh, 1080, 1920, false, false}, {kiosk::Lang::En, 1080, 1920, false, false},
      {kiosk::Lang::Zh, 1920, 1080, true, false},  {kiosk::Lang::En, 1920, 1080, true, true},
      {kiosk::Lang::En, 1080, 1920, true, false},  {kiosk::Lang::Zh, 1080, 1920, true, true},
  };
  for (const Variant& v : variants) check_every_state(v);
}
