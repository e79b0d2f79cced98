// Drawing of the kiosk's building blocks (see widgets.hpp).
#include "ui/widgets/widgets.hpp"

#include <algorithm>
#include <cmath>

#include "imgui_internal.h"  // GetCurrentWindow, ImGuiWindow (scroll state)
#include "ui/widgets/automation.hpp"
#include "ui/widgets/text_layout.hpp"

namespace kiosk::ui {
using detail::break_lines;
using detail::capture;
using detail::font_for;
using detail::Line;

namespace {

constexpr ImU32 rgb(unsigned v) {
  return IM_COL32((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF, 0xFF);
}

// Normal palette: dark text on warm white (contrast > 14:1), union red
// buttons with white text (6.5:1), errors in dark red words (7.8:1).
const Palette kNormal = {
    rgb(0xF6F4EF), rgb(0xFFFFFF), rgb(0x1A1A1A), rgb(0x4A4A4A), rgb(0x8A8A8A),
    rgb(0xB3261E), rgb(0xFFFFFF), rgb(0x8E1B15),
    rgb(0xFFFFFF), rgb(0x1A1A1A),
    rgb(0x1A1A1A), rgb(0xFDECEA), rgb(0x9B1C1C), rgb(0x1E6B34), rgb(0xE4E2DD), rgb(0x5C5C5C),
    rgb(0xB3261E), rgb(0xFFFFFF)};

// High contrast: white and yellow on black (> 15:1).
const Palette kHigh = {
    rgb(0x000000), rgb(0x000000), rgb(0xFFFFFF), rgb(0xFFFFFF), rgb(0xFFFFFF),
    rgb(0xFFD400), rgb(0x000000), rgb(0xFFE866),
    rgb(0x000000), rgb(0xFFFFFF),
    rgb(0xFFD400), rgb(0x000000), rgb(0xFFD400), rgb(0x7CFF9B), rgb(0x2A2A2A), rgb(0xDADADA),
    rgb(0x000000), rgb(0xFFD400)};

// Only the part a finger can reach: inside the window's clip rectangle
// (a pick list scrolled out of view reports nothing).
void report_rect(const std::string& id, ImVec2 min, ImVec2 max) {
  if (!automation::enabled()) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 cmin = dl->GetClipRectMin(), cmax = dl->GetClipRectMax();
  min.x = std::max(min.x, cmin.x);
  min.y = std::max(min.y, cmin.y);
  max.x = std::min(max.x, cmax.x);
  max.y = std::min(max.y, cmax.y);
  if (max.x - min.x < 1.0f || max.y - min.y < 1.0f) return;
  automation::report(id, min.x, min.y, max.x - min.x, max.y - min.y);
}

}  // namespace

const Palette& palette(bool high_contrast) { return high_contrast ? kHigh : kNormal; }

WidgetContext& wctx() {
  static WidgetContext c;
  return c;
}

const Palette& pal() { return palette(wctx().high_contrast); }

void report_last_item(const std::string& id) {
  report_rect(id, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

bool touch_button(const char* str_id, ImVec2 size) {
  const bool released = ImGui::InvisibleButton(str_id, size);
  // MouseDragMaxDistanceSqr: how far the pointer got from where it went
  // down, kept until the next press (so still valid on the release frame).
  const float slop = px(kDragSlopPx);
  return released && ImGui::GetIO().MouseDragMaxDistanceSqr[0] < slop * slop;
}

bool big_button(const std::string& id, const std::string& label, ImVec2 size,
                ButtonKind kind, bool enabled) {
  size.x = std::max(size.x, px(60));
  size.y = std::max(size.y, px(60));
  ImGui::PushID(id.c_str());
  const bool clicked = touch_button("##b", size);
  const bool held = ImGui::IsItemActive();
  ImVec2 mn = ImGui::GetItemRectMin(), mx = ImGui::GetItemRectMax();
  ImGui::PopID();
  const Palette& p = pal();
  ImU32 bg = p.primary, fg = p.primary_text, border = p.primary;
  if (kind == ButtonKind::Secondary) {
    bg = p.secondary;
    fg = p.secondary_text;
    border = p.text;
  } else if (kind == ButtonKind::Danger) {
    bg = p.secondary;
    fg = p.error_text;
    border = p.error_text;
  }
  if (!enabled) {
    bg = p.disabled_bg;
    fg = p.disabled_text;
    border = p.border;
  } else if (held) {
    bg = kind == ButtonKind::Primary ? p.primary_hover : p.disabled_bg;
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float r = px(12);
  dl->AddRectFilled(mn, mx, bg, r);
  dl->AddRect(mn, mx, border, r, 0, px(3));
  // Label centred; wrapped if it does not fit on one line.
  const float size_px = kBodyPx;
  auto lines = break_lines(label, px(size_px), size.x - px(24));
  capture(label, font_for(px(size_px)));
  const float lh = px(size_px) * 1.25f;
  float y = (mn.y + mx.y) * 0.5f - lh * static_cast<float>(lines.size()) * 0.5f + px(size_px) * 0.125f;
  for (const Line& l : lines) {
    ImVec2 ext = font_for(px(size_px))->CalcTextSizeA(px(size_px), 1e9f, 0, l.begin, l.end);
    dl->AddText(font_for(px(size_px)), px(size_px), ImVec2((mn.x + mx.x - ext.x) * 0.5f, y), fg, l.begin, l.end);
    y += lh;
  }
  if (enabled) report_rect(id, mn, mx);
  return clicked && enabled && wctx().armed;
}

bool tile(const std::string& id, const std::string& title, const std::string& summary,
          ImVec2 size, ImU32 accent) {
  ImGui::PushID(id.c_str());
  const bool clicked = touch_button("##t", size);
  const bool held = ImGui::IsItemActive();
  ImVec2 mn = ImGui::GetItemRectMin(), mx = ImGui::GetItemRectMax();
  ImGui::PopID();
  const Palette& p = pal();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float r = px(16);
  dl->AddRectFilled(mn, mx, held ? p.disabled_bg : p.panel, r);
  dl->AddRect(mn, mx, p.text, r, 0, px(3));
  dl->AddRectFilled(mn, ImVec2(mx.x, mn.y + px(18)), accent, r, ImDrawFlags_RoundCornersTop);
  const float pad = px(28);
  const float inner = size.x - 2 * pad;
  ImVec2 cur(mn.x + pad, mn.y + px(18) + pad);
  auto tl = break_lines(title, px(kHeadingPx), inner);
  capture(title, font_for(px(kHeadingPx)));
  capture(summary, font_for(px(kBodyPx * 0.9f)));
  for (const Line& l : tl) {
    dl->AddText(font_for(px(kHeadingPx)), px(kHeadingPx), cur, p.text, l.begin, l.end);
    cur.y += px(kHeadingPx) * 1.3f;
  }
  cur.y += px(10);
  const float ssz = px(kBodyPx * 0.9f);
  ImFont* sf = font_for(ssz);
  auto sl = break_lines(summary, ssz, inner);
  for (size_t i = 0; i < sl.size(); ++i) {
    const Line& l = sl[i];
    if (cur.y + ssz > mx.y - px(8)) break;
    const bool last_fitting = i + 1 < sl.size() && cur.y + ssz * kLineSpacing + ssz > mx.y - px(8);
    if (last_fitting) {
      // The summary goes on: say so with an ellipsis rather than cut a word.
      static const char kEllipsis[] = "\xE2\x80\xA6";
      const float ew = sf->CalcTextSizeA(ssz, 1e9f, 0, kEllipsis).x;
      const char* end = l.end;
      while (end > l.begin && sf->CalcTextSizeA(ssz, 1e9f, 0, l.begin, end).x + ew > inner) {
        --end;
        while (end > l.begin && (static_cast<unsigned char>(*end) & 0xC0) == 0x80) --end;
      }
      std::string shown(l.begin, end);
      shown += kEllipsis;
      capture(shown, sf);
      dl->AddText(sf, ssz, cur, p.muted, shown.c_str());
      break;
    }
    dl->AddText(sf, ssz, cur, p.muted, l.begin, l.end);
    cur.y += ssz * kLineSpacing;
  }
  report_rect(id, mn, mx);
  return clicked && wctx().armed;
}

bool pick_row(const PickRow& row, float width) {
  const Palette& p = pal();
  const float pad = px(22);
  const float inner = width - 2 * pad - px(70);
  const float h = pad * 2 + wrapped_height(row.title, kBodyPx, inner) +
                  wrapped_height(row.detail, kSmallPx, inner) + px(kBodyPx) * kLineSpacing;
  ImGui::PushID(row.id.c_str());
  const bool clicked = touch_button("##r", ImVec2(width, std::max(h, px(90))));
  ImVec2 mn = ImGui::GetItemRectMin(), mx = ImGui::GetItemRectMax();
  ImGui::PopID();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float r = px(12);
  dl->AddRectFilled(mn, mx, row.enabled ? p.panel : p.disabled_bg, r);
  dl->AddRect(mn, mx, row.selected ? p.selected_border : p.border, r, 0,
              row.selected ? px(6) : px(2));
  const ImU32 fg = row.enabled ? p.text : p.disabled_text;
  ImGui::SetCursorScreenPos(ImVec2(mn.x + pad + px(70), mn.y + pad));
  ImGui::BeginGroup();
  wrapped_text(row.title, kBodyPx, fg, inner);
  wrapped_text(row.detail, kSmallPx, row.enabled ? p.muted : p.disabled_text, inner);
  wrapped_text(row.places, kBodyPx, row.enabled ? p.ok_text : p.error_text, inner);
  ImGui::EndGroup();
  // The choice box on the left: a tick when selected (not colour alone).
  ImVec2 bmin(mn.x + pad, mn.y + pad), bmax(mn.x + pad + px(48), mn.y + pad + px(48));
  dl->AddRect(bmin, bmax, fg, px(6), 0, px(3));
  if (row.selected) draw_tick(dl, bmin, bmax, p.selected_border);
  ImGui::SetCursorScreenPos(ImVec2(mn.x, mx.y));
  ImGui::Dummy(ImVec2(width, px(14)));
  if (row.enabled) report_rect(row.id, mn, mx);
  return clicked && row.enabled && wctx().armed;
}

bool option_box(const std::string& id, const std::string& label, bool selected, ImVec2 size) {
  const Palette& p = pal();
  size.y = std::max(size.y, px(80));
  ImGui::PushID(id.c_str());
  const bool clicked = touch_button("##o", size);
  const bool held = ImGui::IsItemActive();
  ImVec2 mn = ImGui::GetItemRectMin(), mx = ImGui::GetItemRectMax();
  ImGui::PopID();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(mn, mx, held ? p.disabled_bg : p.panel, px(12));
  dl->AddRect(mn, mx, selected ? p.selected_border : p.border, px(12), 0,
              selected ? px(6) : px(2));
  const float box = px(44);
  ImVec2 bmin(mn.x + px(20), (mn.y + mx.y - box) * 0.5f);
  ImVec2 bmax(bmin.x + box, bmin.y + box);
  dl->AddRect(bmin, bmax, p.text, px(6), 0, px(3));
  if (selected) draw_tick(dl, bmin, bmax, p.selected_border);
  const float tx = bmax.x + px(18);
  auto lines = break_lines(label, px(kBodyPx), mx.x - tx - px(12));
  capture(label, font_for(px(kBodyPx)));
  const float lh = px(kBodyPx) * 1.3f;
  float y = (mn.y + mx.y) * 0.5f - lh * static_cast<float>(lines.size()) * 0.5f + px(kBodyPx) * 0.15f;
  for (const Line& l : lines) {
    dl->AddText(font_for(px(kBodyPx)), px(kBodyPx), ImVec2(tx, y), p.text, l.begin, l.end);
    y += lh;
  }
  report_rect(id, mn, mx);
  return clicked && wctx().armed;
}

void draw_tick(ImDrawList* dl, ImVec2 mn, ImVec2 mx, ImU32 color) {
  const float w = mx.x - mn.x, h = mx.y - mn.y;
  ImVec2 a(mn.x + w * 0.18f, mn.y + h * 0.52f);
  ImVec2 b(mn.x + w * 0.42f, mn.y + h * 0.76f);
  ImVec2 c(mn.x + w * 0.84f, mn.y + h * 0.24f);
  dl->AddLine(a, b, color, w * 0.14f);
  dl->AddLine(b, c, color, w * 0.14f);
}

void error_text(const std::string& words, float width) {
  const Palette& p = pal();
  ImVec2 pos = ImGui::GetCursorScreenPos();
  const float h = wrapped_height(words, kBodyPx, width - px(40));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + h + px(16)), p.error_bg, px(8));
  dl->AddRectFilled(pos, ImVec2(pos.x + px(10), pos.y + h + px(16)), p.error_text, px(4));
  ImGui::SetCursorScreenPos(ImVec2(pos.x + px(28), pos.y + px(8)));
  wrapped_text(words, kBodyPx, p.error_text, width - px(40));
  ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + h + px(16)));
  ImGui::Dummy(ImVec2(width, px(4)));
}

void draw_qr(const std::vector<uint8_t>& modules, int width, int height, float side) {
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // White card with a 4-module quiet zone, so scanners find the code in
  // either palette.
  dl->AddRectFilled(pos, ImVec2(pos.x + side, pos.y + side), IM_COL32_WHITE);
  if (width > 0 && height > 0 && modules.size() >= static_cast<size_t>(width) * height) {
    const int n = std::max(width, height) + 8;
    const float m = std::floor(side / static_cast<float>(n));
    const float off = (side - m * static_cast<float>(std::max(width, height))) * 0.5f;
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        if (!modules[static_cast<size_t>(y) * width + x]) continue;
        ImVec2 a(pos.x + off + m * x, pos.y + off + m * y);
        dl->AddRectFilled(a, ImVec2(a.x + m, a.y + m), IM_COL32_BLACK);
      }
    }
  }
  ImGui::Dummy(ImVec2(side, side));
}

ScrollState current_scroll() {
  ScrollState s;
  s.window = ImGui::GetCurrentWindow();
  s.y = ImGui::GetScrollY();
  s.max = ImGui::GetScrollMaxY();
  s.page = ImGui::GetWindowHeight();
  return s;
}

void scroll_buttons(const std::string& prefix, const ScrollState& s, ImVec2 pos, float width,
                    float height, const std::string& up_words, const std::string& down_words) {
  if (!s.window || s.max <= 1.0f) return;
  const float bh = std::min(px(180), height * 0.45f);
  auto* win = static_cast<ImGuiWindow*>(s.window);
  const float step = s.page * 0.7f;
  const Palette& p = pal();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  auto arrow = [&](ImVec2 c, bool up, ImU32 col) {
    const float r = px(16);
    if (up)
      dl->AddTriangleFilled(ImVec2(c.x - r, c.y + r * 0.6f), ImVec2(c.x + r, c.y + r * 0.6f),
                            ImVec2(c.x, c.y - r * 0.6f), col);
    else
      dl->AddTriangleFilled(ImVec2(c.x - r, c.y - r * 0.6f), ImVec2(c.x + r, c.y - r * 0.6f),
                            ImVec2(c.x, c.y + r * 0.6f), col);
  };
  ImGui::SetCursorScreenPos(pos);
  const bool can_up = s.y > 0.5f;
  const bool can_down = s.y < s.max - 0.5f;
  if (big_button(prefix + ".up", "\n" + up_words, ImVec2(width, bh), ButtonKind::Secondary, can_up))
    ImGui::SetScrollY(win, std::max(0.0f, s.y - step));
  arrow(ImVec2(pos.x + width * 0.5f, pos.y + bh * 0.28f), true, can_up ? p.text : p.disabled_text);
  const ImVec2 dpos(pos.x, pos.y + height - bh);
  ImGui::SetCursorScreenPos(dpos);
  if (big_button(prefix + ".down", down_words + "\n ", ImVec2(width, bh), ButtonKind::Secondary,
                 can_down))
    ImGui::SetScrollY(win, std::min(s.max, s.y + step));
  arrow(ImVec2(dpos.x + width * 0.5f, dpos.y + bh * 0.72f), false,
        can_down ? p.text : p.disabled_text);
}

bool ticket_pad(std::string& text, const std::vector<TicketLetter>& letters,
                const std::string& backspace_words, ImVec2 pos, ImVec2 size) {
  // Three rows: the services' letters with their names; 1-5 and "-"; 6-0
  // and delete. Few, large keys.
  bool changed = false;
  const float gap = px(14);
  const float row_h = std::max(px(60), (size.y - 2 * gap) / 3.0f);
  auto add = [&](const std::string& s) {
    if (text.size() + s.size() <= 12) {
      text += s;
      changed = true;
    }
  };
  const size_t n = std::max<size_t>(1, letters.size());
  const float lw = (size.x - gap * (n - 1)) / n;
  for (size_t i = 0; i < letters.size(); ++i) {
    ImGui::SetCursorScreenPos(ImVec2(pos.x + i * (lw + gap), pos.y));
    if (big_button("kbd.key." + letters[i].letter, letters[i].letter + "  " + letters[i].name,
                   ImVec2(lw, row_h), ButtonKind::Secondary))
      add(letters[i].letter);
  }
  static const char* kRows[2][6] = {{"1", "2", "3", "4", "5", "-"}, {"6", "7", "8", "9", "0", ""}};
  const float kw = (size.x - gap * 5) / 6.0f;
  for (int r = 0; r < 2; ++r) {
    const float y = pos.y + (r + 1) * (row_h + gap);
    for (int c = 0; c < 6; ++c) {
      ImGui::SetCursorScreenPos(ImVec2(pos.x + c * (kw + gap), y));
      const std::string k = kRows[r][c];
      if (k.empty()) {
        if (big_button("kbd.backspace", backspace_words, ImVec2(kw, row_h), ButtonKind::Secondary) &&
            !text.empty()) {
          text.pop_back();
          changed = true;
        }
      } else if (big_button("kbd.key." + k, k, ImVec2(kw, row_h), ButtonKind::Secondary)) {
        add(k);
      }
    }
  }
  return changed;
}

}  // namespace kiosk::ui
