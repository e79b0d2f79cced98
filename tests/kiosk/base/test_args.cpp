// The one argument parser of union-kiosk's commands.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli/common/args.hpp"

using kiosk::cli::Args;

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
