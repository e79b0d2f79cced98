// The kiosk's building blocks for elderly-friendly touch screens: big
// buttons (at least 60 px tall at scale 1), tiles, wrapped text with 1.4x
// line spacing, pick lists that say "full" in words, QR
// drawing from a bitmap, and the palette (normal or high contrast).
// Placeholders are filled by kiosk::fill (kiosk/base/strings.hpp).
// imgui.h only; every tappable widget reports itself to automation.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "imgui.h"
#include "kiosk/base/strings.hpp"

namespace kiosk::ui {

struct Palette {
  ImU32 bg, panel, text, muted, border;
  ImU32 primary, primary_text, primary_hover;
  ImU32 secondary, secondary_text;
  ImU32 selected_border, error_bg, error_text, ok_text, disabled_bg, disabled_text;
  ImU32 header_bg, header_text;
};
const Palette& palette(bool high_contrast);

// Frame-wide drawing settings the widgets read: the scale (large text), the
// palette, and whether taps count (they do not for a moment after a screen
// change, so a double tap cannot act on the next screen).
struct WidgetContext {
  float scale = 1.0f;
  bool high_contrast = false;
  bool armed = true;
  // The first frames of a screen (or page) just opened: its scrolling
  // regions start at their top, wherever the last person left them.
  bool fresh_view = false;
};
WidgetContext& wctx();
inline float px(float v) { return v * wctx().scale; }
const Palette& pal();

// Font sizes in pixels at scale 1.
constexpr float kBodyPx = 30.0f;
constexpr float kSmallPx = 24.0f;
constexpr float kHeadingPx = 44.0f;
constexpr float kTitlePx = 60.0f;
constexpr float kHugePx = 150.0f;
constexpr float kLineSpacing = 1.4f;  // >= 1.3 as the elder-mode rules ask

// Sets the current window's font scale so text is `size_px * scale` tall.
void text_size(float size_px);

// Wrapped text with kLineSpacing between lines, from the cursor; advances the cursor.
void wrapped_text(const std::string& text, float size_px, ImU32 color, float wrap_width = 0.0f);
// Height wrapped_text would take.
float wrapped_height(const std::string& text, float size_px, float wrap_width);
// One line of text at an absolute position (no layout).
void text_at(ImVec2 pos, const std::string& text, float size_px, ImU32 color);
ImVec2 text_extent(const std::string& text, float size_px);

// A press that moved further than this (scale 1) is a drag (a finger
// scrolling the page), not a tap.
constexpr float kDragSlopPx = 12.0f;
// ImGui's invisible button, except that a release ending a drag does not
// count: a worker who scrolls a form by dragging on a button must not press
// it when lifting the finger. Every tappable widget goes through it.
bool touch_button(const char* str_id, ImVec2 size);

enum class ButtonKind { Primary, Secondary, Danger };
// A large button of at least 60 px (scale 1) in each direction; `id` is the
// automation id. Returns true when tapped (and taps are armed).
bool big_button(const std::string& id, const std::string& label, ImVec2 size,
                ButtonKind kind = ButtonKind::Primary, bool enabled = true);
// A service tile: title (large) over a summary.
bool tile(const std::string& id, const std::string& title, const std::string& summary,
          ImVec2 size, ImU32 accent);

// One row of a pick list: title, detail lines and the places-left line.
// A full row is drawn disabled and cannot be picked; `state_words` says why.
struct PickRow {
  std::string id;        // automation id
  std::string title;
  std::string detail;
  std::string places;    // "还剩 5 个名额" / "已满"
  bool selected = false;
  bool enabled = true;
};
bool pick_row(const PickRow& row, float width);

// A selectable option (single or multi choice): a box with a tick when chosen.
bool option_box(const std::string& id, const std::string& label, bool selected, ImVec2 size);

// An error in words beside (under) a field: a marker bar plus the text.
void error_text(const std::string& words, float width);

// A QR code from a bitmap (row-major, non-zero = dark module), drawn as
// filled squares with a quiet zone; `side` is the full size in pixels.
void draw_qr(const std::vector<uint8_t>& modules, int width, int height, float side);

// Draws a tick inside `box` (the non-colour sign that something is chosen).
void draw_tick(ImDrawList* dl, ImVec2 min, ImVec2 max, ImU32 color);


// Scrolling for people who do not know to drag: "up" and "down" buttons in
// a column beside a scrolling region. Take the region's state just before
// EndChild(), then draw the buttons after it.
struct ScrollState {
  void* window = nullptr;  // the child window (ImGuiWindow*)
  float y = 0, max = 0, page = 0;
};
ScrollState current_scroll();
// ids "<prefix>.up" / "<prefix>.down"; nothing drawn when all of it fits.
void scroll_buttons(const std::string& prefix, const ScrollState& s, ImVec2 pos, float width,
                    float height, const std::string& up_words, const std::string& down_words);
constexpr float kScrollColumnPx = 150.0f;

// A keypad for ticket numbers: the services' letters (with their names) and
// digits. Edits `text`; true when it changed.
struct TicketLetter {
  std::string letter;  // "F"
  std::string name;    // the service's name in the worker's language
};
bool ticket_pad(std::string& text, const std::vector<TicketLetter>& letters,
                const std::string& backspace_words, ImVec2 pos, ImVec2 size);

// Tests: every string these widgets draw, with the font it is drawn in, is
// appended to `sink` while it is set (null: off, the default).
struct DrawnText {
  std::string text;
  ImFont* font = nullptr;
};
void set_text_capture(std::vector<DrawnText>* sink);

// Reports the last item's rectangle to automation under `id`.
void report_last_item(const std::string& id);

}  // namespace kiosk::ui
