// Reading and drawing 2D codes. codes.cpp is the only file that includes
// ZXing (1.4 API; later versions renamed it). Decoding is a pure function
// over a borrowed frame: no camera, no threads, no exceptions escape.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/expected.hpp"
#include "kiosk/scan/frame.hpp"

namespace kiosk::scan {

struct DecodeOptions {
  bool qr_only = true;      // member cards and tickets are QR; other formats cost time
  bool try_harder = false;  // slower, finds more in poor images: both binarizers, rotation
  int max_codes = 4;        // stop after this many symbols in one frame
  // Which black/white split a single pass uses: local average copes with
  // uneven light, the global histogram with low contrast. ScanService
  // alternates them frame by frame, so a live camera gets both at the cost
  // of one. (try_harder runs the second when the first finds nothing.)
  bool global_histogram = false;
};

struct Point { int x = 0, y = 0; };

struct DecodedCode {
  std::string text;    // UTF-8
  std::string format;  // "QRCode", "DataMatrix", ...
  std::string ec_level;  // QR: "L", "M", "Q" or "H"
  Point corners[4];    // top-left, top-right, bottom-right, bottom-left (as found)
};

// Every code found in the frame, in ZXing's order; empty if none.
std::vector<DecodedCode> decode_codes(const FrameView& frame, const DecodeOptions& options = {});
// The first code, if any.
std::optional<DecodedCode> decode_code(const FrameView& frame, const DecodeOptions& options = {});

// QR symbol as modules: true = dark. size x size, quiet zone included.
struct QrModules {
  int size = 0;
  int quiet_zone = 0;
  std::vector<bool> dark;
  bool at(int x, int y) const { return dark[size_t(y) * size + x]; }
};

enum class QrEcc { L, M, Q, H };

// Text (UTF-8) -> QR modules, error correction `ecc` (M or higher for member
// cards, specs/member-card.md), with a quiet zone of `quiet_zone` modules.
// Error "qr_too_long" when the text does not fit a version-40 symbol.
Expected<QrModules> encode_qr(std::string_view text, QrEcc ecc = QrEcc::M, int quiet_zone = 4);
// Modules -> grey image, `module_px` pixels a module (black on white).
Image render_qr(const QrModules& qr, int module_px);

}  // namespace kiosk::scan
