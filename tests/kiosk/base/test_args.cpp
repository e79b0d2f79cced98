// The one argument parser of every program of the project.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kiosk/base/args.hpp"

using kiosk::Args;

TEST_CASE("args: values in both spellings, flags, words, --json passed over") {
  const std::vector<std::string> in = {"list", "--state", "queued", "--limit=5", "--json", "--with-answers", "x"};
  Args a(in, {"--state", "--limit"}, {"--with-answers"});
  CHECK(a.bad.empty());
  CHECK(a.get("--state") == "queued");
  CHECK(a.get("--limit") == "5");
  CHECK(a.has("--with-answers"));
  CHECK_FALSE(a.has("--json"));
  CHECK(a.get("--offset", "0") == "0");
  CHECK(a.words == std::vector<std::string>{"list", "x"});
}

TEST_CASE("args: the first undeclared or malformed word is bad") {
  CHECK(Args({"--bogus", "--also"}, {}, {}).bad == "--bogus");
  CHECK(Args({"--limit"}, {"--limit"}, {}).bad == "--limit");            // no value
  CHECK(Args({"--with-answers=1"}, {}, {"--with-answers"}).bad == "--with-answers=1");
  CHECK(Args({"verify", "stray"}, {"--text"}, {}, 1, false).bad == "stray");  // no words here
  CHECK(Args({"verify", "--text", "t"}, {"--text"}, {}, 1, false).bad.empty());
}

TEST_CASE("args: stop at the first word, the command's words from next") {
  const std::vector<std::string> in = {"--data-dir", "/d", "--demo", "queue", "list", "--state", "x"};
  Args a(in, {"--data-dir"}, {"--demo"}, 0, true, true);
  CHECK(a.bad.empty());
  CHECK(a.get("--data-dir") == "/d");
  CHECK(a.has("--demo"));
  CHECK(a.words == std::vector<std::string>{"queue"});
  CHECK(a.next == 4);
  // No word at all: next is the end.
  Args b({"--lang", "en"}, {"--lang"}, {}, 0, true, true);
  CHECK(b.words.empty());
  CHECK(b.next == 2);
}

TEST_CASE("args: short flags are options, declared or bad") {
  CHECK(Args({"-h"}, {}, {"-h"}).has("-h"));
  CHECK(Args({"-x"}, {}, {"-h"}).bad == "-x");
  CHECK(Args({"-"}, {}, {}).words == std::vector<std::string>{"-"});  // a lone dash is a word
}

TEST_CASE("args: number in range, kept when absent, false when malformed") {
  const Args a({"--port", "8080", "--limit", "5abc", "--big", "70000"}, {"--port", "--limit", "--big"}, {});
  int64_t port = 1, absent = 7, limit = 3;
  int small = 0;
  CHECK(a.number("--port", 0, 65535, port));
  CHECK(port == 8080);
  CHECK(a.number("--absent", 0, 9, absent));
  CHECK(absent == 7);
  CHECK_FALSE(a.number("--limit", 1, 100, limit));
  CHECK(limit == 3);
  CHECK_FALSE(a.number("--big", 0, 65535, small));
  CHECK(Args({"--n", "-1"}, {"--n"}, {}).get("--n") == "-1");  // a value may start with a dash
}

TEST_CASE("args: parse_number holds the whole word to its range") {
  using kiosk::parse_number;
  CHECK(parse_number("42", 0, 100) == 42);
  CHECK(parse_number("-5", -10, 10) == -5);
  CHECK_FALSE(parse_number("-5", 0, 10));   // no sign where none is allowed
  CHECK_FALSE(parse_number("", 0, 10));
  CHECK_FALSE(parse_number("5abc", 0, 10));
  CHECK_FALSE(parse_number(" 5", 0, 10));
  CHECK_FALSE(parse_number("+5", 0, 10));
  CHECK_FALSE(parse_number("1e3", 0, 10000));
  CHECK_FALSE(parse_number("101", 0, 100));
  CHECK_FALSE(parse_number("99999999999999999999", 0, INT64_MAX));  // past int64
  CHECK(parse_number("9223372036854775807", 0, INT64_MAX) == INT64_MAX);
}

TEST_CASE("args: wants_json anywhere on the line") {
  CHECK(kiosk::wants_json({"queue", "list", "--json"}));
  CHECK_FALSE(kiosk::wants_json({"queue", "list"}));
}
