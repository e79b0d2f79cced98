#include "ui/widgets/keyboard.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kiosk/base/strings.hpp"
#include "ui/widgets/automation.hpp"
#include "ui/text/ime.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

namespace {

constexpr int kMaxCandidatesFetched = 200;

// The engine is shared by every keyboard: it follows the one being drawn.
struct EngineSync {
  const KeyboardState* owner = nullptr;
  std::string pinyin;   // what the engine was last given
  bool drawn_this_frame = false;
};
EngineSync& sync() {
  static EngineSync s;
  return s;
}

struct Geometry {
  float x0, y0, w, h;  // region
  float key_h, gap;
};

// One key: an invisible button with a drawn face. Returns true on release.
bool key(const char* auto_id, const std::string& label, ImVec2 pos, ImVec2 size,
         bool accent = false, bool enabled = true) {
  ImGui::SetCursorScreenPos(pos);
  ImGui::PushID(auto_id);
  bool pressed = touch_button("##k", size) && enabled;
  bool held = ImGui::IsItemActive();
  ImGui::PopID();
  automation::report(auto_id, pos.x, pos.y, size.x, size.y);

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Palette& p = pal();
  ImU32 face = accent ? p.primary : p.secondary;
  ImU32 text_col = accent ? p.primary_text : p.secondary_text;
  if (held) {
    face = accent ? p.primary_hover : p.selected_border;
    text_col = accent ? p.primary_text : p.bg;
  }
  if (!enabled) {
    face = p.disabled_bg;
    text_col = p.disabled_text;
  }
  ImVec2 end(pos.x + size.x, pos.y + size.y);
  float rounding = std::min(size.y * 0.12f, 10.0f);
  dl->AddRectFilled(pos, end, face, rounding);
  dl->AddRect(pos, end, p.border, rounding, 0, wctx().high_contrast ? 2.0f : 1.0f);
  ImFont* font = ImGui::GetFont();
  float fs = std::min(size.y * 0.45f, font->FontSize * 1.4f);
  ImVec2 ts = font->CalcTextSizeA(fs, FLT_MAX, 0.0f, label.c_str());
  if (ts.x > size.x * 0.92f) {  // long label (English "Space"): shrink to fit
    fs *= size.x * 0.92f / ts.x;
    ts = font->CalcTextSizeA(fs, FLT_MAX, 0.0f, label.c_str());
  }
  dl->AddText(font, fs, ImVec2(std::round(pos.x + (size.x - ts.x) * 0.5f),
                               std::round(pos.y + (size.y - ts.y) * 0.5f)),
              text_col, label.c_str());
  return pressed;
}

void insert(std::string& text, const std::string& s, size_t max_bytes, KeyboardResult& r) {
  if (s.empty() || text.size() + s.size() > max_bytes) return;
  text += s;
  r.changed = true;
}

void erase_last_char(std::string& text, KeyboardResult& r) {
  if (text.empty()) return;
  size_t i = text.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
  text.erase(i);
  r.changed = true;
}

std::string label(const char* key_name, Lang lang) { return kiosk::tr(key_name).in(lang); }

void search(KeyboardState& st, ImeEngine* ime) {
  EngineSync& s = sync();
  s.owner = &st;
  s.pinyin = st.composing;
  if (!ime) return;
  if (st.composing.empty())
    ime->reset();
  else
    ime->search(st.composing);
}

// Commits whatever is composed: the engine's best conversion.
void commit_best(KeyboardState& st, std::string& text, ImeEngine* ime, size_t max_bytes,
                 KeyboardResult& r) {
  if (st.composing.empty()) return;
  std::string out;
  if (ime) {
    for (int guard = 0; guard < 32 && out.empty(); ++guard) {
      if (ime->candidates(0, 1).empty()) break;
      out = ime->choose(0);
    }
  }
  if (out.empty()) out = st.composing;  // no engine or nothing found: the letters
  insert(text, out, max_bytes, r);
  st.composing.clear();
  st.candidate_page = 0;
  search(st, ime);
}

void type_letter(KeyboardState& st, std::string& text, ImeEngine* ime, char c,
                 size_t max_bytes, KeyboardResult& r) {
  if (st.layout == KeyboardLayout::Pinyin && st.pinyin_mode && ime) {
    if (st.composing.size() >= 40) return;
    std::string next = st.composing + c;
    if (ime->search(next) < 0) {  // refused by the engine: the key does nothing
      ime->search(st.composing);
      return;
    }
    st.composing = next;
    st.candidate_page = 0;
    sync().owner = &st;
    sync().pinyin = st.composing;
    return;
  }
  char out = c;
  if (st.shift) {
    out = static_cast<char>(c - 'a' + 'A');
    st.shift = false;
  }
  insert(text, std::string(1, out), max_bytes, r);
}

void backspace(KeyboardState& st, std::string& text, ImeEngine* ime, KeyboardResult& r) {
  if (!st.composing.empty()) {
    st.composing.pop_back();
    st.candidate_page = 0;
    search(st, ime);
    return;
  }
  erase_last_char(text, r);
}

// The candidate bar: composition, one page of candidates, page arrows.
void candidate_bar(KeyboardState& st, std::string& text, ImeEngine* ime, size_t max_bytes,
                   const Geometry& g, float y, float scale, Lang lang, KeyboardResult& r) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImFont* font = ImGui::GetFont();
  const float h = g.key_h;
  const float fs = std::min(h * 0.5f, font->FontSize * 1.2f);
  const float arrow_w = std::max(kKeyMinPx * scale, h);
  const float comp_w = g.w * 0.22f;

  // Composition box: hanzi chosen so far, then the pinyin still open.
  ImVec2 c0(g.x0, y), c1(g.x0 + comp_w, y + h);
  dl->AddRectFilled(c0, c1, pal().panel, 6.0f);
  dl->AddRect(c0, c1, pal().border, 6.0f);
  std::string shown = ime && !st.composing.empty() ? ime->fixed() + ime->composing() : "";
  if (shown.empty() && !st.composing.empty()) shown = st.composing;
  ImVec2 ts = font->CalcTextSizeA(fs, FLT_MAX, 0.0f, shown.c_str());
  float cfs = ts.x > comp_w - 12 ? fs * (comp_w - 12) / ts.x : fs;
  dl->AddText(font, cfs, ImVec2(c0.x + 6, y + (h - cfs) * 0.5f), pal().text, shown.c_str());
  automation::report("kbd.composing", c0.x, c0.y, comp_w, h);

  if (ime && st.composing.empty()) {
    const std::string hint = label("keyboard.hint.pinyin", lang);
    dl->AddText(font, fs * 0.85f, ImVec2(c1.x + g.gap * 2, y + (h - fs * 0.85f) * 0.5f),
                pal().muted, hint.c_str());
  }
  if (!ime || st.composing.empty()) return;
  std::vector<std::string> all = ime->candidates(0, kMaxCandidatesFetched);
  if (all.empty()) return;

  // Greedy pages that fit the bar; the same split every frame.
  const float bar_x = c1.x + g.gap;
  const float bar_w = g.x0 + g.w - bar_x - 2 * (arrow_w + g.gap);
  const float pad = 18.0f * scale;
  std::vector<int> page_start{0};
  float used = 0;
  std::vector<float> widths(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    float w = std::max(kKeyMinPx * scale,
                       font->CalcTextSizeA(fs, FLT_MAX, 0.0f, all[i].c_str()).x + 2 * pad);
    w = std::min(w, bar_w);
    widths[i] = w;
    if (used > 0 && used + w > bar_w) {
      page_start.push_back(static_cast<int>(i));
      used = 0;
    }
    used += w + g.gap;
  }
  const int pages = static_cast<int>(page_start.size());
  st.candidate_page = std::clamp(st.candidate_page, 0, pages - 1);
  const int first = page_start[st.candidate_page];
  const int last = st.candidate_page + 1 < pages ? page_start[st.candidate_page + 1]
                                                 : static_cast<int>(all.size());
  float x = bar_x;
  int chosen = -1;
  for (int i = first; i < last; ++i) {
    std::string id = "kbd.cand." + std::to_string(i - first);
    if (key(id.c_str(), all[i], ImVec2(x, y), ImVec2(widths[i], h), i == 0)) chosen = i;
    automation::label_last(all[i]);  // in-process tests pick a candidate by its text
    x += widths[i] + g.gap;
  }
  float ax = g.x0 + g.w - 2 * arrow_w - g.gap;
  if (key("kbd.cand.prev", "\xE2\x97\x80", ImVec2(ax, y), ImVec2(arrow_w, h), false,
          st.candidate_page > 0))
    --st.candidate_page;
  if (key("kbd.cand.next", "\xE2\x96\xB6", ImVec2(ax + arrow_w + g.gap, y), ImVec2(arrow_w, h),
          false, st.candidate_page + 1 < pages))
    ++st.candidate_page;

  if (chosen >= 0) {
    std::string out = ime->choose(chosen);
    st.candidate_page = 0;
    if (!out.empty()) {
      insert(text, out, max_bytes, r);
      st.composing.clear();
      sync().pinyin.clear();
    }
  }
}

int rows_for(const KeyboardState& st) {
  switch (st.layout) {
    case KeyboardLayout::Pinyin: return 5;   // candidate bar + 4 rows
    case KeyboardLayout::Letters: return 4;
    default: return 4;
  }
}

void letters(KeyboardState& st, std::string& text, ImeEngine* ime, size_t max_bytes,
             const Geometry& g, float y, float scale, Lang lang, KeyboardResult& r) {
  static const char* kRows[3] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
  const float unit = (g.w - 9 * g.gap) / 10.0f;
  const bool pinyin = st.layout == KeyboardLayout::Pinyin && st.pinyin_mode && ime;
  for (int row = 0; row < 3; ++row) {
    const std::string keys = kRows[row];
    float x = g.x0 + (row == 1 ? (unit + g.gap) * 0.5f : 0.0f);
    if (row == 2) x = g.x0 + 1.5f * unit + 1.5f * g.gap;
    for (char c : keys) {
      std::string id = std::string("kbd.key.") + c;
      char shown = (!pinyin && st.shift) ? static_cast<char>(c - 'a' + 'A') : c;
      if (key(id.c_str(), std::string(1, shown), ImVec2(x, y), ImVec2(unit, g.key_h)))
        type_letter(st, text, ime, c, max_bytes, r);
      x += unit + g.gap;
    }
    if (row == 2) {
      // Left of z: shift (Latin) or the apostrophe-free pinyin has nothing.
      if (!pinyin) {
        if (key("kbd.shift", label("keyboard.shift", lang),
                ImVec2(g.x0, y), ImVec2(1.5f * unit + 0.5f * g.gap, g.key_h), st.shift))
          st.shift = !st.shift;
      }
      float bx = g.x0 + g.w - (1.5f * unit + 0.5f * g.gap);
      if (key("kbd.backspace", label("keyboard.backspace", lang), ImVec2(bx, y),
              ImVec2(1.5f * unit + 0.5f * g.gap, g.key_h)))
        backspace(st, text, ime, r);
    }
    y += g.key_h + g.gap;
  }
  // Bottom row: mode, space, confirm.
  const float mode_w = 2 * unit + g.gap;
  const float ok_w = 2.5f * unit + 1.5f * g.gap;
  const float space_w = g.w - mode_w - ok_w - 2 * g.gap;
  float x = g.x0;
  if (st.layout == KeyboardLayout::Pinyin) {
    std::string m = label(st.pinyin_mode ? "keyboard.mode.to_latin" : "keyboard.mode.to_pinyin", lang);
    if (key("kbd.mode", m, ImVec2(x, y), ImVec2(mode_w, g.key_h))) {
      if (!st.composing.empty()) {  // keep what was typed, as letters
        insert(text, st.composing, max_bytes, r);
        st.composing.clear();
        search(st, ime);
      }
      st.pinyin_mode = !st.pinyin_mode;
    }
  }
  x += mode_w + g.gap;
  if (key("kbd.space", label("keyboard.space", lang), ImVec2(x, y), ImVec2(space_w, g.key_h))) {
    if (!st.composing.empty()) commit_best(st, text, ime, max_bytes, r);
    else insert(text, " ", max_bytes, r);
  }
  x += space_w + g.gap;
  if (key("kbd.ok", label("keyboard.ok", lang), ImVec2(x, y), ImVec2(ok_w, g.key_h), true)) {
    commit_best(st, text, ime, max_bytes, r);
    r.done = true;
  }
  (void)scale;
}

void number_pad(KeyboardState& st, std::string& text, size_t max_bytes, const Geometry& g,
                float scale, Lang lang, KeyboardResult& r) {
  // Keys wider than tall, but a pad no wider than it needs to be.
  const float unit_w = std::min((g.w - 3 * g.gap) / 4.0f, g.key_h * 2.4f);
  const float pad_w = 4 * unit_w + 3 * g.gap;
  const float x0 = g.x0 + (g.w - pad_w) * 0.5f;
  static const char* kDigits = "123456789";
  for (int i = 0; i < 9; ++i) {
    int row = i / 3, col = i % 3;
    char c = kDigits[i];
    std::string id = std::string("kbd.key.") + c;
    if (key(id.c_str(), std::string(1, c),
            ImVec2(x0 + col * (unit_w + g.gap), g.y0 + row * (g.key_h + g.gap)),
            ImVec2(unit_w, g.key_h)))
      insert(text, std::string(1, c), max_bytes, r);
  }
  const float y3 = g.y0 + 3 * (g.key_h + g.gap);
  std::string extra;
  if (st.layout == KeyboardLayout::IdNumber) extra = "X";
  else if (st.layout == KeyboardLayout::Digits) extra = ".";
  if (!extra.empty()) {
    std::string id = "kbd.key." + extra;
    if (key(id.c_str(), extra, ImVec2(x0, y3), ImVec2(unit_w, g.key_h)))
      insert(text, extra, max_bytes, r);
  }
  if (key("kbd.key.0", "0", ImVec2(x0 + unit_w + g.gap, y3), ImVec2(unit_w, g.key_h)))
    insert(text, "0", max_bytes, r);
  const float xs = x0 + 3 * (unit_w + g.gap);
  const float tall = 2 * g.key_h + g.gap;
  if (key("kbd.backspace", label("keyboard.backspace", lang), ImVec2(xs, g.y0), ImVec2(unit_w, tall)))
    erase_last_char(text, r);
  if (key("kbd.ok", label("keyboard.ok", lang), ImVec2(xs, g.y0 + tall + g.gap),
          ImVec2(unit_w, tall), true))
    r.done = true;
  (void)scale;
}

}  // namespace

float keyboard_min_height(const KeyboardState& state, float scale) {
  const int rows = rows_for(state);
  const float gap = 8.0f * scale;
  return rows * kKeyMinPx * scale + (rows - 1) * gap;
}

KeyboardResult draw_keyboard(KeyboardState& state, std::string& text, ImeEngine* ime,
                             float scale, size_t max_bytes, Lang lang) {
  KeyboardResult r;
  EngineSync& s = sync();
  s.drawn_this_frame = true;
  const bool pinyin = state.layout == KeyboardLayout::Pinyin && state.pinyin_mode && ime;
  if (!pinyin && !state.composing.empty()) state.composing.clear();
  // Another keyboard (or a wiped session) used the engine since: catch up.
  if (ime && (s.owner != &state || s.pinyin != state.composing)) search(state, ime);

  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const int rows = rows_for(state);
  Geometry g{};
  g.x0 = origin.x;
  g.y0 = origin.y;
  g.w = std::max(avail.x, 10 * kKeyMinPx * scale);
  g.h = std::max(avail.y, keyboard_min_height(state, scale));
  g.gap = 8.0f * scale;
  g.key_h = std::max(kKeyMinPx * scale, (g.h - (rows - 1) * g.gap) / rows);
  // Keys taller than ~1.6x the minimum only waste reach on a tall screen.
  g.key_h = std::min(g.key_h, kKeyMinPx * scale * 1.6f);

  if (state.layout == KeyboardLayout::Pinyin || state.layout == KeyboardLayout::Letters) {
    float y = g.y0;
    if (state.layout == KeyboardLayout::Pinyin) {
      candidate_bar(state, text, pinyin ? ime : nullptr, max_bytes, g, y, scale, lang, r);
      y += g.key_h + g.gap;
    }
    letters(state, text, ime, max_bytes, g, y, scale, lang, r);
  } else {
    number_pad(state, text, max_bytes, g, scale, lang, r);
  }
  // Leave the cursor below the keyboard so the caller's layout continues.
  ImGui::SetCursorScreenPos(ImVec2(g.x0, g.y0 + rows * (g.key_h + g.gap)));
  ImGui::Dummy(ImVec2(1, 1));
  return r;
}

void keyboard_frame_end(ImeEngine* ime) {
  EngineSync& s = sync();
  if (!s.drawn_this_frame && ime && (s.owner || !s.pinyin.empty())) {
    ime->reset();
    s.owner = nullptr;
    s.pinyin.clear();
  }
  s.drawn_this_frame = false;
}

}  // namespace kiosk::ui
