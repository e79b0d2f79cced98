#include "kiosk/scan/hid_wedge.hpp"

#include "kiosk/base/utf8.hpp"

namespace kiosk::scan {

HidWedgeDetector::HidWedgeDetector(WedgeOptions options) : opt_(options) {}

void HidWedgeDetector::flush_as_typing() {
  if (pending_.empty()) return;
  // Consecutive typing merges into one output: fewer calls into the UI.
  if (!out_.empty() && out_.back().kind == WedgeOutput::Kind::Typing)
    out_.back().text += utf8_encode(pending_);
  else
    out_.push_back({WedgeOutput::Kind::Typing, utf8_encode(pending_)});
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
  // A stray byte is skipped: what a scanner types is not trusted to be text.
  for (char32_t c : utf8_decode_lenient(utf8)) feed(c, t_s);
}

void HidWedgeDetector::feed_enter(double t_s) {
  bool in_burst = !pending_.empty() && t_s - last_t_ <= opt_.max_gap_s &&
                  fast_enough(pending_.size(), t_s - first_t_);
  if (in_burst && pending_.size() >= size_t(opt_.min_length)) {
    out_.push_back({WedgeOutput::Kind::Scan, utf8_encode(pending_)});
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
      out_.push_back({WedgeOutput::Kind::Scan, utf8_encode(pending_)});
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
