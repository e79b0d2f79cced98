#include "kiosk/scan/frame.hpp"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "kiosk/base/strings.hpp"

namespace kiosk::scan {
namespace {

Error image_error(ErrorKind kind, std::string detail) {
  return Error{kind, tr("scan." + to_string(kind)), "", std::move(detail)};
}

// One pixel of any format as R, G, B.
inline void rgb_at(const FrameView& v, int x, int y, uint8_t& r, uint8_t& g, uint8_t& b) {
  const uint8_t* row = v.data + size_t(y) * size_t(v.stride());
  switch (v.format) {
    case PixelFormat::Lum: r = g = b = row[x]; return;
    case PixelFormat::RGB: r = row[3 * x]; g = row[3 * x + 1]; b = row[3 * x + 2]; return;
    case PixelFormat::RGBA: r = row[4 * x]; g = row[4 * x + 1]; b = row[4 * x + 2]; return;
    case PixelFormat::YUYV: {
      const uint8_t* p = row + (x & ~1) * 2;
      int yy = row[2 * x], u = p[1] - 128, vv = p[3] - 128;
      auto clamp = [](int c) { return uint8_t(std::clamp(c, 0, 255)); };
      r = clamp(yy + ((359 * vv) >> 8));
      g = clamp(yy - ((88 * u + 183 * vv) >> 8));
      b = clamp(yy + ((454 * u) >> 8));
      return;
    }
  }
  r = g = b = 0;
}

inline uint8_t lum(uint8_t r, uint8_t g, uint8_t b) { return uint8_t((306 * r + 601 * g + 117 * b + 512) >> 10); }

Expected<Image> from_stb(unsigned char* px, int w, int h, int n, const std::string& what) {
  if (!px) return image_error(ErrorKind::ImageUnreadable, what + ": " + (stbi_failure_reason() ? stbi_failure_reason() : "?"));
  Image img;
  img.width = w;
  img.height = h;
  img.format = n == 1 ? PixelFormat::Lum : PixelFormat::RGB;
  img.pixels.assign(px, px + size_t(w) * size_t(h) * size_t(n));
  stbi_image_free(px);
  return img;
}

}  // namespace

int bytes_per_pixel(PixelFormat f) {
  switch (f) {
    case PixelFormat::Lum: return 1;
    case PixelFormat::RGB: return 3;
    case PixelFormat::RGBA: return 4;
    case PixelFormat::YUYV: return 2;
  }
  return 1;
}

Image::Image(int w, int h, PixelFormat f, uint8_t fill)
    : width(w), height(h), format(f), pixels(size_t(std::max(0, w)) * size_t(std::max(0, h)) * size_t(bytes_per_pixel(f)), fill) {}

Image convert(const FrameView& v, PixelFormat format) {
  if (format == PixelFormat::YUYV) format = PixelFormat::RGB;
  Image out(v.empty() ? 0 : v.width, v.empty() ? 0 : v.height, format);
  if (v.empty()) return out;
  int n = bytes_per_pixel(format);
  for (int y = 0; y < v.height; ++y) {
    uint8_t* o = out.pixels.data() + size_t(y) * size_t(v.width) * size_t(n);
    if (v.format == format) {
      std::copy_n(v.data + size_t(y) * size_t(v.stride()), size_t(v.width) * size_t(n), o);
      continue;
    }
    for (int x = 0; x < v.width; ++x) {
      uint8_t r, g, b;
      if (format == PixelFormat::Lum && v.format == PixelFormat::YUYV) {
        o[x] = v.data[size_t(y) * size_t(v.stride()) + size_t(2 * x)];
        continue;
      }
      rgb_at(v, x, y, r, g, b);
      if (format == PixelFormat::Lum) {
        o[x] = lum(r, g, b);
      } else {
        o[n * x] = r; o[n * x + 1] = g; o[n * x + 2] = b;
        if (n == 4) o[n * x + 3] = 255;
      }
    }
  }
  return out;
}

Image preview_rgba(const FrameView& v, int max_width, int max_height) {
  if (v.empty() || max_width <= 0 || max_height <= 0) return Image(0, 0, PixelFormat::RGBA);
  // Integer box factor: cheap, and a preview needs no finer scaling.
  int f = 1;
  while (v.width / f > max_width || v.height / f > max_height) ++f;
  int w = v.width / f, h = v.height / f;
  Image out(w, h, PixelFormat::RGBA);
  for (int y = 0; y < h; ++y) {
    uint8_t* o = out.pixels.data() + size_t(y) * size_t(w) * 4;
    for (int x = 0; x < w; ++x) {
      unsigned sr = 0, sg = 0, sb = 0;
      for (int dy = 0; dy < f; ++dy)
        for (int dx = 0; dx < f; ++dx) {
          uint8_t r, g, b;
          rgb_at(v, x * f + dx, y * f + dy, r, g, b);
          sr += r; sg += g; sb += b;
        }
      unsigned n = unsigned(f * f);
      o[4 * x] = uint8_t(sr / n); o[4 * x + 1] = uint8_t(sg / n); o[4 * x + 2] = uint8_t(sb / n); o[4 * x + 3] = 255;
    }
  }
  return out;
}

Expected<Image> load_image_memory(const uint8_t* data, size_t size) {
  if (!data || size == 0 || size > size_t(INT32_MAX)) return image_error(ErrorKind::ImageUnreadable, "empty or huge buffer");
  int w = 0, h = 0, n = 0;
  if (!stbi_info_from_memory(data, int(size), &w, &h, &n)) return image_error(ErrorKind::ImageUnreadable, "unknown image format");
  // A frame bigger than a 8K picture is a mistake or an attack: refuse it.
  if (w <= 0 || h <= 0 || int64_t(w) * h > int64_t(8192) * 8192) return image_error(ErrorKind::ImageUnreadable, "image too large");
  int want = (n == 1 || n == 2) ? 1 : 3;
  unsigned char* px = stbi_load_from_memory(data, int(size), &w, &h, &n, want);
  return from_stb(px, w, h, want, "memory");
}

Expected<Image> load_image_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return image_error(ErrorKind::ImageUnreadable, path + ": cannot open");
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto img = load_image_memory(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!img) {
    Error e = img.error();
    e.detail = path + ": " + e.detail;
    return e;
  }
  return img;
}

Status save_png(const std::string& path, const Image& image) {
  if (image.empty() || image.format == PixelFormat::YUYV)
    return image_error(ErrorKind::ImageWriteFailed, path + ": nothing to write");
  int n = bytes_per_pixel(image.format);
  if (!stbi_write_png(path.c_str(), image.width, image.height, n, image.pixels.data(), image.width * n))
    return image_error(ErrorKind::ImageWriteFailed, path);
  return ok_status();
}

}  // namespace kiosk::scan
