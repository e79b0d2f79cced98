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

// Control characters (below 0x20 and 0x7f) as \xNN, '"' and '\' with a
// backslash: text from outside (a kiosk, a request) that goes into a log
// line or onto an admin's terminal can neither end the line nor carry an
// escape sequence.
std::string escape_control(std::string_view v);

// The value as it will be written for this key (exposed for tests).
std::string redact(std::string_view key, std::string_view value);

}  // namespace kiosk::log
