#include "ui/platform/frame_stats.hpp"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace kiosk::ui {

namespace {
constexpr size_t kRecent = 512;

double percentile(std::vector<float> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}
}  // namespace

void FrameStats::frame(double frame_ms, double) {
  ++frames_;
  max_ms_ = std::max(max_ms_, frame_ms);
  if (recent_ms_.size() < kRecent) {
    recent_ms_.push_back(static_cast<float>(frame_ms));
  } else {
    recent_ms_[recent_next_] = static_cast<float>(frame_ms);
    recent_next_ = (recent_next_ + 1) % kRecent;
  }
}

void FrameStats::ui_part(double ui_ms) {
  if (recent_ui_ms_.size() < kRecent) {
    recent_ui_ms_.push_back(static_cast<float>(ui_ms));
  } else {
    recent_ui_ms_[recent_ui_next_] = static_cast<float>(ui_ms);
    recent_ui_next_ = (recent_ui_next_ + 1) % kRecent;
  }
}

void FrameStats::first_frame_swapped(double unix_s, double since_start_ms) {
  first_frame_unix_s_ = unix_s;
  first_frame_since_start_ms_ = since_start_ms;
}

std::string FrameStats::json() const {
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(3);
  o << "{\"frames\": " << frames_ << ", \"wakeups\": " << wakeups_
    << ", \"first_frame_unix_s\": " << first_frame_unix_s_
    << ", \"first_frame_since_start_ms\": " << first_frame_since_start_ms_
    << ", \"frame_ms_p50\": " << percentile(recent_ms_, 0.5)
    << ", \"frame_ms_p95\": " << percentile(recent_ms_, 0.95)
    << ", \"frame_ms_max\": " << max_ms_
    << ", \"ui_ms_p50\": " << percentile(recent_ui_ms_, 0.5)
    << ", \"ui_ms_p95\": " << percentile(recent_ui_ms_, 0.95)
    << ", \"recent_frames\": " << recent_ms_.size();
  // The last frames in order, total and UI-building part, for benchmarks
  // that look at exactly the frames of one interaction.
  auto last = [&](const char* name, const std::vector<float>& ring, size_t next) {
    o << ", \"" << name << "\": [";
    const size_t n = ring.size();
    const size_t count = std::min<size_t>(n, 128);
    for (size_t k = 0; k < count; ++k) {
      size_t i = n < kRecent ? n - count + k : (next + kRecent - count + k) % kRecent;
      o << (k ? ", " : "") << ring[i];
    }
    o << "]";
  };
  last("last_frame_ms", recent_ms_, recent_next_);
  last("last_ui_ms", recent_ui_ms_, recent_ui_next_);
  o << "}\n";
  return o.str();
}

void FrameStats::flush() {
  if (path_.empty() || written_frames_ == frames_) return;
  written_frames_ = frames_;
  std::string tmp = path_ + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) return;
    f << json();
  }
  std::rename(tmp.c_str(), path_.c_str());
}

double ms_since_process_start() {
  std::ifstream f("/proc/self/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t rp = s.rfind(')');
  if (rp == std::string::npos) return -1;
  std::istringstream in(s.substr(rp + 2));
  std::string field;
  // Fields after the command: state is field 3; starttime is field 22.
  unsigned long long start_ticks = 0;
  for (int i = 3; i <= 22 && in >> field; ++i)
    if (i == 22) start_ticks = std::stoull(field);
  long hz = sysconf(_SC_CLK_TCK);
  if (hz <= 0) return -1;
  timespec boot{};
  clock_gettime(CLOCK_BOOTTIME, &boot);
  double now_ms = boot.tv_sec * 1000.0 + boot.tv_nsec / 1e6;
  return now_ms - static_cast<double>(start_ticks) * 1000.0 / static_cast<double>(hz);
}

}  // namespace kiosk::ui
