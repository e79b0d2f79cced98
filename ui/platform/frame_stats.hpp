// Frame accounting for the cost-at-rest benchmark: frames drawn, loop
// wake-ups, frame times, and when the first frame reached the screen.
// Written as JSON to --stats-file when a burst of frames ends (never from
// a timer, so an idle kiosk writes nothing either).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace kiosk::ui {

class FrameStats {
 public:
  explicit FrameStats(std::string path) : path_(std::move(path)) {}
  // A frame drawn: CPU time from input processing to swap, in ms.
  void frame(double frame_ms, double now_s);
  // The part of the last frame spent building the UI (the rest: GL + swap).
  void ui_part(double ui_ms);
  void wakeup() { ++wakeups_; }
  void first_frame_swapped(double unix_s, double since_start_ms);
  // Writes the file if anything changed since the last write.
  void flush();
  uint64_t frames() const { return frames_; }
  std::string json() const;

 private:
  std::string path_;
  uint64_t frames_ = 0;
  uint64_t wakeups_ = 0;
  uint64_t written_frames_ = ~uint64_t{0};
  double first_frame_unix_s_ = 0;
  double first_frame_since_start_ms_ = 0;
  std::vector<float> recent_ms_;  // ring of the last frame times
  size_t recent_next_ = 0;
  double max_ms_ = 0;
  std::vector<float> recent_ui_ms_;
  size_t recent_ui_next_ = 0;
};

// Milliseconds since this process was started (from /proc/self/stat), or
// a negative value if unknown.
double ms_since_process_start();

}  // namespace kiosk::ui
