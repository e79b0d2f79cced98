#include "synth.hpp"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

namespace kiosk::scan::synth {
namespace {

// Homography mapping the unit square's corners to q (and its inverse use).
using H = std::array<double, 9>;

H solve(const double sx[4], const double sy[4], const double dx[4], const double dy[4]) {
  double a[8][9] = {};
  for (int i = 0; i < 4; ++i) {
    double r0[9] = {sx[i], sy[i], 1, 0, 0, 0, -dx[i] * sx[i], -dx[i] * sy[i], dx[i]};
    double r1[9] = {0, 0, 0, sx[i], sy[i], 1, -dy[i] * sx[i], -dy[i] * sy[i], dy[i]};
    std::copy(r0, r0 + 9, a[2 * i]);
    std::copy(r1, r1 + 9, a[2 * i + 1]);
  }
  for (int c = 0; c < 8; ++c) {
    int p = c;
    for (int r = c + 1; r < 8; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[p][c])) p = r;
    std::swap(a[c], a[p]);
    for (int r = 0; r < 8; ++r) {
      if (r == c || a[c][c] == 0) continue;
      double f = a[r][c] / a[c][c];
      for (int k = c; k < 9; ++k) a[r][k] -= f * a[c][k];
    }
  }
  H h{};
  for (int i = 0; i < 8; ++i) h[size_t(i)] = a[i][8] / a[i][i];
  h[8] = 1;
  return h;
}

}  // namespace

Quad square(double cx, double cy, double size, double deg) { return tilted(cx, cy, size, deg, 0); }

Quad tilted(double cx, double cy, double size, double deg, double tilt) {
  double h = size / 2, top = h * (1 - tilt);
  double px[4] = {-top, top, h, -h}, py[4] = {-h, -h, h, h};
  double r = deg * M_PI / 180, c = std::cos(r), s = std::sin(r);
  Quad q;
  for (int i = 0; i < 4; ++i) {
    q.x[i] = cx + px[i] * c - py[i] * s;
    q.y[i] = cy + px[i] * s + py[i] * c;
  }
  return q;
}

void box_blur(Image& img, int radius) {
  if (radius <= 0) return;
  int w = img.width, h = img.height;
  std::vector<uint8_t> tmp(img.pixels.size());
  for (int pass = 0; pass < 3; ++pass) {
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        int s = 0, n = 0;
        for (int k = std::max(0, x - radius); k <= std::min(w - 1, x + radius); ++k, ++n) s += img.pixels[size_t(y * w + k)];
        tmp[size_t(y * w + x)] = uint8_t(s / n);
      }
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        int s = 0, n = 0;
        for (int k = std::max(0, y - radius); k <= std::min(h - 1, y + radius); ++k, ++n) s += tmp[size_t(k * w + x)];
        img.pixels[size_t(y * w + x)] = uint8_t(s / n);
      }
  }
}

void add_noise(Image& img, double sigma, uint32_t seed) {
  if (sigma <= 0) return;
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0, sigma);
  for (auto& p : img.pixels) p = uint8_t(std::clamp(int(std::lround(p + n(rng))), 0, 255));
}

Image jpeg_round_trip(const Image& img, int quality) {
  std::vector<uint8_t> bytes;
  auto sink = [](void* ctx, void* data, int size) {
    auto* v = static_cast<std::vector<uint8_t>*>(ctx);
    v->insert(v->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  int n = bytes_per_pixel(img.format);
  stbi_write_jpg_to_func(sink, &bytes, img.width, img.height, n, img.pixels.data(), quality);
  auto back = load_image_memory(bytes.data(), bytes.size());
  if (!back) return img;
  return img.format == PixelFormat::Lum ? convert(back->view(), PixelFormat::Lum) : std::move(*back);
}

Image to_rgb(const Image& grey) { return convert(grey.view(), PixelFormat::RGB); }

Image place(const Image& card, int width, int height, const Quad& where, const Look& look, uint8_t background) {
  // Inverse mapping: for each frame pixel, where on the card it falls.
  double ux[4] = {0, double(card.width), double(card.width), 0};
  double uy[4] = {0, 0, double(card.height), double(card.height)};
  H inv = solve(where.x, where.y, ux, uy);
  Image out(width, height, PixelFormat::Lum, background);
  double span = double(look.light - look.dark) / 255.0;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      double X = x + 0.5, Y = y + 0.5;
      double d = inv[6] * X + inv[7] * Y + inv[8];
      double u = (inv[0] * X + inv[1] * Y + inv[2]) / d - 0.5;
      double v = (inv[3] * X + inv[4] * Y + inv[5]) / d - 0.5;
      double value;
      if (u < -0.5 || v < -0.5 || u > card.width - 0.5 || v > card.height - 0.5) {
        value = background;
      } else {
        int x0 = std::clamp(int(std::floor(u)), 0, card.width - 1), y0 = std::clamp(int(std::floor(v)), 0, card.height - 1);
        int x1 = std::min(x0 + 1, card.width - 1), y1 = std::min(y0 + 1, card.height - 1);
        double fx = std::clamp(u - x0, 0.0, 1.0), fy = std::clamp(v - y0, 0.0, 1.0);
        auto p = [&](int xx, int yy) { return double(card.pixels[size_t(yy * card.width + xx)]); };
        double s = p(x0, y0) * (1 - fx) * (1 - fy) + p(x1, y0) * fx * (1 - fy) + p(x0, y1) * (1 - fx) * fy + p(x1, y1) * fx * fy;
        value = look.dark + s * span;
      }
      if (look.light_gradient > 0) value *= 1.0 - look.light_gradient * (double(x) / width + double(y) / height) / 2;
      out.pixels[size_t(y * width + x)] = uint8_t(std::clamp(int(std::lround(value)), 0, 255));
    }
  box_blur(out, int(std::lround(look.blur_px)));
  add_noise(out, look.noise_sigma, look.seed);
  if (look.jpeg_quality > 0) out = jpeg_round_trip(out, look.jpeg_quality);
  return out;
}

}  // namespace kiosk::scan::synth
