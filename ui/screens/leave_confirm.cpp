// "Leave this form?": Home asked for with answers entered. Leaving clears
// them (the next person must not find them); staying goes back to the form.
// Drawn in place of the form, as the idle prompt is.
#include <algorithm>

#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

Event draw_leave_confirm(const ScreenView& v) {
  Event in;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  const float margin = std::max(px(64), ds.x * 0.1f);
  const float width = ds.x - 2 * margin;
  ImGui::SetCursorScreenPos(ImVec2(margin, ds.y * 0.16f));
  ImGui::BeginGroup();
  wrapped_text(T(v, "ui.leave.title"), kTitlePx, p.text, width);
  ImGui::Dummy(ImVec2(1, px(24)));
  wrapped_text(T(v, "ui.leave.body"), kHeadingPx * 0.8f, p.text, width);
  ImGui::Dummy(ImVec2(1, px(48)));
  ImGui::EndGroup();
  const float bw = std::min(px(640), (width - px(40)) * 0.5f);
  const float by = ImGui::GetItemRectMax().y + px(20);
  ImGui::SetCursorScreenPos(ImVec2(ds.x * 0.5f - bw - px(20), by));
  if (big_button("leave.confirm", T(v, "ui.leave.confirm"), ImVec2(bw, px(130)), ButtonKind::Secondary))
    take(in, ev::LeaveService{});
  ImGui::SetCursorScreenPos(ImVec2(ds.x * 0.5f + px(20), by));
  if (big_button("leave.stay", T(v, "ui.leave.stay"), ImVec2(bw, px(130))))
    take(in, ev::StayInService{});
  return in;
}

}  // namespace kiosk::ui
