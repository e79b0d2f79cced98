#include "kiosk/scan/hid_wedge.hpp"

namespace kiosk::scan {
namespace {

void append_utf8(std::string& s, char32_t c) {
  if (c < 0x80) {
    s += char(c);
  } else if (c < 0x800) {
    s += char(0xC0 | (c >> 6));
    s += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += char(0xE0 | (c >> 12));
    s += char(0x80 | ((c >> 6) & 0x3F));
    s += char(0x80 | (c & 0x3F));
  } else if (c < 0x110000) {
    s += char(0xF0 | (c >> 18));
    s += char(0x80 | ((c >> 12) & 0x3F));
    s += char(0x80 | ((c >> 6) & 0x3F));
    s += char(0x80 | (c & 0x3F));
  }
}

std::string to_utf8(const std::u32string& s) {
  std::string r;
  for (char32_t c : s) append_utf8(r, c);
  return r;
}

}  // namespace

HidWedgeDetector::HidWedgeDetector(WedgeOptions options) : opt_(options) {}

void HidWedgeDetector::flush_as_typing() {
  if (pending_.empty()) return;
  // Consecutive typing merges into one output: fewer calls into the UI.
  if (!out_.empty() && out_.back().kind == WedgeOutput::Kind::Typing)
    out_.back().text += to_utf8(pending_);
  else
    out_.push_back({WedgeOutput::Kind::Typing, to_utf8(pending_)});
  pending_.clear();
}

void HidWedgeDetector::feed(char32_t c, double t_s) {
  // A long pause ends whatever was held: nothing a scanner types pauses that long.
  if (!pending_.empty() && t_s - last_t_ > opt_.max_gap_s) flush_as_typing();
  if (pending_.empty()) first_t_ = t_s;
  pending_ += c;
  last_t_ = t_s;
  // Slower on average than any scanner: a person, whose keys should show now.
  if (pending_.size() >= 4 && !fast_enough(pending_.size() - 1, t_s - first_t_)) flush_as_typing();
}

bool HidWedgeDetector::fast_enough(size_t gaps, double duration_s) const {
  return duration_s <= 0 || double(gaps) / duration_s >= opt_.min_rate_cps;
}

void HidWedgeDetector::feed_text(std::string_view utf8, double t_s) {
  size_t i = 0;
  while (i < utf8.size()) {
    unsigned char b = static_cast<unsigned char>(utf8[i]);
    int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + size_t(n) > utf8.size()) {  // stray byte: skip it
      ++i;
      continue;
    }
    char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    bool ok = true;
    for (int k = 1; k < n; ++k) {
      unsigned char cb = static_cast<unsigned char>(utf8[i + size_t(k)]);
      ok = ok && (cb & 0xC0) == 0x80;
      c = (c << 6) | (cb & 0x3F);
    }
    i += ok ? size_t(n) : 1;
    if (ok) feed(c, t_s);
  }
}

void HidWedgeDetector::feed_enter(double t_s) {
  bool in_burst = !pending_.empty() && t_s - last_t_ <= opt_.max_gap_s &&
                  fast_enough(pending_.size(), t_s - first_t_);
  if (in_burst && pending_.size() >= size_t(opt_.min_length)) {
    out_.push_back({WedgeOutput::Kind::Scan, to_utf8(pending_)});
    pending_.clear();
    return;
  }
  flush_as_typing();
  out_.push_back({WedgeOutput::Kind::Enter, {}});
}

std::vector<WedgeOutput> HidWedgeDetector::poll(double now_s) {
  if (!pending_.empty() && now_s - last_t_ > opt_.max_gap_s) {
    if (!opt_.enter_required && pending_.size() >= size_t(opt_.min_length) &&
        fast_enough(pending_.size() - 1, last_t_ - first_t_)) {
      out_.push_back({WedgeOutput::Kind::Scan, to_utf8(pending_)});
      pending_.clear();
    } else {
      flush_as_typing();
    }
  }
  std::vector<WedgeOutput> r;
  r.swap(out_);
  return r;
}

std::optional<double> HidWedgeDetector::next_deadline_s() const {
  if (pending_.empty()) return std::nullopt;
  return last_t_ + opt_.max_gap_s;
}

void HidWedgeDetector::clear() {
  pending_.clear();
  out_.clear();
}

}  // namespace kiosk::scan
