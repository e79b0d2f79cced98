// Where frames come from: a V4L2 camera (what SDL2 lacks), a folder of
// images (demos and tests), or nothing. Chosen by a spec string, as given
// to --scan-source or config.json "scan_source":
//
//   "v4l2:/dev/video0"  that camera (YUYV preferred, MJPEG accepted), mmap streaming
//   "images:DIR"        the PNG/JPEG files of DIR in name order, cycling
//   "none"              no camera: the scanner (HID wedge) still works
//   "" or "auto"        the first V4L2 capture device, else none
//
// A missing camera is a normal state, not an error for the kiosk: the scan
// screen says to use the scanner.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/expected.hpp"
#include "kiosk/scan/frame.hpp"

namespace kiosk::scan {

// A frame the source lends until its next next_frame() call.
struct SourceFrame {
  FrameView view;
  uint64_t sequence = 0;
};

class ScanSource {
 public:
  virtual ~ScanSource() = default;
  // "v4l2:/dev/video0 640x480 YUYV", "images:/x (12 files)", "none": no personal data.
  virtual std::string describe() const = 0;
  // Opens the device / lists the folder. Errors: "camera_absent" (no such
  // device, or not a capture device), "camera_busy", "camera_failed",
  // "no_images". A source may be opened again after close().
  virtual Status open() = 0;
  virtual void close() = 0;
  // Waits up to timeout_ms for the next frame. Ok(false): none yet (try
  // again). An Error means the device went away: close() and open() later.
  virtual Expected<bool> next_frame(SourceFrame& out, int timeout_ms) = 0;
  // True for a source with nothing to give ("none").
  virtual bool is_none() const { return false; }
};

// Error "bad_scan_source" for a spec it does not understand. Opening is
// left to the caller (ScanService does it on its thread).
Expected<std::unique_ptr<ScanSource>> make_scan_source(std::string_view spec);

std::unique_ptr<ScanSource> make_none_source();
// Every image of `dir` (.png .jpg .jpeg .bmp .pgm .ppm), name order, each
// shown for `frame_interval_ms` (default: as fast as asked).
std::unique_ptr<ScanSource> make_image_folder_source(const std::string& dir, int frame_interval_ms = 0);

struct V4l2Options {
  int width = 640;   // asked for; the driver may give another size
  int height = 480;
  int fps = 15;
};
std::unique_ptr<ScanSource> make_v4l2_source(const std::string& device, V4l2Options options = {});
// /dev/video* nodes that are video capture devices.
std::vector<std::string> list_v4l2_capture_devices();

}  // namespace kiosk::scan
