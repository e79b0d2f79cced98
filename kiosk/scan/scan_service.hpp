// Runs a ScanSource and the QR decoder on a background thread, at a bounded
// decode rate so the camera never starves the UI, and hands the main loop
// what it read. The UI thread only calls poll(), preview() and status()
// (all cheap, lock-protected copies); the worker never touches UI state.
//
//   ScanService scan(std::move(source));
//   scan.set_active(app.wants_camera());            // each frame
//   for (auto& c : scan.poll()) app.on_code_scanned(c.text, now_s);
//   if (scan.preview(img, seen_seq)) upload_texture(img.image);   // RGBA
//   show(scan.status());
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/base/text.hpp"
#include "kiosk/scan/codes.hpp"
#include "kiosk/scan/scan_source.hpp"

namespace kiosk::scan {

struct ScanServiceOptions {
  double max_decodes_per_s = 8.0;  // decoder duty cycle bound
  double dedupe_window_s = 3.0;    // the same text again within this: dropped
  int preview_max_width = 640;
  int preview_max_height = 480;
  double preview_max_fps = 15.0;
  double reopen_after_s = 3.0;     // retry a camera that went away
  DecodeOptions decode;            // QR only by default
  size_t max_queue = 16;           // codes not yet polled; oldest dropped beyond
};

struct ScannedCode {
  std::string text;
  double t_s = 0;  // steady clock seconds, when decoded
};

enum class ScanState {
  Off,       // not active (the current screen does not want the camera)
  NoCamera,  // source "none", or the camera is absent: use the scanner
  Starting,
  Running,
  Failed,    // the camera failed; retried every reopen_after_s
};

struct ScanStatus {
  ScanState state = ScanState::Off;
  std::string source;       // describe() of the source
  std::string error_code;   // last Error.code, if any
  uint64_t frames = 0;      // frames taken from the source
  uint64_t decodes = 0;     // decoder runs
  uint64_t codes = 0;       // codes posted (after de-duplication)
  double last_decode_ms = 0;
  // Plain words for the scan screen (assets/strings/scan.json).
  const Text& message() const;
};

struct PreviewImage {
  Image image;            // RGBA, at most preview_max_width x preview_max_height
  uint64_t sequence = 0;  // grows with every new preview
};

class ScanService {
 public:
  explicit ScanService(std::unique_ptr<ScanSource> source, ScanServiceOptions options = {});
  ~ScanService();  // stops and joins the worker
  ScanService(const ScanService&) = delete;
  ScanService& operator=(const ScanService&) = delete;

  // Starts or pauses the camera (the device is closed while inactive, so
  // its light goes off). Cheap; call every frame with app.wants_camera().
  void set_active(bool active);
  bool active() const { return active_.load(); }

  // Codes read since the last poll, oldest first, de-duplicated.
  std::vector<ScannedCode> poll();
  // Copies the latest preview into `out` if it is newer than
  // `after_sequence`; returns whether it did.
  bool preview(PreviewImage& out, uint64_t after_sequence) const;
  ScanStatus status() const;
  // Forget the de-duplication memory (new session: the next person may show
  // the same ticket again at once).
  void reset_dedupe();

 private:
  void run();
  void post(std::string text, double t_s);

  std::unique_ptr<ScanSource> source_;
  ScanServiceOptions opt_;
  std::atomic<bool> active_{false};
  std::atomic<bool> quit_{false};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ScannedCode> queue_;
  std::vector<ScannedCode> recent_;  // for de-duplication
  PreviewImage preview_;
  ScanStatus status_;
  std::thread worker_;
};

}  // namespace kiosk::scan
