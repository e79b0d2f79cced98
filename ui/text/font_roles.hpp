// Which ImFont draws what. The platform builds the atlas (ui/text/fonts.hpp)
// with the fonts in this order; screens pick one with ui_font(role). Header
// only and imgui.h only, so the screens library can use it.
#pragma once
#include <imgui.h>

namespace kiosk::ui {

enum class FontRole {
  Body = 0,     // all text, inputs, keyboard keys, pinyin candidates (full glyph set)
  Heading = 1,  // page titles, tiles (bold; content and string-table characters only)
  Ticket = 2,   // the ticket number (bold, very large; ASCII only)
};

// Falls back to the default font when the atlas has fewer fonts (headless
// tests that build only ImGui's default font).
inline ImFont* ui_font(FontRole role) {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  int i = static_cast<int>(role);
  if (atlas && i < atlas->Fonts.Size) return atlas->Fonts[i];
  return ImGui::GetFont();
}

}  // namespace kiosk::ui
