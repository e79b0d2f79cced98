// Parts every screen shares: the top bar, the status corner and the fixed
// back/next bar at the bottom.
#include "imgui.h"
#include "ui/screens/screens.hpp"
#include "ui/widgets/automation.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui {

float nav_bar_height() { return px(140); }
static float top_bar_height() { return px(120); }

Event draw_top_bar(const ScreenView& v, const std::string& title, bool show_home) {
  Event in;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(ds.x, top_bar_height()), p.header_bg);
  float x = px(32);
  if (show_home) {
    ImGui::SetCursorScreenPos(ImVec2(x, px(20)));
    if (big_button("nav.home", T(v, "ui.nav.home"), ImVec2(px(220), px(80)), ButtonKind::Secondary))
      take(in, ev::GoHome{});
    x += px(220) + px(32);
  }
  const ImVec2 ext = text_extent(title, kHeadingPx);
  text_at(ImVec2(x, (top_bar_height() - ext.y) * 0.5f), title, kHeadingPx, p.header_text);
  return in;
}

static std::string status_words(const ScreenView& v) {
  const bool online = v.sync.hub_configured && v.sync.online;
  std::string words = online ? T(v, "ui.status.online") : T(v, "ui.status.offline");
  if (v.sync.waiting > 0)
    words += "  " + fill(T(v, "ui.status.waiting"), {{"n", std::to_string(v.sync.waiting)}});
  return words;
}

Event draw_status_corner(const ScreenView& v) {
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  const bool online = v.sync.hub_configured && v.sync.online;
  const std::string words = status_words(v);
  const ImVec2 ext = text_extent(words, kSmallPx);
  const float dot = px(10);
  const ImVec2 pos(ds.x - ext.x - px(32), px(8));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // Shape differs too (filled vs. ring), not colour alone.
  const ImVec2 c(pos.x - dot - px(10), pos.y + ext.y * 0.5f);
  if (online)
    dl->AddCircleFilled(c, dot, p.header_text);
  else
    dl->AddCircle(c, dot, p.header_text, 0, px(3));
  text_at(pos, words, kSmallPx, p.header_text);
  // Not tappable: reported so that an end-to-end test can read the state
  // (online or not, how many wait) as a worker reads the corner.
  if (automation::enabled())
    automation::report_shown(std::string(online ? "status.online" : "status.offline") +
                                 ".waiting." + std::to_string(v.sync.waiting),
                             c.x - dot, pos.y, ds.x - (c.x - dot), ext.y);
  return {};
}

void draw_demo_badge(const ScreenView& v) {
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  const std::string& words = T(v, "ui.demo.badge");
  const ImVec2 ext = text_extent(words, kSmallPx);
  const float pad = px(6);
  // On the top bar's first line, left of the status corner: above the title
  // (centred lower in the bar), clear of the home button and the content.
  const float corner = text_extent(status_words(v), kSmallPx).x + px(32) + px(20) + px(10) * 2;
  const ImVec2 a(ds.x - corner - px(24) - ext.x - 2 * pad, px(2));
  const ImVec2 b(a.x + ext.x + 2 * pad, a.y + ext.y + 2 * pad);
  // Drawn last in the frame's window, so over whatever the screen drew.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(a, b, p.error_bg, px(8));
  dl->AddRect(a, b, p.error_text, px(8), 0, px(3));
  text_at(ImVec2(a.x + pad, a.y + pad), words, kSmallPx, p.error_text);
  if (automation::enabled()) automation::report_shown("status.demo", a.x, a.y, b.x - a.x, b.y - a.y);
}

Event draw_nav_bar(const ScreenView& v, const std::string& next_label, bool next_enabled,
                   const std::string& next_id, Event on_next) {
  Event in;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  const Palette& p = pal();
  const float h = nav_bar_height();
  const float y0 = ds.y - h;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(ImVec2(0, y0), ImVec2(ds.x, ds.y), p.panel);
  dl->AddLine(ImVec2(0, y0), ImVec2(ds.x, y0), p.border, px(2));
  const float bh = h - px(40);
  const float bw = std::min(px(380), ds.x * 0.4f);
  ImGui::SetCursorScreenPos(ImVec2(px(40), y0 + px(20)));
  if (big_button("form.back", T(v, "ui.nav.back"), ImVec2(bw, bh), ButtonKind::Secondary))
    take(in, ev::Back{});
  if (!next_label.empty()) {
    ImGui::SetCursorScreenPos(ImVec2(ds.x - px(40) - bw, y0 + px(20)));
    if (big_button(next_id, next_label, ImVec2(bw, bh), ButtonKind::Primary, next_enabled))
      take(in, std::move(on_next));
  }
  return in;
}

}  // namespace kiosk::ui
