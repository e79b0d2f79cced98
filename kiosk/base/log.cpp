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

std::string redact(std::string_view key, std::string_view value) {
  if (id_like_key(key)) {
    // Even id-like values are ASCII tokens; anything else is not an id.
    for (unsigned char c : value)
      if (c >= 0x80 || c == '@') return "[redacted]";
    return std::string(value);
  }
  int digits = 0;
  for (unsigned char c : value) {
    if (c >= 0x80 || c == '@') return "[redacted]";
    digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
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
    for (char c : v) {
      if (c == '"' || c == '\\') line += '\\';
      line += (c == '\n' || c == '\r') ? ' ' : c;
    }
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
