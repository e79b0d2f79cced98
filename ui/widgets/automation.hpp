// Test automation: widgets report where their tappable rectangles are, so an
// end-to-end test can tap them with real X events (xdotool). Off unless the
// kiosk was started with --automation-file PATH.
//
// Besides the targets, the file tells a driving test what it would otherwise
// have to guess with pauses:
//   "frame"   frames drawn so far (a fresh number means a fresh look);
//   "changed" the frame whose screen or targets last differed from the frame
//             before it: once "frame" > "changed", the layout has settled;
//   "armed"   whether the last frame took taps (a new screen ignores them
//             for a moment, so a double tap cannot act on it);
//   "taps"    pointer releases seen so far, and "tap" the last one: the
//             frame it was drawn in, whether that frame was armed, and the
//             id of the target under both the press and the release ("" for
//             a drag or a miss): the acknowledgement of a tap.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace kiosk::ui::automation {

struct Target {
  std::string id;     // stable id: "home.service.legal", "kbd.key.a", "form.next"
  float x = 0, y = 0, w = 0, h = 0;  // screen pixels
  // What the target shows when that is not in its id (a pinyin candidate):
  // kept in memory for in-process tests, never written to the file, since
  // it can be what a worker typed.
  std::string label;
  // False for what is only shown (the online corner, a request's state): a
  // test reads it, a finger has nothing to press there.
  bool tappable = true;
};

// The last pointer release the kiosk saw (see the file's "tap" above).
struct Tap {
  uint64_t frame = 0;
  bool armed = false;
  std::string on;
};

void set_enabled(bool on);
bool enabled();
// Called by widgets while drawing (cheap no-op when disabled).
void report(const std::string& id, float x, float y, float w, float h);
// Something shown, not tappable, whose id tells a test what the worker sees
// ("status.online.waiting.0", "check.state.handled"); never personal data.
void report_shown(const std::string& id, float x, float y, float w, float h);
// Sets the label of the target reported last.
void label_last(const std::string& label);
// Called by the loop after each frame: the screen's name and every target.
// Reads the frame's pointer release and arming from ImGui and the widgets.
void end_frame(const std::string& screen);
// The last frame's screen and targets; write_json() writes them to `path`
// atomically when they changed since the last write.
const std::vector<Target>& targets();
const std::string& screen();
uint64_t frame();
uint64_t taps();
void write_json_if_changed(const std::string& path);

}  // namespace kiosk::ui::automation
