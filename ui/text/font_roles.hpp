// Which ImFont draws what. The platform builds the atlas (ui/text/fonts.hpp)
// with the fonts in this order; screens pick one with ui_font(role). Header
// only and imgui.h only, so the screens library can use it.
#pragma once
#include <imgui.h>

namespace kiosk::ui {

// Pixel sizes at scale 1 (the atlas is rebuilt at 1.5x in large-text mode,
// so a role's font is always drawn at its rasterised size: crisp).
enum class FontRole {
  Body = 0,     // 30 px: all text, inputs, keyboard, pinyin candidates (full glyph set)
  Heading = 1,  // 44 px bold: section titles, tiles (content + string-table characters)
  Title = 2,    // 60 px bold: screen titles (same characters as Heading)
  Ticket = 3,   // 150 px bold: the ticket number (ASCII only)
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
