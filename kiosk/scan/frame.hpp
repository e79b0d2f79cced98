// Frames travel as non-owning views (FrameView) from a source to the
// decoder; Image owns pixels when someone must keep them (image files,
// generated QR bitmaps, preview copies). No ZXing, no camera here.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/base/expected.hpp"

namespace kiosk::scan {

enum class PixelFormat {
  Lum,   // 8-bit grey, 1 byte a pixel
  RGB,   // 3 bytes a pixel
  RGBA,  // 4 bytes a pixel
  YUYV,  // 4:2:2 packed Y0 U Y1 V (V4L2_PIX_FMT_YUYV); luminance every 2nd byte
};

int bytes_per_pixel(PixelFormat f);  // YUYV: 2

// Borrowed pixels; valid only as long as whoever lent them says.
struct FrameView {
  const uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  int row_stride = 0;  // bytes between rows; 0 = width * bytes_per_pixel
  PixelFormat format = PixelFormat::Lum;

  int stride() const { return row_stride ? row_stride : width * bytes_per_pixel(format); }
  bool empty() const { return !data || width <= 0 || height <= 0; }
};

struct Image {
  int width = 0;
  int height = 0;
  PixelFormat format = PixelFormat::Lum;
  std::vector<uint8_t> pixels;  // tightly packed rows

  Image() = default;
  Image(int w, int h, PixelFormat f, uint8_t fill = 0);
  FrameView view() const { return {pixels.data(), width, height, 0, format}; }
  bool empty() const { return width <= 0 || height <= 0; }
};

// Any view -> a tightly packed copy in `format` (Lum, RGB or RGBA).
Image convert(const FrameView& v, PixelFormat format);
// Downscaled RGBA copy (box filter) no wider than max_width and no taller
// than max_height, aspect kept: the camera preview the UI uploads.
Image preview_rgba(const FrameView& v, int max_width, int max_height);

// PNG/JPEG/BMP/... via stb_image (libstb). Grey files load as Lum, others as RGB.
Expected<Image> load_image_file(const std::string& path);
Expected<Image> load_image_memory(const uint8_t* data, size_t size);
// PNG via stb_image_write: Lum, RGB or RGBA.
Status save_png(const std::string& path, const Image& image);

}  // namespace kiosk::scan
