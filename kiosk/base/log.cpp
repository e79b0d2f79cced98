// See log.hpp. The redaction is deliberately crude: it would rather hide a
// harmless value than let a phone number or a name through.
#include "kiosk/base/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace kiosk::log {

namespace {

std::atomic<Level> g_min{Level::Info};

struct SinkHolder {
  std::mutex mu;
  std::function<void(std::string_view)> sink;
};

SinkHolder& holder() {
  static SinkHolder h;
  return h;
}

const char* level_name(Level l) {
  switch (l) {
    case Level::Debug: return "DEBUG";
    case Level::Info: return "INFO";
    case Level::Warn: return "WARN";
    case Level::Error: return "ERROR";
  }
  return "?";
}

bool id_like_key(std::string_view k) {
  for (std::string_view ok : {"id", "request_id", "ticket", "kid", "at_ms", "ms", "now_ms",
                              "bytes", "count", "attempts", "errno", "version"})
    if (k == ok) return true;
  return k.size() > 3 && k.substr(k.size() - 3) == "_id";
}

std::string timestamp() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

namespace {

// The length of the UTF-8 sequence at s[i] when it encodes a character that
// moves or hides text on a terminal or in an editor: a C1 control
// (U+0080-U+009F; U+009B is a CSI on some terminals), the bidi marks,
// embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A-U+202E,
// U+2066-U+2069), and the line and paragraph separators (U+2028, U+2029).
// 0 for anything else.
size_t invisible_control(std::string_view s, size_t i, char32_t& cp) {
  auto at = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  const unsigned b0 = at(0), b1 = at(1), b2 = at(2);
  if (b0 == 0xC2 && b1 >= 0x80 && b1 <= 0x9F) {
    cp = b1;
    return 2;
  }
  if (b0 == 0xD8 && b1 == 0x9C) {
    cp = 0x061C;
    return 2;
  }
  if (b0 == 0xE2 && (b1 == 0x80 || b1 == 0x81) && b2 >= 0x80 && b2 <= 0xBF) {
    cp = 0x2000 + ((b1 & 0x3F) << 6) + (b2 & 0x3F);
    if (cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
      return 3;
  }
  return 0;
}

}  // namespace

std::string escape_control(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const auto u = static_cast<unsigned char>(c);
    char32_t cp = 0;
    if (u >= 0xC2) {
      if (size_t n = invisible_control(s, i, cp)) {
        char esc[8];
        std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(cp));
        out += esc;
        i += n - 1;
        continue;
      }
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char esc[5];
      std::snprintf(esc, sizeof esc, "\\x%02x", u);
      out += esc;
    } else {
      out += c;
    }
  }
  return out;
}

std::string redact(std::string_view key, std::string_view value) {
  if (id_like_key(key)) {
    // Even id-like values are ASCII tokens; anything else is not an id.
    for (unsigned char c : value)
      if (c >= 0x80 || c == '@') return "[redacted]";
    return std::string(value);
  }
  // Seven digits in one run is a phone, an ID or an account number, however
  // it is written: a single separator between digits does not end the run
  // (138-1234-5678, 1101 0519 4912 3100 2X, 138.1234.5678, (010)6512-3456).
  int digits = 0;
  bool after_separator = false;
  for (unsigned char c : value) {
    if (c >= 0x80 || c == '@') return "[redacted]";
    if (c >= '0' && c <= '9') {
      ++digits;
      after_separator = false;
    } else if (digits > 0 && !after_separator && std::string_view(" -./()+_,:\t").find(c) != std::string_view::npos) {
      after_separator = true;
    } else {
      digits = 0;
      after_separator = false;
    }
    if (digits >= 7) return "[redacted]";
  }
  return std::string(value);
}

void set_min_level(Level level) { g_min = level; }
Level min_level() { return g_min; }

void set_sink(std::function<void(std::string_view)> sink) {
  auto& h = holder();
  std::lock_guard lock(h.mu);
  h.sink = std::move(sink);
}

void event(Level level, std::string_view module, std::string_view what,
           std::initializer_list<Field> fields) {
  if (level < g_min.load()) return;
  std::string line = timestamp();
  line += ' ';
  line += level_name(level);
  line += ' ';
  line.append(module);
  line += ' ';
  line.append(what);
  for (const auto& f : fields) {
    line += ' ';
    line.append(f.key);
    line += '=';
    std::string v = f.number ? f.value : redact(f.key, f.value);
    const bool quote = v.find_first_of(" \"=") != std::string::npos || v.empty();
    if (quote) line += '"';
    // One event is one line: no value can end it, forge a line after it,
    // or carry a terminal escape sequence into a technician's terminal.
    line += escape_control(v);
    if (quote) line += '"';
  }
  auto& h = holder();
  std::lock_guard lock(h.mu);
  if (h.sink) {
    h.sink(line);
  } else {
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
}

}  // namespace kiosk::log
