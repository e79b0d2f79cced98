// Text layout shared by the widgets (internal to ui/widgets): the font for a
// size, line breaking for Chinese and English, and the capture of drawn
// text that the headless tests read.
#pragma once
#include <string>
#include <vector>

#include "imgui.h"

namespace kiosk::ui::detail {

// The atlas holds one font per role, rasterised at its size times the
// scale; text is drawn with the role whose size it is (crisp, not scaled).
ImFont* font_for(float scaled_px);

// Records drawn text for set_text_capture() (tests); free when off.
void capture(const char* b, const char* e, ImFont* f);
void capture(const std::string& s, ImFont* f);

struct Line {
  const char* begin;
  const char* end;
};

// Greedy line breaking at spaces and around CJK characters, with the
// punctuation that must not start a line kept on the line before.
std::vector<Line> break_lines(const std::string& text, float size_px, float wrap_width);

}  // namespace kiosk::ui::detail
