// The log redactor and the log line: numbers that could be a phone, an ID or
// an account are hidden however they are written, and no value can end its
// line, forge another, or carry a control character.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kiosk/base/log.hpp"

using kiosk::log::redact;

TEST_CASE("phone and ID numbers are hidden in every common written form") {
  for (const char* v : {"13812345678", "138-1234-5678", "138 1234 5678", "138.1234.5678", "+86 138 1234 5678",
                        "(010)6512-3456", "1101-0519-4912-3100-2X", "110105 19491231 002X", "11010519491231002X",
                        "6222 0212 3456 7890", "tel:138/1234/5678"}) {
    CAPTURE(v);
    CHECK(redact("detail", v) == "[redacted]");
  }
}

TEST_CASE("what logs need stays readable") {
  CHECK(redact("detail", "sqlite 1555") == "sqlite 1555");
  CHECK(redact("code", "disk_full") == "disk_full");
  CHECK(redact("detail", "http 503 after 1200 ms") == "http 503 after 1200 ms");
  CHECK(redact("detail", "retry in 30 s, 5 waiting") == "retry in 30 s, 5 waiting");
  // Two separators in a row end a run: "12 - 34567" is two numbers.
  CHECK(redact("detail", "12 -- 34567") == "12 -- 34567");
  CHECK(redact("ticket", "K-0427") == "K-0427");
  CHECK(redact("request_id", "0192f3a4-1b2c-7d3e-8f40-123456789012") == "0192f3a4-1b2c-7d3e-8f40-123456789012");
  CHECK(redact("id", "李四") == "[redacted]");
  CHECK(redact("detail", "a@b.cn") == "[redacted]");
}

TEST_CASE("a value cannot end its line, forge another, or hold a control character") {
  std::vector<std::string> lines;
  kiosk::log::set_sink([&](std::string_view l) { lines.emplace_back(l); });
  kiosk::log::event(kiosk::log::Level::Warn, "hub", "bad_path",
                    {{"path", "/v1/x\nunion-hub: enrolled kiosk 99\n"}, {"code", std::string("a\0b\x1b[2J\x7f", 8)}});
  kiosk::log::set_sink(nullptr);
  REQUIRE(lines.size() == 1);
  const std::string& l = lines[0];
  CHECK(l.find('\n') == std::string::npos);
  CHECK(l.find('\r') == std::string::npos);
  for (unsigned char c : l) CHECK((c >= 0x20 && c != 0x7f));
  CHECK(l.find("\\x0a") != std::string::npos);
  CHECK(l.find("\\x00") != std::string::npos);
  CHECK(l.find("\\x1b") != std::string::npos);
}

TEST_CASE("escape_control: C1 controls, bidi overrides and isolates, line separators are written out, Chinese stays") {
  using kiosk::log::escape_control;
  // U+009B (CSI on some terminals), U+0085 (next line).
  CHECK(escape_control("a\xC2\x9B" "2Jb\xC2\x85") == "a\\u009b2Jb\\u0085");
  // "evil" shown reversed by U+202E, U+2066..U+2069 isolates, U+200E/F marks, U+061C.
  CHECK(escape_control("\xE2\x80\xAEtxt.exe") == "\\u202etxt.exe");
  CHECK(escape_control("\xE2\x81\xA6x\xE2\x81\xA9") == "\\u2066x\\u2069");
  CHECK(escape_control("\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C") == "\\u200e\\u200f\\u061c");
  CHECK(escape_control("a\xE2\x80\xA8" "b\xE2\x80\xA9") == "a\\u2028b\\u2029");
  // Neighbours that are harmless stay as they are: U+2010 hyphen, U+00A0, 大厅 1号机.
  CHECK(escape_control("\xE2\x80\x90\xC2\xA0") == "\xE2\x80\x90\xC2\xA0");
  CHECK(escape_control("大厅 1号机") == "大厅 1号机");
  // A cut sequence at the end is left alone, never read past.
  CHECK(escape_control(std::string("\xE2\x80", 2)) == std::string("\xE2\x80", 2));
}
