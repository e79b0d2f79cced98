#include "ui/platform/style.hpp"

#include <imgui.h>

#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

void apply_platform_style(float scale, bool high_contrast) {
  ImGuiStyle& st = ImGui::GetStyle();
  st = ImGuiStyle();
  st.WindowPadding = ImVec2(0, 0);
  st.WindowBorderSize = 0;
  st.ChildBorderSize = 0;
  st.WindowRounding = 0;
  st.FrameRounding = 8;
  st.FramePadding = ImVec2(16, 12);
  // Body text is 30 px: 12 px between lines gives 1.4x line spacing.
  st.ItemSpacing = ImVec2(16, 12);
  st.ItemInnerSpacing = ImVec2(12, 10);
  st.TouchExtraPadding = ImVec2(4, 4);
  st.ScrollbarSize = 36;
  st.ScrollbarRounding = 12;
  st.GrabMinSize = 40;
  st.FrameBorderSize = high_contrast ? 2.0f : 1.0f;
  st.AntiAliasedLinesUseTex = true;
  st.ScaleAllSizes(scale);

  const Palette& p = palette(high_contrast);
  auto c = [](ImU32 v) { return ImGui::ColorConvertU32ToFloat4(v); };
  ImVec4* col = st.Colors;
  col[ImGuiCol_Text] = c(p.text);
  col[ImGuiCol_TextDisabled] = c(p.muted);
  col[ImGuiCol_WindowBg] = c(p.bg);
  col[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  col[ImGuiCol_PopupBg] = c(p.panel);
  col[ImGuiCol_Border] = c(p.border);
  col[ImGuiCol_FrameBg] = c(p.panel);
  col[ImGuiCol_FrameBgHovered] = c(p.panel);
  col[ImGuiCol_FrameBgActive] = c(p.panel);
  // Keys: the face (Button), a pressed key (ButtonActive) and the accented
  // keys such as confirm (ButtonHovered, as touch has no hover).
  col[ImGuiCol_Button] = c(p.secondary);
  col[ImGuiCol_ButtonActive] = c(p.primary_hover);
  col[ImGuiCol_ButtonHovered] = c(p.primary);
  col[ImGuiCol_ScrollbarBg] = c(p.disabled_bg);
  col[ImGuiCol_ScrollbarGrab] = c(p.muted);
  col[ImGuiCol_ScrollbarGrabHovered] = c(p.text);
  col[ImGuiCol_ScrollbarGrabActive] = c(p.text);
  col[ImGuiCol_CheckMark] = c(p.primary);
  col[ImGuiCol_TextSelectedBg] = c(p.selected_border);
  col[ImGuiCol_NavHighlight] = c(p.selected_border);
}

}  // namespace kiosk::ui
