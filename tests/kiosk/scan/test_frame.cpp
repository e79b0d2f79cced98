// Frames and images: conversions, preview scaling, PNG/JPEG files.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "kiosk/scan/frame.hpp"

using namespace kiosk::scan;

TEST_CASE("conversions keep the picture") {
  Image rgb(4, 2, PixelFormat::RGB);
  for (size_t i = 0; i < rgb.pixels.size(); i += 3) rgb.pixels[i] = 255;  // red
  auto grey = convert(rgb.view(), PixelFormat::Lum);
  CHECK(grey.pixels[0] == 76);  // 0.299 * 255
  auto rgba = convert(grey.view(), PixelFormat::RGBA);
  CHECK(rgba.pixels[3] == 255);
  CHECK(rgba.pixels[0] == 76);
  // YUYV: Y0 U Y1 V, neutral chroma is grey.
  Image yuyv(2, 1, PixelFormat::YUYV);
  yuyv.pixels = {200, 128, 50, 128};
  auto g2 = convert(yuyv.view(), PixelFormat::Lum);
  CHECK(g2.pixels == std::vector<uint8_t>{200, 50});
  auto c2 = convert(yuyv.view(), PixelFormat::RGB);
  CHECK(c2.pixels[0] == 200);
  CHECK(c2.pixels[3] == 50);
}

TEST_CASE("preview is RGBA and fits the box, aspect kept") {
  Image big(1280, 720, PixelFormat::Lum, 128);
  auto p = preview_rgba(big.view(), 640, 480);
  CHECK(p.width == 640);
  CHECK(p.height == 360);
  CHECK(p.format == PixelFormat::RGBA);
  CHECK(p.pixels.size() == size_t(640 * 360 * 4));
  // A row stride wider than the picture (camera padding) is honoured.
  std::vector<uint8_t> padded(size_t(100 * 10), 0);
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 80; ++x) padded[size_t(y * 100 + x)] = 255;
  auto q = preview_rgba(FrameView{padded.data(), 80, 10, 100, PixelFormat::Lum}, 80, 10);
  CHECK(q.pixels[size_t((9 * 80 + 79) * 4)] == 255);
}

TEST_CASE("PNG save and load, bad files are errors") {
  auto dir = std::filesystem::temp_directory_path() / ("kiosk-frame-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Image img(3, 2, PixelFormat::Lum, 9);
  img.pixels[4] = 250;
  auto path = (dir / "x.png").string();
  REQUIRE(save_png(path, img).ok());
  auto back = load_image_file(path);
  REQUIRE(back.ok());
  CHECK(back->format == PixelFormat::Lum);
  CHECK(back->pixels == img.pixels);
  { std::ofstream(dir / "bad.png") << "garbage"; }
  auto bad = load_image_file((dir / "bad.png").string());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind == kiosk::ErrorKind::ImageUnreadable);
  CHECK_FALSE(load_image_file((dir / "missing.png").string()).ok());
  std::filesystem::remove_all(dir);
}
