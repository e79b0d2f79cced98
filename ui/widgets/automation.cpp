// Test automation: the tappable rectangles of the last drawn frame, written
// as JSON for the Xvfb end-to-end tests. Disabled (and free) in production.
#include "ui/widgets/automation.hpp"

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

namespace kiosk::ui::automation {
namespace {

struct Registry {
  bool enabled = false;
  std::vector<Target> building;   // targets reported during the current frame
  std::vector<Target> last;       // the last completed frame
  std::string last_screen;
  std::string written;            // JSON text last written to disk
};

Registry& reg() {
  static Registry r;
  return r;
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
  r.last.swap(r.building);
  r.building.clear();
  r.last_screen = screen;
}

const std::vector<Target>& targets() { return reg().last; }
const std::string& screen() { return reg().last_screen; }

void write_json_if_changed(const std::string& path) {
  Registry& r = reg();
  if (!r.enabled || path.empty()) return;
  nlohmann::json j;
  j["screen"] = r.last_screen;
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
