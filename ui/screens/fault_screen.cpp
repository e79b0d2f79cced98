#include "ui/screens/fault_screen.hpp"

#include <imgui.h>

#include "kiosk/base/strings.hpp"
#include "ui/text/font_roles.hpp"
#include "ui/widgets/automation.hpp"

namespace kiosk::ui {

void draw_fault_screen(const std::string& title_key, const std::string& body_key,
                       const std::string& code) {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("fault", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  const float margin = io.DisplaySize.x * 0.08f;
  const float wrap = io.DisplaySize.x - 2 * margin;
  ImGui::SetCursorPos(ImVec2(margin, io.DisplaySize.y * 0.18f));
  const Text& title = kiosk::tr(title_key);
  const Text& body = kiosk::tr(body_key);
  ImGui::PushTextWrapPos(margin + wrap);
  ImGui::PushFont(ui_font(FontRole::Title));
  ImGui::SetCursorPosX(margin);
  ImGui::TextUnformatted(title.zh.c_str());
  ImGui::PopFont();
  ImGui::PushFont(ui_font(FontRole::Heading));
  ImGui::SetCursorPosX(margin);
  ImGui::TextUnformatted(title.en.c_str());
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(1, 40));
  ImGui::SetCursorPosX(margin);
  ImGui::TextUnformatted(body.zh.c_str());
  ImGui::Dummy(ImVec2(1, 12));
  ImGui::SetCursorPosX(margin);
  ImGui::TextUnformatted(body.en.c_str());
  ImGui::Dummy(ImVec2(1, 40));
  ImGui::SetCursorPosX(margin);
  const Text& code_label = kiosk::tr("platform.store_damaged.code");
  ImGui::TextDisabled("%s / %s: %s", code_label.zh.c_str(), code_label.en.c_str(), code.c_str());
  ImGui::PopTextWrapPos();
  ImGui::End();
  automation::end_frame("fault");
}

}  // namespace kiosk::ui
