// The only file that includes ZXing (1.4 API: ReadBarcodes, DecodeHints,
// ImageView, MultiFormatWriter, BitMatrix). Exceptions from it stop here.
#include "kiosk/scan/codes.hpp"

// text() and ecLevel() as UTF-8 std::string (the 1.4 transition switch).
#define ZX_USE_UTF8 1
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <ZXing/ReadBarcode.h>

#include <exception>

#include "kiosk/base/strings.hpp"

namespace kiosk::scan {
namespace {

std::optional<ZXing::ImageView> zx_view(const FrameView& f) {
  if (f.empty()) return std::nullopt;
  switch (f.format) {
    case PixelFormat::Lum: return ZXing::ImageView(f.data, f.width, f.height, ZXing::ImageFormat::Lum, f.stride());
    case PixelFormat::RGB: return ZXing::ImageView(f.data, f.width, f.height, ZXing::ImageFormat::RGB, f.stride());
    case PixelFormat::RGBA: return ZXing::ImageView(f.data, f.width, f.height, ZXing::ImageFormat::RGBX, f.stride());
    // Y of YUYV is every other byte: a grey view with a pixel stride of 2, no copy.
    case PixelFormat::YUYV: return ZXing::ImageView(f.data, f.width, f.height, ZXing::ImageFormat::Lum, f.stride(), 2);
  }
  return std::nullopt;
}

ZXing::DecodeHints hints_for(const DecodeOptions& o) {
  ZXing::DecodeHints h;
  if (o.qr_only) h.setFormats(ZXing::BarcodeFormat::QRCode);
  h.setTryHarder(o.try_harder);
  h.setTryRotate(o.try_harder);
  h.setTryDownscale(true);
  h.setMaxNumberOfSymbols(static_cast<uint8_t>(std::clamp(o.max_codes, 1, 255)));
  if (o.global_histogram) h.setBinarizer(ZXing::Binarizer::GlobalHistogram);
  return h;
}

void append(const ZXing::Results& results, std::vector<DecodedCode>& out, size_t max) {
  for (const auto& r : results) {
    if (!r.isValid() || out.size() >= max) continue;
    DecodedCode c;
    c.text = r.text();
    bool seen = false;
    for (const auto& o : out) seen = seen || o.text == c.text;
    if (seen) continue;
    c.format = ZXing::ToString(r.format());
    c.ec_level = r.ecLevel();
    const auto& p = r.position();
    for (int i = 0; i < 4; ++i) c.corners[i] = Point{p[i].x, p[i].y};
    out.push_back(std::move(c));
  }
}

}  // namespace

std::vector<DecodedCode> decode_codes(const FrameView& frame, const DecodeOptions& options) {
  std::vector<DecodedCode> out;
  auto view = zx_view(frame);
  if (!view) return out;
  size_t max = size_t(std::max(1, options.max_codes));
  try {
    auto hints = hints_for(options);
    append(ZXing::ReadBarcodes(*view, hints), out, max);
    if (out.empty() && options.try_harder) {
      // Low contrast defeats the local average, uneven light the global
      // histogram: the other one before giving up.
      hints.setBinarizer(options.global_histogram ? ZXing::Binarizer::LocalAverage
                                                  : ZXing::Binarizer::GlobalHistogram);
      append(ZXing::ReadBarcodes(*view, hints), out, max);
    }
  } catch (const std::exception&) {
    // A decoder failure is "no code in this frame", never a crash.
  }
  return out;
}

std::optional<DecodedCode> decode_code(const FrameView& frame, const DecodeOptions& options) {
  DecodeOptions one = options;
  one.max_codes = 1;
  auto all = decode_codes(frame, one);
  if (all.empty()) return std::nullopt;
  return std::move(all.front());
}

Expected<QrModules> encode_qr(std::string_view text, QrEcc ecc, int quiet_zone) {
  // MultiFormatWriter's QR levels are on a 0-8 scale: L <= 1 < M <= 4 < Q <= 6 < H.
  int level = ecc == QrEcc::L ? 1 : ecc == QrEcc::M ? 4 : ecc == QrEcc::Q ? 6 : 8;
  bool ascii = true;
  for (unsigned char c : text) ascii = ascii && c < 0x80;
  try {
    ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
    writer.setEccLevel(level).setMargin(0);
    // UTF-8 beyond ASCII gets an ECI so every reader knows the character set.
    if (!ascii) writer.setEncoding(ZXing::CharacterSet::UTF8);
    ZXing::BitMatrix m = writer.encode(std::string(text), 0, 0);
    QrModules q;
    q.quiet_zone = std::max(0, quiet_zone);
    q.size = m.width() + 2 * q.quiet_zone;
    q.dark.assign(size_t(q.size) * size_t(q.size), false);
    for (int y = 0; y < m.height(); ++y)
      for (int x = 0; x < m.width(); ++x)
        q.dark[size_t(y + q.quiet_zone) * size_t(q.size) + size_t(x + q.quiet_zone)] = m.get(x, y);
    return q;
  } catch (const std::exception& e) {
    return Error{ErrorKind::QrTooLong, tr("scan.qr_too_long"), "", e.what()};
  }
}

Image render_qr(const QrModules& qr, int module_px) {
  module_px = std::max(1, module_px);
  Image img(qr.size * module_px, qr.size * module_px, PixelFormat::Lum, 255);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x)
      if (qr.at(x / module_px, y / module_px)) img.pixels[size_t(y) * size_t(img.width) + size_t(x)] = 0;
  return img;
}

}  // namespace kiosk::scan
