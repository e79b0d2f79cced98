#include "kiosk/base/args.hpp"

#include <algorithm>
#include <charconv>

namespace kiosk {

namespace {

bool listed(const std::vector<std::string_view>& l, std::string_view name) {
  return std::find(l.begin(), l.end(), name) != l.end();
}

bool is_option(const std::string& a) { return a.size() > 1 && a[0] == '-'; }

}  // namespace

Args::Args(const std::vector<std::string>& in, const std::vector<std::string_view>& with_value,
           const std::vector<std::string_view>& flags, std::size_t from, bool words_allowed,
           bool stop_at_word) {
  next = in.size();
  auto refuse = [&](const std::string& a) {
    if (bad.empty()) bad = a;
  };
  for (std::size_t i = from; i < in.size(); ++i) {
    const std::string& a = in[i];
    if (a == "--json") continue;
    if (!is_option(a)) {
      if (stop_at_word) {
        words.push_back(a);
        next = i + 1;
        return;
      }
      if (words_allowed) words.push_back(a);
      else refuse(a);
      continue;
    }
    const auto eq = a.rfind("--", 0) == 0 ? a.find('=') : std::string::npos;
    const std::string name(a, 0, eq);
    if (listed(with_value, name)) {
      if (eq != std::string::npos) opts[name] = a.substr(eq + 1);
      else if (i + 1 < in.size()) opts[name] = in[++i];
      else refuse(a);
    } else if (listed(flags, name) && eq == std::string::npos) {
      opts[name].assign(1, '1');  // not = "1": g++ 12 warns falsely there (-Wrestrict)
    } else {
      refuse(a);
    }
  }
}

std::string Args::get(std::string_view name, const std::string& fallback) const {
  auto it = opts.find(name);
  return it == opts.end() ? fallback : it->second;
}

bool Args::number(std::string_view name, int64_t lo, int64_t hi, int64_t& out) const {
  auto it = opts.find(name);
  if (it == opts.end()) return true;
  auto v = parse_number(it->second, lo, hi);
  if (v) out = *v;
  return v.has_value();
}

std::optional<int64_t> parse_number(std::string_view s, int64_t lo, int64_t hi) {
  if (s.empty() || (s[0] == '-' && lo >= 0)) return std::nullopt;
  int64_t v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end || v < lo || v > hi) return std::nullopt;
  return v;
}

bool wants_json(const std::vector<std::string>& in) {
  return std::find(in.begin(), in.end(), "--json") != in.end();
}

}  // namespace kiosk
