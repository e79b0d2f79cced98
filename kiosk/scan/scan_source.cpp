// The sources without hardware: nothing, one still image, a folder of images.
#include "kiosk/scan/scan_source.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "kiosk/base/strings.hpp"

namespace kiosk::scan {
namespace {

namespace fs = std::filesystem;

Error source_error(ErrorKind kind, std::string detail) {
  return Error{kind, tr("scan." + to_string(kind)), "", std::move(detail)};
}

class NoneSource final : public ScanSource {
 public:
  std::string describe() const override { return "none"; }
  Status open() override { return source_error(ErrorKind::CameraAbsent, "scan source none"); }
  void close() override {}
  Expected<bool> next_frame(SourceFrame&, int timeout_ms) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::max(0, timeout_ms)));
    return false;
  }
  bool is_none() const override { return true; }
};

bool is_image_name(const fs::path& p) {
  auto e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return e == ".png" || e == ".jpg" || e == ".jpeg" || e == ".bmp" || e == ".pgm" || e == ".ppm";
}

// Cycles through the files, decoding each when its turn comes (a demo folder
// may hold many large photos: never all in memory at once). Files that fail
// to load are skipped, so a half-copied file cannot stop the demo. The
// folder is listed again at the start of every round: a picture dropped in
// (a card held up) shows within one round, a removed one stops showing.
class ImageFolderSource final : public ScanSource {
 public:
  ImageFolderSource(std::string dir, int interval_ms) : dir_(std::move(dir)), interval_ms_(interval_ms) {}
  std::string describe() const override {
    return "images:" + dir_ + " (" + std::to_string(files_.size()) + " files)";
  }
  Status open() override {
    auto st = list();
    if (!st) return st;
    next_ = 0;
    last_ = {};
    return ok_status();
  }
  void close() override { current_ = Image(); }
  Expected<bool> next_frame(SourceFrame& out, int timeout_ms) override {
    if (files_.empty()) return source_error(ErrorKind::NoImages, dir_);
    if (interval_ms_ > 0 && last_.time_since_epoch().count() != 0) {
      auto due = last_ + std::chrono::milliseconds(interval_ms_);
      auto now = std::chrono::steady_clock::now();
      if (due > now) {
        auto wait = std::min(due - now, std::chrono::steady_clock::duration(std::chrono::milliseconds(timeout_ms)));
        std::this_thread::sleep_for(wait);
        if (std::chrono::steady_clock::now() < due) return false;
      }
    }
    if (next_ == 0 && seq_ > 0) {
      auto st = list();
      if (!st) return st.error();
    }
    for (size_t tries = 0; tries < files_.size(); ++tries) {
      const auto& path = files_[next_];
      next_ = (next_ + 1) % files_.size();
      auto img = load_image_file(path);
      if (!img) continue;
      current_ = std::move(*img);
      last_ = std::chrono::steady_clock::now();
      out.view = current_.view();
      out.sequence = ++seq_;
      return true;
    }
    return source_error(ErrorKind::NoImages, dir_ + ": no file could be read");
  }

 private:
  Status list() {
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec) && is_image_name(it->path())) files.push_back(it->path().string());
    std::sort(files.begin(), files.end());
    files_ = std::move(files);
    if (ec && files_.empty()) return source_error(ErrorKind::NoImages, dir_ + ": " + ec.message());
    if (files_.empty()) return source_error(ErrorKind::NoImages, dir_ + ": no PNG/JPEG files");
    return ok_status();
  }

  std::string dir_;
  int interval_ms_;
  std::vector<std::string> files_;
  size_t next_ = 0;
  Image current_;
  uint64_t seq_ = 0;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

std::unique_ptr<ScanSource> make_none_source() { return std::make_unique<NoneSource>(); }

std::unique_ptr<ScanSource> make_image_folder_source(const std::string& dir, int frame_interval_ms) {
  return std::make_unique<ImageFolderSource>(dir, frame_interval_ms);
}

Expected<std::unique_ptr<ScanSource>> make_scan_source(std::string_view spec) {
  auto starts = [&](std::string_view p) { return spec.substr(0, p.size()) == p; };
  if (spec == "none") return make_none_source();
  if (spec.empty() || spec == "auto") {
    auto devices = list_v4l2_capture_devices();
    if (devices.empty()) return make_none_source();
    return make_v4l2_source(devices.front());
  }
  if (starts("v4l2:") && spec.size() > 5) return make_v4l2_source(std::string(spec.substr(5)));
  // A demo folder shows each image for a moment, like a card held up.
  if (starts("images:") && spec.size() > 7) return make_image_folder_source(std::string(spec.substr(7)), 250);
  return Error{ErrorKind::BadScanSource, tr("scan.bad_scan_source"), "scan_source",
               "expected v4l2:/dev/videoN, images:DIR, none or auto"};
}

}  // namespace kiosk::scan
