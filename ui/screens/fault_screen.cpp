#include "ui/screens/fault_screen.hpp"

#include <imgui.h>

#include "kiosk/base/strings.hpp"
#include "ui/widgets/automation.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

void draw_fault_screen(const std::string& title_key, const std::string& body_key,
                       const std::string& code) {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("fault", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  // Drawn with the widgets' text, which breaks Chinese lines too (ImGui's own
  // wrapping breaks only at spaces) and is captured for the tests.
  const Palette& p = pal();
  ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(0, 0), io.DisplaySize, p.bg);
  const float margin = io.DisplaySize.x * 0.08f;
  const float wrap = io.DisplaySize.x - 2 * margin;
  ImGui::SetCursorPos(ImVec2(margin, io.DisplaySize.y * 0.15f));
  const Text& title = kiosk::tr(title_key);
  const Text& body = kiosk::tr(body_key);
  const auto line = [&](const std::string& text, float size, ImU32 color, float gap_after) {
    ImGui::SetCursorPosX(margin);
    wrapped_text(text, size, color, wrap);
    ImGui::Dummy(ImVec2(1, px(gap_after)));
  };
  line(title.zh, kTitlePx, p.text, 4);
  line(title.en, kHeadingPx, p.text, 40);
  line(body.zh, kBodyPx, p.text, 12);
  line(body.en, kBodyPx, p.text, 40);
  const Text& code_label = kiosk::tr("platform.store_damaged.code");
  line(code_label.zh + " / " + code_label.en + ": " + code, kSmallPx, p.muted, 0);
  ImGui::End();
  automation::end_frame("fault");
}

}  // namespace kiosk::ui
