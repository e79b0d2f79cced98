// Attract screen: the notices in turn, in both languages (the worker has not
// chosen one yet); a touch anywhere starts.
#include <cmath>

#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

Intent draw_attract(const ScreenView& v) {
  Intent in;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  ImGui::SetCursorScreenPos(ImVec2(0, 0));
  // The whole screen is the start button.
  if (ImGui::InvisibleButton("##attract", ds) && wctx().armed) take(in, {IntentKind::Start});
  report_last_item("attract.start");

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float band = px(220);
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(ds.x, band), p.header_bg);
  const float margin = std::max(px(64), ds.x * 0.06f);
  const float width = ds.x - 2 * margin;
  ImGui::SetCursorScreenPos(ImVec2(margin, px(40)));
  wrapped_text(tr("ui.attract.title").zh, kTitlePx, p.header_text, width);
  wrapped_text(tr("ui.attract.title").en, kHeadingPx * 0.8f, p.header_text, width);

  float y = band + px(60);
  if (v.notices && !v.notices->empty()) {
    const double shown_for = v.now_s - v.s.screen_entered_s;
    const size_t n = v.notices->size();
    const size_t i = static_cast<size_t>(std::floor(std::max(0.0, shown_for) / 8.0)) % n;
    const Notice& notice = (*v.notices)[i];
    ImGui::SetCursorScreenPos(ImVec2(margin, y));
    ImGui::BeginGroup();
    wrapped_text(notice.title.zh, kHeadingPx, p.text, width);
    wrapped_text(notice.body.zh, kBodyPx, p.text, width);
    ImGui::Dummy(ImVec2(1, px(20)));
    wrapped_text(notice.title.en, kBodyPx, p.muted, width);
    wrapped_text(notice.body.en, kSmallPx, p.muted, width);
    ImGui::EndGroup();
    if (n > 1) {
      // Which notice of how many: dots, plus "2 / 3" in words.
      const std::string pos = std::to_string(i + 1) + " / " + std::to_string(n);
      text_at(ImVec2(margin, ImGui::GetItemRectMax().y + px(20)), pos, kSmallPx, p.muted);
    }
  }

  // The call to action, large, at the bottom.
  const float cta_h = px(200);
  const ImVec2 cmin(margin, ds.y - cta_h - px(60));
  const ImVec2 cmax(ds.x - margin, ds.y - px(60));
  dl->AddRectFilled(cmin, cmax, p.primary, px(24));
  const std::string& zh = tr("ui.attract.touch").zh;
  const std::string& en = tr("ui.attract.touch").en;
  const ImVec2 ez = text_extent(zh, kTitlePx);
  const ImVec2 ee = text_extent(en, kBodyPx);
  const float total = ez.y + px(16) + ee.y;
  const float ty = (cmin.y + cmax.y - total) * 0.5f;
  text_at(ImVec2((ds.x - ez.x) * 0.5f, ty), zh, kTitlePx, p.primary_text);
  text_at(ImVec2((ds.x - ee.x) * 0.5f, ty + ez.y + px(16)), en, kBodyPx, p.primary_text);
  return in;
}

}  // namespace kiosk::ui
