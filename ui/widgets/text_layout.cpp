// Text layout and drawing (see text_layout.hpp and widgets.hpp).
#include "ui/widgets/text_layout.hpp"

#include <algorithm>

#include "imgui_internal.h"  // ImTextCharFromUtf8
#include "ui/text/font_roles.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {
namespace {

bool is_cjk(unsigned c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x3000 && c <= 0x303F);
}

// Punctuation that must not start a line (kinsoku).
bool no_line_start(unsigned c) {
  switch (c) {
    case 0x3001: case 0x3002: case 0xFF0C: case 0xFF0E: case 0xFF1A: case 0xFF1B:
    case 0xFF01: case 0xFF1F: case 0xFF09: case 0x300D: case 0x300F: case 0x3011:
    case 0x201D: case 0x2019: case ',': case '.': case ';': case ':': case '!':
    case '?': case ')':
      return true;
    default:
      return false;
  }
}

std::vector<DrawnText>* g_capture = nullptr;

}  // namespace

namespace detail {

ImFont* font_for(float scaled_px) {
  const float at1 = scaled_px / std::max(0.5f, wctx().scale);
  if (at1 >= 100.0f) return ui_font(FontRole::Ticket);
  if (at1 >= 52.0f) return ui_font(FontRole::Title);
  if (at1 >= 34.0f) return ui_font(FontRole::Heading);
  return ui_font(FontRole::Body);
}

void capture(const char* b, const char* e, ImFont* f) {
  if (g_capture && b != e) g_capture->push_back(DrawnText{std::string(b, e), f});
}
void capture(const std::string& s, ImFont* f) { capture(s.data(), s.data() + s.size(), f); }

std::vector<Line> break_lines(const std::string& text, float size_px, float wrap_width) {
  std::vector<Line> lines;
  ImFont* f = font_for(size_px);
  const float scale = size_px / f->FontSize;
  const char* s = text.data();
  const char* end = s + text.size();
  while (s < end) {
    const char* line_begin = s;
    const char* last_break = nullptr;  // position after which we may break
    float width = 0.0f;
    const char* p = s;
    bool hard_break = false;
    while (p < end) {
      unsigned c = 0;
      int n = ImTextCharFromUtf8(&c, p, end);
      if (n <= 0) n = 1;
      if (c == '\n') {
        hard_break = true;
        break;
      }
      const float adv = f->GetCharAdvance(static_cast<ImWchar>(c)) * scale;
      if (wrap_width > 0.0f && width + adv > wrap_width && p > line_begin) {
        break;
      }
      // A break opportunity before this character.
      if (p > line_begin && !no_line_start(c) && (c == ' ' || is_cjk(c))) last_break = p;
      width += adv;
      p += n;
      if (c == ' ' || (is_cjk(c) && !no_line_start(c))) {
        if (p < end) {
          unsigned nc = 0;
          ImTextCharFromUtf8(&nc, p, end);
          if (!no_line_start(nc)) last_break = p;
        }
      }
    }
    const char* line_end = p;
    if (!hard_break && p < end && last_break && last_break > line_begin) line_end = last_break;
    // Trailing spaces do not belong on the line.
    const char* trimmed = line_end;
    while (trimmed > line_begin && trimmed[-1] == ' ') --trimmed;
    lines.push_back({line_begin, trimmed});
    s = line_end;
    if (hard_break && s < end && *s == '\n') ++s;
    while (s < end && *s == ' ') ++s;
  }
  if (lines.empty()) lines.push_back({text.data(), text.data()});
  return lines;
}

}  // namespace detail

using detail::break_lines;
using detail::capture;
using detail::font_for;
using detail::Line;

void set_text_capture(std::vector<DrawnText>* sink) { g_capture = sink; }

void text_size(float size_px) {
  ImFont* f = ImGui::GetFont();
  const float global = ImGui::GetIO().FontGlobalScale;
  ImGui::SetWindowFontScale(px(size_px) / (f->FontSize * (global > 0 ? global : 1.0f)));
}

float wrapped_height(const std::string& text, float size_px, float wrap_width) {
  const float size = px(size_px);
  auto lines = break_lines(text, size, wrap_width);
  return size * (1.0f + kLineSpacing * static_cast<float>(lines.size() - 1)) +
         size * (kLineSpacing - 1.0f);
}

void wrapped_text(const std::string& text, float size_px, ImU32 color, float wrap_width) {
  const float size = px(size_px);
  if (wrap_width <= 0.0f) wrap_width = ImGui::GetContentRegionAvail().x;
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  auto lines = break_lines(text, size, wrap_width);
  capture(text, font_for(size));
  float y = pos.y;
  for (const Line& l : lines) {
    dl->AddText(font_for(size), size, ImVec2(pos.x, y), color, l.begin, l.end);
    y += size * kLineSpacing;
  }
  const float h = y - pos.y;
  ImGui::Dummy(ImVec2(wrap_width, h));
  // The next line starts under this text, not at the window's left edge.
  ImGui::SetCursorScreenPos(ImVec2(pos.x, ImGui::GetCursorScreenPos().y));
}

void text_at(ImVec2 pos, const std::string& text, float size_px, ImU32 color) {
  capture(text, font_for(px(size_px)));
  ImGui::GetWindowDrawList()->AddText(font_for(px(size_px)), px(size_px), pos, color, text.data(),
                                      text.data() + text.size());
}

ImVec2 text_extent(const std::string& text, float size_px) {
  return font_for(px(size_px))->CalcTextSizeA(px(size_px), 1e9f, 0.0f, text.data(), text.data() + text.size());
}

}  // namespace kiosk::ui
