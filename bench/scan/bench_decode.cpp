// Decode time per frame at 640x480 and 1280x720, QR only and with
// try-harder, side by side with zbar (libzbar, QR only) on the same frames:
// median and p90 time, and how many each decodes correctly. Prints figures,
// asserts nothing. Frames: the spec's vector tokens in camera-like looks
// (tests/scan/synth.hpp), grey (Y plane, as the camera's YUYV gives it).
//
//   bench_scan_decode [--vectors FILE] [--rounds N]
#include <zbar.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kiosk/base/args.hpp"
#include "kiosk/scan/codes.hpp"
#include "synth.hpp"

using namespace kiosk::scan;
// In C++, zbar.h puts its C API in namespace zbar (beside a C++ wrapper whose
// Image would clash with ours): name what is used.
using zbar::zbar_image_scanner_t;
using zbar::zbar_image_t;
using zbar::zbar_symbol_t;

namespace {

struct Frame {
  Image image;
  std::string want;
  std::string look;
};

struct Tally {
  std::vector<double> ms;
  int decoded = 0;
  int frames = 0;
  void add(double t, bool ok) {
    ms.push_back(t);
    decoded += ok;
  }
  double pct(double p) {
    if (ms.empty()) return 0;
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1, size_t(p * double(ms.size())))];
  }
};

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

class Zbar {
 public:
  Zbar() {
    scanner_ = zbar::zbar_image_scanner_create();
    zbar::zbar_image_scanner_set_config(scanner_, zbar::ZBAR_NONE, zbar::ZBAR_CFG_ENABLE, 0);
    zbar::zbar_image_scanner_set_config(scanner_, zbar::ZBAR_QRCODE, zbar::ZBAR_CFG_ENABLE, 1);
    zbar::zbar_image_scanner_enable_cache(scanner_, 0);
  }
  ~Zbar() { zbar::zbar_image_scanner_destroy(scanner_); }
  std::vector<std::string> decode(const Image& grey) {
    zbar_image_t* img = zbar::zbar_image_create();
    zbar::zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar::zbar_image_set_size(img, unsigned(grey.width), unsigned(grey.height));
    zbar::zbar_image_set_data(img, grey.pixels.data(), grey.pixels.size(), nullptr);
    std::vector<std::string> out;
    if (zbar::zbar_scan_image(scanner_, img) > 0)
      for (const zbar_symbol_t* s = zbar::zbar_image_first_symbol(img); s; s = zbar::zbar_symbol_next(s))
        out.emplace_back(zbar::zbar_symbol_get_data(s), zbar::zbar_symbol_get_data_length(s));
    zbar::zbar_image_destroy(img);
    return out;
  }

 private:
  zbar_image_scanner_t* scanner_;
};

std::vector<Frame> make_frames(const std::vector<std::string>& tokens, int w, int h) {
  std::vector<Frame> frames;
  double s = std::min(w, h);
  for (size_t i = 0; i < tokens.size(); ++i) {
    auto qr = encode_qr(tokens[i]);
    if (!qr) continue;
    Image card = render_qr(*qr, 4);
    uint32_t seed = uint32_t(i + 1);
    struct L {
      const char* name;
      synth::Quad q;
      synth::Look look;
    };
    std::vector<L> looks = {
        {"clean", synth::square(w / 2.0, h / 2.0, s * 0.7, 0), {}},
        {"rotated", synth::square(w * 0.45, h * 0.5, s * 0.65, 15.0 + 23.0 * double(i)), {}},
        {"tilted", synth::tilted(w * 0.55, h * 0.5, s * 0.7, -10 + 2.0 * double(i), 0.2), {}},
        {"small", synth::square(w * 0.3, h * 0.4, s * 0.4, 4), {}},
        {"blurred", synth::square(w / 2.0, h / 2.0, s * 0.7, 3), {"", 1}},
        {"noisy", synth::square(w / 2.0, h / 2.0, s * 0.7, 3), {"", 0, 20}},
        {"low contrast", synth::square(w / 2.0, h / 2.0, s * 0.7, 3), {"", 0, 3, 110, 150}},
        {"photographed", synth::tilted(w * 0.5, h * 0.5, s * 0.75, -6 + double(i), 0.15), {"", 1, 8, 40, 220, 0.45, 60}},
    };
    for (auto& l : looks) {
      l.look.seed = seed;
      frames.push_back({synth::place(card, w, h, l.q, l.look), tokens[i], l.name});
    }
  }
  return frames;
}

}  // namespace

int main(int argc, char** argv) {
  std::string vectors = KIOSK_TEST_DATA "/specs/member-card-vectors.json";
  int rounds = 3;
  const kiosk::Args a(std::vector<std::string>(argv + 1, argv + argc), {"--vectors", "--rounds"}, {}, 0, false);
  if (!a.bad.empty() || !a.number("--rounds", 1, 1000, rounds)) {
    std::fprintf(stderr, "usage: bench_scan_decode [--vectors FILE] [--rounds N]\n");
    return 2;
  }
  vectors = a.get("--vectors", vectors);
  std::ifstream f(vectors);
  if (!f) {
    std::fprintf(stderr, "cannot read %s\n", vectors.c_str());
    return 2;
  }
  auto v = nlohmann::json::parse(f);
  std::vector<std::string> tokens;
  for (auto& c : v["cases"]) tokens.push_back(c["qr_text"].get<std::string>());

  std::printf("QR decode per frame: ZXing-cpp %s (kiosk_scan) vs zbar %s, %d rounds\n", "1.4", "0.23", rounds);
  std::printf("%-9s %-22s %6s %9s %9s %9s\n", "frame", "decoder", "frames", "decoded", "median", "p90");
  for (auto [w, h] : {std::pair{640, 480}, std::pair{1280, 720}}) {
    auto frames = make_frames(tokens, w, h);
    Tally fast, glob, hard, zb;
    std::vector<std::string> look_names;
    std::vector<std::array<int, 4>> per_look;  // decoded by fast, global, hard, zbar
    Zbar zbar;
    DecodeOptions qo;
    DecodeOptions go;
    go.global_histogram = true;
    DecodeOptions ho;
    ho.try_harder = true;
    for (int r = 0; r < rounds; ++r) {
      for (const auto& fr : frames) {
        auto ok = [&](const auto& texts) {
          for (const auto& t : texts)
            if (t == fr.want) return true;
          return false;
        };
        double t0 = now_ms();
        auto a = decode_codes(fr.image.view(), qo);
        double t1 = now_ms();
        auto b = decode_codes(fr.image.view(), ho);
        double t2 = now_ms();
        auto c = zbar.decode(fr.image);
        double t3 = now_ms();
        auto g = decode_codes(fr.image.view(), go);
        double t4 = now_ms();
        std::vector<std::string> gt;
        for (auto& x : g) gt.push_back(x.text);
        std::vector<std::string> at, bt;
        for (auto& x : a) at.push_back(x.text);
        for (auto& x : b) bt.push_back(x.text);
        bool count = r == 0;  // decoded counts from the first round, times from all
        fast.add(t1 - t0, count && ok(at));
        hard.add(t2 - t1, count && ok(bt));
        zb.add(t3 - t2, count && ok(c));
        glob.add(t4 - t3, count && ok(gt));
        if (count) {
          auto it = std::find(look_names.begin(), look_names.end(), fr.look);
          if (it == look_names.end()) {
            look_names.push_back(fr.look);
            per_look.push_back({0, 0, 0, 0});
            it = look_names.end() - 1;
          }
          auto& pl = per_look[size_t(it - look_names.begin())];
          pl[0] += ok(at);
          pl[1] += ok(gt);
          pl[2] += ok(bt);
          pl[3] += ok(c);
        }
      }
    }
    int n = int(frames.size());
    char res[16];
    std::snprintf(res, sizeof res, "%dx%d", w, h);
    auto row = [&](const char* name, Tally& t) {
      std::printf("%-9s %-22s %6d %5d/%-3d %7.2fms %7.2fms\n", res, name, n, t.decoded, n, t.pct(0.5), t.pct(0.9));
    };
    row("kiosk QR only (local)", fast);
    row("kiosk QR only (global)", glob);
    row("kiosk try-harder", hard);
    row("zbar (QR only)", zb);
    for (size_t k = 0; k < look_names.size(); ++k)
      std::printf("%-9s   %-14s decoded: kiosk local %2d, global %2d, try-harder %2d, zbar %2d (of %zu)\n", res,
                  look_names[k].c_str(), per_look[k][0], per_look[k][1], per_look[k][2], per_look[k][3], tokens.size());
    std::printf("%-9s ratio zbar/kiosk median time: QR only %.2fx, try-harder %.2fx\n", res,
                zb.pct(0.5) / std::max(1e-9, fast.pct(0.5)), zb.pct(0.5) / std::max(1e-9, hard.pct(0.5)));
  }
  return 0;
}
