// The scan service: image folders as a source, de-duplication, the bounded
// decode rate, previews, and "no camera" as a normal state.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "kiosk/scan/codes.hpp"
#include "kiosk/scan/scan_service.hpp"
#include "kiosk/card/ticket_code.hpp"
#include "synth.hpp"

using namespace kiosk::scan;
using namespace kiosk::card;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("kiosk-scan-test-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

void write_qr(const fs::path& p, const std::string& text) {
  auto qr = encode_qr(text);
  REQUIRE(qr.ok());
  REQUIRE(save_png(p.string(), render_qr(*qr, 4)).ok());
}

template <class F>
bool wait_until(F f, std::chrono::milliseconds limit = 5000ms) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return f();
}

// A source that counts how often it is asked, with a frame always ready.
class CountingSource : public ScanSource {
 public:
  explicit CountingSource(Image img) : img_(std::move(img)) {}
  std::string describe() const override { return "counting"; }
  kiosk::Status open() override {
    ++opens;
    return kiosk::ok_status();
  }
  void close() override { ++closes; }
  kiosk::Expected<bool> next_frame(SourceFrame& out, int) override {
    std::this_thread::sleep_for(2ms);  // a fast camera: 500 frames/s
    out.view = img_.view();
    out.sequence = ++seq;
    return true;
  }
  std::atomic<int> opens{0}, closes{0};
  std::atomic<uint64_t> seq{0};

 private:
  Image img_;
};

// Fails to open on command: the camera unplugged.
class FailingSource : public ScanSource {
 public:
  std::string describe() const override { return "failing"; }
  kiosk::Status open() override {
    ++opens;
    return kiosk::Error{kiosk::ErrorKind::CameraBusy, {}, "", "busy"};
  }
  void close() override {}
  kiosk::Expected<bool> next_frame(SourceFrame&, int) override { return false; }
  std::atomic<int> opens{0};
};

}  // namespace

TEST_CASE("an image folder: every code read once, de-duplicated while it cycles") {
  TempDir dir;
  write_qr(dir.path / "a.png", "GHREQ1:0193A6F2-7C4B-7D3E-9A10-4F5E6D7C8B9A:F-0001");
  write_qr(dir.path / "b.png", "hello world");
  { std::ofstream(dir.path / "c.png") << "not a png"; }  // skipped, not fatal
  { std::ofstream(dir.path / "notes.txt") << "ignored"; }
  auto src = make_scan_source("images:" + dir.path.string());
  REQUIRE(src.ok());
  ScanServiceOptions o;
  o.max_decodes_per_s = 50;
  o.dedupe_window_s = 30;
  ScanService svc(std::move(*src), o);
  CHECK(svc.status().state == ScanState::Off);
  svc.set_active(true);
  std::vector<std::string> seen;
  REQUIRE(wait_until([&] {
    for (auto& c : svc.poll()) seen.push_back(c.text);
    return seen.size() >= 2;
  }));
  // Let it cycle through the folder a few more times: nothing new is posted.
  std::this_thread::sleep_for(1200ms);
  for (auto& c : svc.poll()) seen.push_back(c.text);
  CHECK(seen.size() == 2);
  auto st = svc.status();
  CHECK(st.state == ScanState::Running);
  CHECK(st.source.find("(3 files)") != std::string::npos);
  CHECK(st.frames >= 4);
  CHECK(st.message().complete());
  PreviewImage p;
  REQUIRE(svc.preview(p, 0));
  CHECK(p.image.format == PixelFormat::RGBA);
  CHECK(p.image.width <= 640);
  CHECK_FALSE(svc.preview(p, p.sequence + 1000));
  // A new session: the same code may be shown again at once.
  svc.reset_dedupe();
  CHECK(wait_until([&] { return !svc.poll().empty(); }));
}

TEST_CASE("an image folder is listed again each round: a picture dropped in shows, an emptied folder is no camera") {
  TempDir dir;
  REQUIRE(save_png((dir.path / "a-wall.png").string(), Image(64, 48, PixelFormat::Lum, 170)).ok());
  auto src = make_image_folder_source(dir.path.string());
  REQUIRE(src->open().ok());
  SourceFrame f;
  REQUIRE(src->next_frame(f, 10).ok());
  CHECK(f.view.width == 64);
  write_qr(dir.path / "b-card.png", "hello world");
  // Next round: the wall, then the card dropped in meanwhile.
  REQUIRE(src->next_frame(f, 10).ok());
  CHECK(f.view.width == 64);
  REQUIRE(src->next_frame(f, 10).ok());
  CHECK(f.view.width != 64);
  CHECK(src->describe().find("(2 files)") != std::string::npos);
  fs::remove(dir.path / "a-wall.png");
  fs::remove(dir.path / "b-card.png");
  auto gone = src->next_frame(f, 10);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().kind == kiosk::ErrorKind::NoImages);

  // Through the service: running on the wall, the card read once dropped
  // in, and "no camera" (never "camera failed") once the folder is empty.
  REQUIRE(save_png((dir.path / "a-wall.png").string(), Image(64, 48, PixelFormat::Lum, 170)).ok());
  auto folder = make_scan_source("images:" + dir.path.string());
  REQUIRE(folder.ok());
  ScanServiceOptions o;
  o.max_decodes_per_s = 50;
  ScanService svc(std::move(*folder), o);
  svc.set_active(true);
  REQUIRE(wait_until([&] { return svc.status().state == ScanState::Running && svc.status().frames >= 2; }));
  CHECK(svc.poll().empty());
  write_qr(dir.path / "b-card.png", "hello world");
  std::vector<ScannedCode> got;
  REQUIRE(wait_until([&] {
    for (auto& c : svc.poll()) got.push_back(c);
    return !got.empty();
  }));
  CHECK(got.front().text == "hello world");
  fs::remove(dir.path / "a-wall.png");
  fs::remove(dir.path / "b-card.png");
  bool failed_seen = false;
  REQUIRE(wait_until([&] {
    auto st = svc.status();
    failed_seen = failed_seen || st.state == ScanState::Failed;
    return st.state == ScanState::NoCamera;
  }));
  CHECK_FALSE(failed_seen);
  CHECK(svc.status().error_code == "no_images");
}

TEST_CASE("the decode rate is bounded, however fast frames come") {
  auto qr = encode_qr("hello world");
  REQUIRE(qr.ok());
  auto src = std::make_unique<CountingSource>(render_qr(*qr, 3));
  auto* raw = src.get();
  ScanServiceOptions o;
  o.max_decodes_per_s = 5;
  ScanService svc(std::move(src), o);
  svc.set_active(true);
  std::this_thread::sleep_for(1000ms);
  auto st = svc.status();
  svc.set_active(false);
  MESSAGE("frames " << st.frames << ", decodes " << st.decodes << " in 1 s at a bound of 5/s");
  CHECK(st.frames > 50);
  CHECK(st.decodes >= 3);
  CHECK(st.decodes <= 7);
  CHECK(svc.poll().size() == 1);  // the same code in every frame: posted once
  // Inactive: the device is closed (its light goes off).
  CHECK(wait_until([&] { return raw->closes.load() >= 1 && svc.status().state == ScanState::Off; }));
  auto seq = raw->seq.load();
  std::this_thread::sleep_for(100ms);
  CHECK(raw->seq.load() == seq);
}

TEST_CASE("no camera is a normal state that says to use the scanner") {
  auto none = make_scan_source("none");
  REQUIRE(none.ok());
  ScanService svc(std::move(*none));
  svc.set_active(true);
  REQUIRE(wait_until([&] { return svc.status().state == ScanState::NoCamera; }));
  CHECK(svc.status().message().en.find("scanner") != std::string::npos);
  CHECK(svc.poll().empty());
}

TEST_CASE("an absent camera device is NoCamera, a failing one is retried") {
  auto src = make_scan_source("v4l2:/dev/video-does-not-exist");
  REQUIRE(src.ok());
  ScanService svc(std::move(*src));
  svc.set_active(true);
  REQUIRE(wait_until([&] { return svc.status().state == ScanState::NoCamera; }));
  CHECK(svc.status().error_code == "camera_absent");

  auto failing = std::make_unique<FailingSource>();
  auto* raw = failing.get();
  ScanServiceOptions o;
  o.reopen_after_s = 0.1;
  ScanService svc2(std::move(failing), o);
  svc2.set_active(true);
  REQUIRE(wait_until([&] { return raw->opens.load() >= 3; }));
  CHECK(svc2.status().state == ScanState::Failed);
  CHECK(svc2.status().error_code == "camera_busy");
}

TEST_CASE("bad source specs are errors with a message") {
  auto bad = make_scan_source("usb:3");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind == kiosk::ErrorKind::BadScanSource);
  CHECK(make_scan_source("images:").ok() == false);
  CHECK(make_scan_source("auto").ok());
  auto empty_dir = make_image_folder_source("/nonexistent-dir-for-test");
  auto st = empty_dir->open();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().kind == kiosk::ErrorKind::NoImages);
}

TEST_CASE("a live source gets both binarizers: a low-contrast card is read within a few frames") {
  auto qr = encode_qr("GHREQ1:0193A6F2-7C4B-7D3E-9A10-4F5E6D7C8B9A:F-0003");
  REQUIRE(qr.ok());
  Image card = render_qr(*qr, 4);
  // 110 on 150 over a darker desk: the local-average pass alone misses it.
  synth::Look look{"low contrast", 0, 3, 110, 150};
  Image dim = synth::place(card, 640, 480, synth::square(320, 240, 336, 3), look);
  CHECK(decode_codes(dim.view()).empty());  // one local-average pass: nothing
  ScanServiceOptions o;
  o.max_decodes_per_s = 20;
  ScanService svc(std::make_unique<CountingSource>(dim), o);
  svc.set_active(true);
  std::vector<ScannedCode> got;
  CHECK(wait_until([&] {
    for (auto& c : svc.poll()) got.push_back(c);
    return !got.empty();
  }, 3000ms));
}
