#include "kiosk/scan/scan_service.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "kiosk/base/clock.hpp"
#include "kiosk/base/strings.hpp"

namespace kiosk::scan {
namespace {


// A source with nothing to open is shown as "no camera", not as a fault.
bool no_camera(ErrorKind kind) { return kind == ErrorKind::CameraAbsent || kind == ErrorKind::NoImages; }

}  // namespace

const Text& ScanStatus::message() const {
  switch (state) {
    case ScanState::Off: return tr("scan.state.off");
    case ScanState::NoCamera: return tr("scan.state.no_camera");
    case ScanState::Starting: return tr("scan.state.starting");
    case ScanState::Running: return tr("scan.state.running");
    case ScanState::Failed: return tr("scan.state.failed");
  }
  return tr("scan.state.off");
}

ScanService::ScanService(std::unique_ptr<ScanSource> source, ScanServiceOptions options)
    : source_(source ? std::move(source) : make_none_source()), opt_(options) {
  opt_.max_decodes_per_s = std::clamp(opt_.max_decodes_per_s, 0.1, 120.0);
  opt_.preview_max_fps = std::clamp(opt_.preview_max_fps, 0.1, 60.0);
  status_.source = source_->describe();
  status_.state = ScanState::Off;
  worker_ = std::thread([this] { run(); });
}

ScanService::~ScanService() {
  {
    std::lock_guard lk(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void ScanService::set_active(bool active) {
  if (active_.exchange(active) != active) {
    std::lock_guard lk(mu_);  // pairs with the worker's wait: no lost wake-up
    cv_.notify_all();
  }
}

std::vector<ScannedCode> ScanService::poll() {
  std::lock_guard lk(mu_);
  std::vector<ScannedCode> r(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
  queue_.clear();
  return r;
}

bool ScanService::preview(PreviewImage& out, uint64_t after_sequence) const {
  std::lock_guard lk(mu_);
  if (preview_.sequence <= after_sequence || preview_.image.empty()) return false;
  out = preview_;
  return true;
}

ScanStatus ScanService::status() const {
  std::lock_guard lk(mu_);
  return status_;
}

void ScanService::reset_dedupe() {
  std::lock_guard lk(mu_);
  recent_.clear();
}

void ScanService::post(std::string text, double t_s) {
  std::lock_guard lk(mu_);
  std::erase_if(recent_, [&](const ScannedCode& c) { return t_s - c.t_s > opt_.dedupe_window_s; });
  for (auto& c : recent_)
    if (c.text == text) {
      c.t_s = t_s;  // still in view: keep it quiet for as long as it stays
      return;
    }
  recent_.push_back({text, t_s});
  queue_.push_back({std::move(text), t_s});
  while (queue_.size() > std::max<size_t>(1, opt_.max_queue)) queue_.pop_front();
  ++status_.codes;
}

void ScanService::run() {
  // Below the UI thread's priority: decoding is what gives way when the two
  // cores are busy (Linux: nice applies per thread).
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);

  bool open = false;
  double next_decode = 0, next_preview = 0;
  bool alternate = true;  // binarizer of the next single-pass decode
  auto set_state = [&](ScanState s, std::string error_code = {}) {
    std::lock_guard lk(mu_);
    status_.state = s;
    status_.source = source_->describe();
    if (!error_code.empty() || s == ScanState::Running) status_.error_code = std::move(error_code);
  };
  // Sleeps up to `s` seconds; wakes early on quit or a change of activity.
  auto pause = [&](double s, bool was_active) {
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, std::chrono::duration<double>(s), [&] { return quit_.load() || active_.load() != was_active; });
  };

  while (!quit_) {
    if (!active_) {
      if (open) source_->close();
      open = false;
      set_state(ScanState::Off);
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return quit_.load() || active_.load(); });
      continue;
    }
    if (source_->is_none()) {
      set_state(ScanState::NoCamera);
      pause(1.0, true);
      continue;
    }
    if (!open) {
      set_state(ScanState::Starting);
      auto st = source_->open();
      if (!st) {
        const Error& e = st.error();
        set_state(no_camera(e.kind) ? ScanState::NoCamera : ScanState::Failed, e.name());
        pause(opt_.reopen_after_s, true);
        continue;
      }
      open = true;
      set_state(ScanState::Running);
    }
    SourceFrame frame;
    auto got = source_->next_frame(frame, 100);
    if (!got) {
      source_->close();
      open = false;
      // An image folder emptied while it ran is no camera, as at open().
      const Error& e = got.error();
      set_state(no_camera(e.kind) ? ScanState::NoCamera : ScanState::Failed, e.name());
      pause(opt_.reopen_after_s, true);
      continue;
    }
    if (!*got || frame.view.empty()) continue;
    double now = monotonic_s();
    {
      std::lock_guard lk(mu_);
      ++status_.frames;
    }
    if (now >= next_preview) {
      next_preview = now + 1.0 / opt_.preview_max_fps;
      Image p = preview_rgba(frame.view, opt_.preview_max_width, opt_.preview_max_height);
      std::lock_guard lk(mu_);
      preview_.image = std::move(p);
      ++preview_.sequence;
    }
    if (now < next_decode) continue;
    DecodeOptions d = opt_.decode;
    if (!d.try_harder) d.global_histogram = (alternate = !alternate);
    auto codes = decode_codes(frame.view, d);
    double done = monotonic_s();
    // The bound counts from the start of a decode: a slow frame is not
    // followed by another at once.
    next_decode = std::max(now + 1.0 / opt_.max_decodes_per_s, done);
    {
      std::lock_guard lk(mu_);
      ++status_.decodes;
      status_.last_decode_ms = (done - now) * 1000.0;
    }
    for (auto& c : codes) post(std::move(c.text), done);
  }
  if (open) source_->close();
}

}  // namespace kiosk::scan
