#include "ui/shell/peripherals.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "kiosk/base/log.hpp"
#include "ui/platform/window.hpp"
#include "ui/app/app.hpp"

#include "kiosk/scan/hid_wedge.hpp"
#include "kiosk/scan/scan_service.hpp"
#include "sync/client/sync_service.hpp"

namespace kiosk::ui {

namespace {
// How often the sync thread's status is looked at while nothing else
// happens: the waiting count and the online dot on screen follow within it.
// With no hub enrolled the thread only looks for an enrollment now and then,
// and so does the screen.
constexpr double kSyncPollS = 2.0;
constexpr double kSyncPollNoHubS = 15.0;
// After a submit: the sync thread is woken, and its answer looked at soon.
constexpr double kSyncAfterSubmitS = 0.5;
// How often the camera's codes and preview are collected while it runs.
constexpr double kCameraPollS = 1.0 / 15.0;

// The scan service's state in the screen's terms. "Running" is only Live
// once a picture of this run has arrived (the caller knows that).
CameraState camera_state(const scan::ScanStatus& st) {
  switch (st.state) {
    // Just switched on, the worker has not looked yet: a "none" source
    // never starts, say so at once instead of flashing "starting".
    case scan::ScanState::Off: return st.source == "none" ? CameraState::None : CameraState::Starting;
    case scan::ScanState::NoCamera: return CameraState::None;
    case scan::ScanState::Starting:
    case scan::ScanState::Running: return CameraState::Starting;
    case scan::ScanState::Failed: return CameraState::Failed;
  }
  return CameraState::None;
}
}  // namespace

struct Peripherals::Impl {
  scan::HidWedgeDetector wedge;
  std::unique_ptr<scan::ScanService> scan;
  uint64_t preview_seq = 0;
  void* preview_tex = nullptr;
  int preview_w = 0, preview_h = 0;
  bool live = false;  // a picture arrived since the camera last (re)started
  PreviewFrame shown;
  bool camera_active = false;
  bool source_rejected = false;
  bool rejection_shown = false;
  std::unique_ptr<sync::SyncService> sync;
  SyncIndicator last_sync;
  bool sync_sent = false;
  double next_sync_poll = 0;
  unsigned long submitted_seen = 0;
  bool hub_in_config = false;  // until the thread's first report says otherwise
};

Peripherals::Peripherals(const Install& install, const std::string& scan_source, bool store_ok)
    : impl_(std::make_unique<Impl>()) {
  auto source = scan::make_scan_source(scan_source);
  if (source) {
    impl_->scan = std::make_unique<scan::ScanService>(std::move(*source));
  } else {
    log::event(log::Level::Error, "ui", "scan source rejected, camera off",
               {{"code", source.error().name()}});
    impl_->source_rejected = true;
  }
  // Started even with no hub: a technician may enroll the kiosk while it
  // runs (`union-kiosk enroll`), and the thread picks that up by itself.
  if (store_ok) {
    impl_->sync = std::make_unique<sync::SyncService>(install, sync::sync_service_options(install));
    impl_->hub_in_config = !install.config().hub_url.empty();
  }
}

Peripherals::~Peripherals() = default;

void Peripherals::start_sync() {
  if (impl_->sync) impl_->sync->start();
}

void Peripherals::feed_text(const char* utf8, double now_s) {
  impl_->wedge.feed_text(utf8, now_s);
}

void Peripherals::feed_enter(double now_s) {
  impl_->wedge.feed_enter(now_s);
}

bool Peripherals::deliver(KioskApp& app, PlatformWindow& window, double now_s) {
  bool changed = false;
  Impl& m = *impl_;
  for (auto& o : m.wedge.poll(now_s)) {
    changed = true;
    switch (o.kind) {
      case scan::WedgeOutput::Kind::Scan:
        log::event(log::Level::Info, "ui", "wedge scan", {{"length", static_cast<int>(o.text.size())}});
        app.on_code_scanned(o.text, now_s);
        break;
      case scan::WedgeOutput::Kind::Typing:
        window.type_text(o.text);
        break;
      case scan::WedgeOutput::Kind::Enter:
        window.press_enter();
        break;
    }
  }
  if (m.scan) {
    const bool want = app.wants_camera();
    if (want != m.camera_active) {
      m.scan->set_active(want);
      m.camera_active = want;
      m.live = false;
      if (want) {
        m.scan->reset_dedupe();
        // The last visit's picture is not this visit's: skip past it.
        scan::PreviewImage old;
        if (m.scan->preview(old, m.preview_seq)) m.preview_seq = old.sequence;
      }
    }
    for (auto& c : m.scan->poll()) {
      app.on_code_scanned(c.text, now_s);
      changed = true;
    }
    PreviewFrame f;
    if (want) {
      const scan::ScanStatus st = m.scan->status();
      f.camera = camera_state(st);
      if (st.state != scan::ScanState::Running) m.live = false;
      scan::PreviewImage img;
      if (st.state == scan::ScanState::Running && m.scan->preview(img, m.preview_seq) &&
          img.image.format == scan::PixelFormat::RGBA) {
        m.preview_seq = img.sequence;
        m.preview_tex = window.upload_preview(img.image.pixels.data(), img.image.width,
                                              img.image.height);
        m.preview_w = img.image.width;
        m.preview_h = img.image.height;
        m.live = m.preview_tex != nullptr;
        changed = true;  // same texture, new picture
      }
      if (m.live) f = PreviewFrame{m.preview_tex, m.preview_w, m.preview_h, CameraState::Live};
    }
    if (f.texture_id != m.shown.texture_id || f.width != m.shown.width ||
        f.height != m.shown.height || f.camera != m.shown.camera) {
      app.set_preview(f);
      m.shown = f;
      changed = true;
    }
  } else if (m.source_rejected && !m.rejection_shown) {
    // A camera was configured but its spec is wrong: for the worker, a
    // camera that does not work (the scanner still does).
    app.set_preview(PreviewFrame{nullptr, 0, 0, CameraState::Failed});
    m.rejection_shown = true;
    changed = true;
  }
  if (m.sync && app.submitted() != m.submitted_seen) {
    // A request was just committed: send it now rather than at the next
    // idle cycle (this also cuts short a backoff wait).
    m.submitted_seen = app.submitted();
    m.sync->send_now();
    m.next_sync_poll = std::min(m.next_sync_poll, now_s + kSyncAfterSubmitS);
  }
  if (m.sync && now_s >= m.next_sync_poll) {
    sync::SyncStatus st = m.sync->status();
    if (st.hub_configured || st.next_attempt_ms > 0) m.hub_in_config = st.hub_configured;
    m.next_sync_poll = now_s + (m.hub_in_config ? kSyncPollS : kSyncPollNoHubS);
    SyncIndicator ind;
    ind.hub_configured = st.hub_configured;
    ind.online = st.online;
    ind.waiting = st.waiting;
    ind.last_error = st.last_error;
    if (!m.sync_sent || ind.hub_configured != m.last_sync.hub_configured ||
        ind.online != m.last_sync.online || ind.waiting != m.last_sync.waiting ||
        ind.last_error != m.last_sync.last_error) {
      app.on_sync(ind);
      m.last_sync = ind;
      m.sync_sent = true;
      changed = true;
    }
  }
  return changed;
}

std::optional<double> Peripherals::next_wakeup_s(double now_s) const {
  std::optional<double> t;
  auto earliest = [&](double x) {
    if (!t || x < *t) t = x;
  };
  const Impl& m = *impl_;
  if (auto d = m.wedge.next_deadline_s()) earliest(*d);
  if (m.camera_active) earliest(now_s + kCameraPollS);
  if (m.sync) earliest(m.next_sync_poll);
  (void)now_s;
  (void)m;
  return t;
}

}  // namespace kiosk::ui
