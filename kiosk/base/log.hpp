// The kiosk's log: one line an event ("2026-11-22T02:30:00.123Z INFO store
// submitted ticket=F-0001 id=..."), written to stderr (the journal) unless a
// sink is set. Logs never hold personal data: give ids, tickets, codes and
// counts only. As a second line of defence, a value that looks personal
// (non-ASCII text such as a name, an e-mail, a run of 7+ digits such as a
// phone or ID number) is written as "[redacted]" unless its key is one of the
// id-like keys (id, request_id, ticket, kid, at_ms, ...).
#pragma once
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

namespace kiosk::log {

enum class Level { Debug, Info, Warn, Error };

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v), number(false) {}
  Field(std::string_view k, const char* v) : key(k), value(v ? v : ""), number(false) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v), number(false) {}
  Field(std::string_view k, int64_t v) : key(k), value(std::to_string(v)), number(true) {}
  Field(std::string_view k, int v) : key(k), value(std::to_string(v)), number(true) {}
  std::string_view key;
  std::string value;
  bool number;
};

void event(Level level, std::string_view module, std::string_view what,
           std::initializer_list<Field> fields = {});

void set_min_level(Level level);
Level min_level();
// Replaces the destination of the lines (null: back to stderr). For tests and
// for a log file under the data directory.
void set_sink(std::function<void(std::string_view line)> sink);

// `s` with every control character (C0 and DEL) written as \xNN, the C1
// controls, bidi marks and overrides and the line separators (UTF-8) as
// \uNNNN, and `"` and `\` escaped: one line stays one line, no terminal
// escape gets through, and no text is reordered. For every log line and
// admin output made of text from outside.
std::string escape_control(std::string_view s);

// The value as it will be written for this key (exposed for tests).
std::string redact(std::string_view key, std::string_view value);

}  // namespace kiosk::log
