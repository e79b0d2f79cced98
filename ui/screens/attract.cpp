// Attract screen: the notices in turn, in both languages (the worker has not
// chosen one yet); a touch anywhere starts.
#include <algorithm>
#include <cmath>

#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

Event draw_attract(const ScreenView& v) {
  Event in;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  ImGui::SetCursorScreenPos(ImVec2(0, 0));
  // The whole screen is the start button.
  if (ImGui::InvisibleButton("##attract", ds) && wctx().armed) take(in, ev::Start{});
  report_last_item("attract.start");

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float band = px(220);
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(ds.x, band), p.header_bg);
  const float margin = std::max(px(64), ds.x * 0.06f);
  const float width = ds.x - 2 * margin;
  ImGui::SetCursorScreenPos(ImVec2(margin, px(40)));
  wrapped_text(tr("ui.attract.title").zh, kTitlePx, p.header_text, width);
  wrapped_text(tr("ui.attract.title").en, kHeadingPx * 0.8f, p.header_text, width);

  // The call to action, large, at the bottom (a fifth of a short screen at most).
  const float cta_h = std::min(px(200), ds.y * 0.2f);
  const ImVec2 cmin(margin, ds.y - cta_h - px(60));
  const ImVec2 cmax(ds.x - margin, ds.y - px(60));

  const float y = band + px(60);
  if (v.notices && !v.notices->empty()) {
    const double shown_for = v.now_s - v.s.screen_entered_s;
    const size_t n = v.notices->size();
    const size_t i = static_cast<size_t>(std::floor(std::max(0.0, shown_for) / 8.0)) % n;
    const Notice& notice = *(*v.notices)[i];
    // What fits above the call to action (a 1366x768 or 1280x800 screen has
    // less room than 1080p): the English body goes first, then the English
    // title; whatever is left is clipped, never drawn over the button.
    const float room = cmin.y - px(30) - y;
    const float pos_h = n > 1 ? px(20) + px(kSmallPx) * kLineSpacing : 0.0f;
    const float zh_h = wrapped_height(notice.title.zh, kHeadingPx, width) +
                       wrapped_height(notice.body.zh, kBodyPx, width);
    const float en_title_h = px(20) + wrapped_height(notice.title.en, kBodyPx, width);
    const float en_body_h = wrapped_height(notice.body.en, kSmallPx, width);
    const bool show_en_title = zh_h + en_title_h + pos_h <= room;
    const bool show_en_body = show_en_title && zh_h + en_title_h + en_body_h + pos_h <= room;
    ImGui::PushClipRect(ImVec2(0, y), ImVec2(ds.x, cmin.y - px(10)), true);
    ImGui::SetCursorScreenPos(ImVec2(margin, y));
    ImGui::BeginGroup();
    wrapped_text(notice.title.zh, kHeadingPx, p.text, width);
    wrapped_text(notice.body.zh, kBodyPx, p.text, width);
    if (show_en_title) {
      ImGui::Dummy(ImVec2(1, px(20)));
      wrapped_text(notice.title.en, kBodyPx, p.muted, width);
    }
    if (show_en_body) wrapped_text(notice.body.en, kSmallPx, p.muted, width);
    ImGui::EndGroup();
    if (n > 1) {
      // Which notice of how many: dots, plus "2 / 3" in words.
      const std::string pos = std::to_string(i + 1) + " / " + std::to_string(n);
      text_at(ImVec2(margin, ImGui::GetItemRectMax().y + px(20)), pos, kSmallPx, p.muted);
    }
    ImGui::PopClipRect();
  }

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
