// Test automation: the tappable rectangles of the last drawn frame, written
// as JSON for the Xvfb end-to-end tests, with the frame's number, arming and
// the last tap, so a test waits on what the kiosk did instead of pausing.
// Disabled (and free) in production.
#include "ui/widgets/automation.hpp"

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "imgui.h"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui::automation {
namespace {

struct Registry {
  bool enabled = false;
  std::vector<Target> building;   // targets reported during the current frame
  std::vector<Target> last;       // the last completed frame
  std::string last_screen;
  uint64_t frame = 0;
  uint64_t changed = 0;           // the frame that last differed from its predecessor
  bool armed = false;
  uint64_t taps = 0;
  Tap tap;
  std::string written;            // JSON text last written to disk
};

Registry& reg() {
  static Registry r;
  return r;
}

// Whole pixels, as written: a sub-pixel move is not a layout change.
bool same_place(const Target& a, const Target& b) {
  return a.id == b.id && a.tappable == b.tappable && static_cast<int>(a.x) == static_cast<int>(b.x) &&
         static_cast<int>(a.y) == static_cast<int>(b.y) && static_cast<int>(a.w) == static_cast<int>(b.w) &&
         static_cast<int>(a.h) == static_cast<int>(b.h);
}

bool same_layout(const std::vector<Target>& a, const std::vector<Target>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!same_place(a[i], b[i])) return false;
  return true;
}

bool inside(const Target& t, ImVec2 p) {
  return p.x >= t.x && p.y >= t.y && p.x < t.x + t.w && p.y < t.y + t.h;
}

// The release of this frame, if any: the widgets' own test (press and
// release on the same target, no drag past the slop) on this frame's
// targets; the one reported last is drawn on top.
void note_release(Registry& r) {
  if (!ImGui::GetCurrentContext()) return;
  const ImGuiIO& io = ImGui::GetIO();
  if (!io.MouseReleased[0]) return;
  ++r.taps;
  r.tap = Tap{r.frame, r.armed, {}};
  const float slop = px(kDragSlopPx);
  if (io.MouseDragMaxDistanceSqr[0] >= slop * slop) return;
  for (auto it = r.building.rbegin(); it != r.building.rend(); ++it) {
    if (!it->tappable) continue;
    if (inside(*it, io.MousePos) && inside(*it, io.MouseClickedPos[0])) {
      r.tap.on = it->id;
      return;
    }
  }
}

}  // namespace

void set_enabled(bool on) {
  reg().enabled = on;
  if (!on) {
    reg().building.clear();
  }
}

bool enabled() { return reg().enabled; }

void report(const std::string& id, float x, float y, float w, float h) {
  if (!reg().enabled) return;
  reg().building.push_back(Target{id, x, y, w, h, {}, true});
}

void report_shown(const std::string& id, float x, float y, float w, float h) {
  if (!reg().enabled) return;
  reg().building.push_back(Target{id, x, y, w, h, {}, false});
}

void label_last(const std::string& label) {
  if (!reg().enabled || reg().building.empty()) return;
  reg().building.back().label = label;
}

void end_frame(const std::string& screen) {
  Registry& r = reg();
  if (!r.enabled) return;
  ++r.frame;
  r.armed = wctx().armed;
  note_release(r);
  if (screen != r.last_screen || !same_layout(r.building, r.last)) r.changed = r.frame;
  r.last.swap(r.building);
  r.building.clear();
  r.last_screen = screen;
}

const std::vector<Target>& targets() { return reg().last; }
const std::string& screen() { return reg().last_screen; }
uint64_t frame() { return reg().frame; }
uint64_t taps() { return reg().taps; }

void write_json_if_changed(const std::string& path) {
  Registry& r = reg();
  if (!r.enabled || path.empty()) return;
  nlohmann::json j;
  j["screen"] = r.last_screen;
  j["frame"] = r.frame;
  j["changed"] = r.changed;
  j["armed"] = r.armed;
  j["taps"] = r.taps;
  j["tap"] = {{"frame", r.tap.frame}, {"armed", r.tap.armed}, {"on", r.tap.on}};
  nlohmann::json arr = nlohmann::json::array();
  for (const Target& t : r.last) {
    // Whole pixels: a sub-pixel change is not a change worth a file write.
    // No label: it can be personal data (see automation.hpp).
    arr.push_back({{"id", t.id},
                   {"x", static_cast<int>(t.x)},
                   {"y", static_cast<int>(t.y)},
                   {"w", static_cast<int>(t.w)},
                   {"h", static_cast<int>(t.h)},
                   {"tap", t.tappable}});
  }
  j["targets"] = std::move(arr);
  std::string text = j.dump();
  if (text == r.written) return;
  // Written beside the target then renamed, so a reader never sees half a file.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out << text;
    if (!out.good()) return;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return;
  r.written = std::move(text);
}

}  // namespace kiosk::ui::automation
