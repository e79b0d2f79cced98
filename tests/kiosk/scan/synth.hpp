// Camera-like test images made from a QR code: placed in a frame by four
// corners (scale, rotation, skew, perspective), then blurred, noised, low
// in contrast, unevenly lit, JPEG-compressed. Shared by tests/scan and
// bench/scan so both judge the decoder on the same kind of pictures.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/scan/frame.hpp"

namespace kiosk::scan::synth {

struct Quad {
  double x[4], y[4];  // top-left, top-right, bottom-right, bottom-left
};

struct Look {
  std::string name;
  double blur_px = 0;       // box-blur radius (3 passes, close to Gaussian)
  double noise_sigma = 0;   // Gaussian noise, grey levels
  int dark = 0, light = 255;  // the printed black and the paper white
  double light_gradient = 0;  // 0..1: darker towards one corner (a lamp to the side)
  int jpeg_quality = 0;     // 0: none; else compress and decode again
  uint32_t seed = 1;
};

// Quad of a square of side `size` centred at (cx, cy), rotated by deg.
Quad square(double cx, double cy, double size, double deg);
// A perspective view: the far edge (top) shorter by `tilt` (0..1).
Quad tilted(double cx, double cy, double size, double deg, double tilt);
// The card (a grey module image with its quiet zone) drawn onto a
// `width` x `height` frame at `where`, over a darker background, with `look`.
Image place(const Image& card, int width, int height, const Quad& where, const Look& look,
            uint8_t background = 90);
// Post-filters on a grey image, used by place().
void box_blur(Image& img, int radius);
void add_noise(Image& img, double sigma, uint32_t seed);
Image jpeg_round_trip(const Image& img, int quality);
// Grey image -> RGB (the frame format of most photos).
Image to_rgb(const Image& grey);

}  // namespace kiosk::scan::synth
