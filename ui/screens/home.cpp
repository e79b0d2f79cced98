// Home: the four services as large tiles; beside them scan member card,
// check my request, language and large text / high contrast.
#include <algorithm>

#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {
namespace {

ImU32 accent_for(const std::string& icon, size_t i) {
  // Dark enough accents to read as bands on white; meaning is in the words.
  static const ImU32 accents[] = {IM_COL32(0x1F, 0x4E, 0x9C, 0xFF), IM_COL32(0xB4, 0x5A, 0x00, 0xFF),
                                  IM_COL32(0xA3, 0x1F, 0x6B, 0xFF), IM_COL32(0x1E, 0x6B, 0x34, 0xFF)};
  (void)icon;
  return accents[i % 4];
}

// The member's name with all but the first character hidden: others
// standing nearby need not read it.
std::string masked_name(const std::string& name) {
  if (name.empty()) return name;
  size_t first = 1;
  const unsigned char c = static_cast<unsigned char>(name[0]);
  if (c >= 0xF0) first = 4;
  else if (c >= 0xE0) first = 3;
  else if (c >= 0xC0) first = 2;
  return name.substr(0, std::min(first, name.size())) + "**";
}

}  // namespace

Event draw_home(const ScreenView& v) {
  Event in;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  take(in, draw_top_bar(v, T(v, "ui.home.title"), false));
  // Done here: everything of this person is cleared, as the idle wipe does.
  {
    const ImVec2 size(px(300), px(64));
    ImGui::SetCursorScreenPos(ImVec2(ds.x - size.x - px(32), px(48)));
    if (big_button("home.finish", T(v, "ui.home.finish"), size, ButtonKind::Secondary))
      take(in, ev::EndSession{});
  }
  const float top = px(120);
  const float margin = px(40);
  const bool landscape = ds.x >= ds.y;
  const float side_w = landscape ? std::max(px(420), ds.x * 0.27f) : ds.x - 2 * margin;
  const float tiles_w = landscape ? ds.x - side_w - 3 * margin : ds.x - 2 * margin;

  ImGui::SetCursorScreenPos(ImVec2(margin, top + px(24)));
  wrapped_text(T(v, "ui.home.choose"), kHeadingPx, p.text, tiles_w);
  const float grid_top = ImGui::GetCursorScreenPos().y + px(8);
  const float gap = px(28);
  // Portrait: the rows under the tiles, one line more for a member signed in.
  const float side_h_portrait = px(560) + (v.s.card.member ? px(48) : 0.0f);
  const float grid_bottom = landscape ? ds.y - margin : ds.y - side_h_portrait - margin;
  const size_t n = v.content.services.size();
  const int cols = 2;
  const int rows = static_cast<int>((n + cols - 1) / cols);
  const float tw = (tiles_w - gap * (cols - 1)) / cols;
  const float th = rows > 0 ? (grid_bottom - grid_top - gap * (rows - 1)) / rows : 0;
  for (size_t i = 0; i < n; ++i) {
    const Service& sv = v.content.services[i];
    const int r = static_cast<int>(i) / cols, c = static_cast<int>(i) % cols;
    ImGui::SetCursorScreenPos(ImVec2(margin + c * (tw + gap), grid_top + r * (th + gap)));
    std::string summary = L(v, sv.summary);
    if (sv.policy.members_only) summary = T(v, "ui.home.members_only") + "\n" + summary;
    if (tile("home.service." + sv.id, L(v, sv.name), summary, ImVec2(tw, th),
             accent_for(sv.icon, i)))
      take(in, ev::OpenService{sv.id});
  }

  // Side column (landscape) or the rows under the tiles (portrait).
  float x = landscape ? ds.x - side_w - margin : margin;
  float y = landscape ? top + px(32) : grid_bottom + gap;
  const float bh = px(88);
  const float bgap = px(14);
  auto place = [&](float w) {
    ImGui::SetCursorScreenPos(ImVec2(x, y));
    (void)w;
  };
  if (v.s.card.member) {
    // Who is signed in, said as a statement, and a plain way out beside it.
    place(side_w);
    wrapped_text(fill(T(v, "ui.home.member_verified"), {{"name", masked_name(v.s.card.member->name)}}),
                 kBodyPx, p.ok_text, side_w);
    y = ImGui::GetCursorScreenPos().y + px(4);
    place(side_w);
    if (big_button("home.forget_card", T(v, "ui.home.forget_card"), ImVec2(side_w, bh), ButtonKind::Secondary))
      take(in, ev::ForgetCard{});
  } else {
    place(side_w);
    if (big_button("home.scan_card", T(v, "ui.home.scan_card"), ImVec2(side_w, bh)))
      take(in, ev::ScanCard{});
  }
  y += bh + bgap;
  place(side_w);
  if (big_button("home.check_request", T(v, "ui.home.check_request"), ImVec2(side_w, bh)))
    take(in, ev::OpenCheckRequest{});
  y += bh + bgap * 1.5f;

  // Language: both names always in their own language, the chosen one ticked.
  place(side_w);
  wrapped_text(tr("ui.home.language").zh + " / " + tr("ui.home.language").en, kSmallPx, p.muted,
               side_w);
  y = ImGui::GetCursorScreenPos().y;
  const float half = (side_w - bgap) * 0.5f;
  place(half);
  if (option_box("home.lang.zh", tr("ui.lang.zh").zh, v.lang() == Lang::Zh, ImVec2(half, bh)))
    take(in, ev::SetLang{Lang::Zh});
  ImGui::SetCursorScreenPos(ImVec2(x + half + bgap, y));
  if (option_box("home.lang.en", tr("ui.lang.en").en, v.lang() == Lang::En, ImVec2(half, bh)))
    take(in, ev::SetLang{Lang::En});
  y += bh + bgap;
  place(side_w);
  if (option_box("home.large_text", T(v, "ui.home.large_text"), v.s.large_text,
                 ImVec2(side_w, bh)))
    take(in, ev::ToggleLargeText{});
  y += bh + bgap;
  place(side_w);
  if (option_box("home.contrast", T(v, "ui.home.high_contrast"), v.s.high_contrast,
                 ImVec2(side_w, bh)))
    take(in, ev::ToggleContrast{});
  return in;
}

}  // namespace kiosk::ui
