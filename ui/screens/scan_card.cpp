// Scan member card: how to show the member code; while a camera delivers
// pictures, the live picture with a square guide marking where to hold the
// code; with no camera (or a broken one), plain words to use the scanner;
// and why a card was refused.
#include <algorithm>
#include <cmath>

#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/widgets/automation.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {
namespace {

// Corner brackets of the guide, each drawn twice (a dark stroke under a
// light one) so they stand out on whatever the camera sees.
void guide_brackets(ImDrawList* dl, ImVec2 mn, ImVec2 mx, ImU32 line, ImU32 under, float thick) {
  const float len = (mx.x - mn.x) * 0.22f;
  const ImVec2 corners[4] = {mn, ImVec2(mx.x, mn.y), mx, ImVec2(mn.x, mx.y)};
  const float sx[4] = {1, -1, -1, 1}, sy[4] = {1, 1, -1, -1};
  for (int pass = 0; pass < 2; ++pass) {
    const ImU32 c = pass == 0 ? under : line;
    const float t = pass == 0 ? thick * 2.0f : thick;
    if (c == 0) continue;
    for (int i = 0; i < 4; ++i) {
      const ImVec2 k = corners[i];
      const ImVec2 pts[3] = {ImVec2(k.x, k.y + sy[i] * len), k, ImVec2(k.x + sx[i] * len, k.y)};
      dl->AddPolyline(pts, 3, c, ImDrawFlags_None, t);
    }
  }
}

// A caption band under the picture; opaque, so its words keep the
// palette's contrast whatever the picture is.
float caption_height(const std::string& words, float width) {
  return wrapped_height(words, kBodyPx, width - px(48)) + px(20);
}

void caption(const std::string& words, ImVec2 mn, float width) {
  const Palette& p = pal();
  const float h = caption_height(words, width);
  ImGui::GetWindowDrawList()->AddRectFilled(mn, ImVec2(mn.x + width, mn.y + h), p.header_bg, px(12),
                                            ImDrawFlags_RoundCornersBottom);
  const ImVec2 ext = text_extent(words, kBodyPx);
  if (ext.x <= width - px(48)) {
    text_at(ImVec2(mn.x + (width - ext.x) * 0.5f, mn.y + (h - ext.y) * 0.5f), words, kBodyPx,
            p.header_text);
  } else {
    ImGui::SetCursorScreenPos(ImVec2(mn.x + px(24), mn.y + px(10) + px(kBodyPx) * 0.2f));
    wrapped_text(words, kBodyPx, p.header_text, width - px(48));
  }
}

// A stylised code (three finder squares, a few modules) crossed by a scan
// line: the picture of "scan a code", in the palette's colours.
void code_pictogram(ImDrawList* dl, ImVec2 mn, float side) {
  const Palette& p = pal();
  const float m = side / 21.0f;
  auto cell = [&](int x, int y, int w, int h, ImU32 c) {
    dl->AddRectFilled(ImVec2(mn.x + x * m, mn.y + y * m), ImVec2(mn.x + (x + w) * m, mn.y + (y + h) * m), c);
  };
  for (auto [x, y] : {std::pair{0, 0}, std::pair{14, 0}, std::pair{0, 14}}) {
    cell(x, y, 7, 7, p.text);
    cell(x + 1, y + 1, 5, 5, p.panel);
    cell(x + 2, y + 2, 3, 3, p.text);
  }
  static const unsigned char kModules[][2] = {
      {9, 1},  {11, 2}, {8, 4},   {10, 5},  {12, 6},  {9, 8},   {1, 9},   {3, 10}, {5, 9},
      {8, 10}, {11, 9}, {13, 11}, {16, 9},  {19, 10}, {17, 12}, {9, 13},  {12, 14}, {15, 15},
      {18, 16}, {10, 17}, {14, 18}, {17, 19}, {19, 14}, {8, 19},  {11, 20}, {20, 18}};
  for (const auto& md : kModules) cell(md[0], md[1], 1, 1, p.text);
  const float y = mn.y + side * 0.5f;
  dl->AddLine(ImVec2(mn.x - side * 0.12f, y), ImVec2(mn.x + side * 1.12f, y), p.primary, std::max(2.0f, m));
}

// The camera's picture (or its place while it starts), with the guide and
// a caption band under it, within `room`.
void draw_camera(const ScreenView& v, ImVec2 at, ImVec2 room) {
  const Palette& p = pal();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const bool live = v.preview.camera == CameraState::Live && v.preview.texture_id &&
                    v.preview.width > 0 && v.preview.height > 0;
  const std::string& words =
      T(v, live ? "scan.state.running" : "scan.state.starting");
  const float band = caption_height(words, room.x);
  const float aspect = live ? static_cast<float>(v.preview.height) / v.preview.width : 0.75f;
  float w = room.x, h = w * aspect;
  if (h > room.y - band) {
    h = std::max(px(60), room.y - band);
    w = h / aspect;
  }
  const ImVec2 mn(at.x + (room.x - w) * 0.5f, at.y);
  const ImVec2 mx(mn.x + w, mn.y + h);
  const float side = std::min(w, h) * 0.64f;
  const ImVec2 c((mn.x + mx.x) * 0.5f, (mn.y + mx.y) * 0.5f);
  const ImVec2 gmn(c.x - side * 0.5f, c.y - side * 0.5f), gmx(c.x + side * 0.5f, c.y + side * 0.5f);
  if (live) {
    dl->AddImage(v.preview.texture_id, mn, mx);
    // Shade outside the guide: the eye goes to the clear square.
    const ImU32 shade = IM_COL32(0, 0, 0, 110);
    dl->AddRectFilled(mn, ImVec2(mx.x, gmn.y), shade);
    dl->AddRectFilled(ImVec2(mn.x, gmx.y), mx, shade);
    dl->AddRectFilled(ImVec2(mn.x, gmn.y), ImVec2(gmn.x, gmx.y), shade);
    dl->AddRectFilled(ImVec2(gmx.x, gmn.y), ImVec2(mx.x, gmx.y), shade);
    // Yellow on black in high contrast, white on black otherwise.
    const ImU32 line = wctx().high_contrast ? p.primary : IM_COL32_WHITE;
    guide_brackets(dl, gmn, gmx, line, IM_COL32_BLACK, px(7));
    dl->AddRect(mn, mx, p.text, 0, 0, px(3));
    automation::report("scan.preview", mn.x, mn.y, w, h);
    automation::report("scan.guide", gmn.x, gmn.y, side, side);
  } else {
    dl->AddRectFilled(mn, mx, p.panel, px(12), ImDrawFlags_RoundCornersTop);
    dl->AddRect(mn, mx, p.border, px(12), ImDrawFlags_RoundCornersTop, px(3));
    guide_brackets(dl, gmn, gmx, p.border, 0, px(5));
    automation::report("scan.camera_starting", mn.x, mn.y, w, h);
  }
  caption(words, ImVec2(mn.x, mx.y), w);
}

// No camera: a panel that says to use the scanner, and why.
void draw_use_scanner(const ScreenView& v, ImVec2 at, ImVec2 room) {
  const Palette& p = pal();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float pad = px(36);
  const float inner = room.x - 2 * pad;
  const std::string& head = T(v, "ui.scan.use_scanner");
  const std::string& why =
      T(v, v.preview.camera == CameraState::Failed ? "scan.state.failed" : "scan.state.no_camera");
  const float words_h = wrapped_height(head, kHeadingPx, inner) + px(12) + wrapped_height(why, kBodyPx, inner);
  // The pictogram gives way first when room is short (large text, portrait).
  float icon = std::min(px(150), room.y - words_h - 3 * pad);
  if (icon < px(60)) icon = 0;
  const float h = std::min(room.y, words_h + 2 * pad + (icon > 0 ? icon + pad : 0));
  const ImVec2 mn = at, mx(at.x + room.x, at.y + h);
  dl->AddRectFilled(mn, mx, p.panel, px(16));
  dl->AddRect(mn, mx, p.text, px(16), 0, px(3));
  float y = mn.y + pad;
  if (icon > 0) {
    code_pictogram(dl, ImVec2(mn.x + (room.x - icon) * 0.5f, y), icon);
    y += icon + pad;
  }
  ImGui::SetCursorScreenPos(ImVec2(mn.x + pad, y));
  wrapped_text(head, kHeadingPx, p.text, inner);
  ImGui::SetCursorScreenPos(ImVec2(mn.x + pad, y + wrapped_height(head, kHeadingPx, inner) + px(12)));
  wrapped_text(why, kBodyPx, p.text, inner);
  automation::report("scan.use_scanner", mn.x, mn.y, room.x, h);
}

}  // namespace

Event draw_scan_card(const ScreenView& v) {
  Event in;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  take(in, draw_top_bar(v, T(v, "ui.scan.title"), true));
  const float margin = px(64);
  const float top = px(160);
  const bool landscape = ds.x >= ds.y;
  const bool camera = v.preview.camera == CameraState::Live || v.preview.camera == CameraState::Starting;
  const float visual_w = landscape ? std::min(ds.x * 0.4f, px(720)) : ds.x - 2 * margin;
  const float text_w = landscape ? ds.x - visual_w - 3 * margin : ds.x - 2 * margin;
  ImGui::SetCursorScreenPos(ImVec2(margin, top));
  ImGui::BeginGroup();
  if (!v.s.card.then_service.empty()) {
    const Service* sv = v.content.service(v.s.card.then_service);
    wrapped_text(fill(T(v, "ui.scan.members_only"), {{"service", sv ? L(v, sv->name) : ""}}),
                 kHeadingPx * 0.8f, p.text, text_w);
    ImGui::Dummy(ImVec2(1, px(16)));
  }
  // Never "face the camera" when there is none.
  wrapped_text(T(v, camera ? "ui.scan.how" : "ui.scan.how_scanner"), kBodyPx, p.text, text_w);
  ImGui::Dummy(ImVec2(1, px(16)));
  if (!L(v, v.s.card.message).empty()) {
    const ImVec2 box = ImGui::GetCursorScreenPos();
    error_text(L(v, v.s.card.message), text_w);
    automation::report_shown("scan.refused." + v.s.card.verdict, box.x, box.y, text_w,
                             ImGui::GetCursorScreenPos().y - box.y);
  } else {
    wrapped_text(T(v, "ui.scan.waiting"), kBodyPx, p.muted, text_w);
  }
  ImGui::EndGroup();

  const ImVec2 at(landscape ? ds.x - margin - visual_w : margin,
                  landscape ? top : ImGui::GetItemRectMax().y + px(30));
  const ImVec2 room(visual_w, ds.y - nav_bar_height() - px(24) - at.y);
  if (camera)
    draw_camera(v, at, room);
  else
    draw_use_scanner(v, at, room);
  take(in, draw_nav_bar(v, "", false));
  return in;
}

}  // namespace kiosk::ui
