// The limits of parse_json_limited hold while parsing: a document nested
// 100,000 deep (the shape that crashed the hub) is refused without recursion,
// and what is within the limits parses exactly as nlohmann's own parser does.
#include <doctest/doctest.h>

#include <string>

#include "kiosk/base/json_limited.hpp"

using kiosk::JsonLimits;
using kiosk::JsonRefusal;
using kiosk::parse_json_limited;

TEST_CASE("within the limits, the same document as nlohmann's parser") {
  const std::string text =
      R"({"a":[1,-2,3.5,true,false,null,"张伟",{"b":{"c":[[],{}]}}],"u":18446744073709551615,"e":"\u0000x"})";
  auto r = parse_json_limited(text, JsonLimits{});
  REQUIRE(r.value);
  CHECK(*r.value == nlohmann::json::parse(text));
  CHECK(parse_json_limited("[]", {}).value == nlohmann::json::array());
  CHECK(parse_json_limited("7", {}).value == nlohmann::json(7));
}

TEST_CASE("nesting past the limit is refused while parsing, at any depth") {
  JsonLimits l;
  l.max_depth = 4;
  CHECK(parse_json_limited("[[[[1]]]]", l).value);
  auto deep = parse_json_limited("[[[[[1]]]]]", l);
  CHECK_FALSE(deep.value);
  CHECK(deep.refusal == JsonRefusal::TooDeep);
  CHECK(parse_json_limited(R"({"a":{"b":{"c":{"d":{}}}}})", l).refusal == JsonRefusal::TooDeep);
  // 100,000 levels in 200 KB: refused quickly, and no stack is at risk.
  const std::string huge = std::string(100000, '[') + std::string(100000, ']');
  auto r = parse_json_limited(huge, JsonLimits{});
  CHECK_FALSE(r.value);
  CHECK(r.refusal == JsonRefusal::TooDeep);
  // Unclosed: refused for its depth, before the syntax error at its end.
  CHECK(parse_json_limited(std::string(100000, '['), JsonLimits{}).refusal == JsonRefusal::TooDeep);
  std::string objects;
  for (int i = 0; i < 50000; ++i) objects += "{\"a\":";
  CHECK(parse_json_limited(objects, JsonLimits{}).refusal == JsonRefusal::TooDeep);
}

TEST_CASE("size, duplicates and syntax") {
  JsonLimits l;
  l.max_bytes = 10;
  CHECK(parse_json_limited("[1,2,3,4,5]", l).refusal == JsonRefusal::TooLarge);
  CHECK(parse_json_limited("[1,2,3,4]", l).value);

  JsonLimits d;
  d.reject_duplicate_keys = true;
  auto dup = parse_json_limited(R"({"a":1,"b":{"x":1,"x":2}})", d);
  CHECK(dup.refusal == JsonRefusal::DuplicateKey);
  CHECK(dup.why.find("\"x\"") != std::string::npos);
  CHECK(parse_json_limited(R"({"a":{"x":1},"b":{"x":2}})", d).value);
  // Without the option, the last one wins, as in nlohmann.
  CHECK(parse_json_limited(R"({"x":1,"x":2})", {}).value->at("x") == 2);
  // A key that could carry a person's data is not copied into the reason.
  auto named = parse_json_limited(R"({"张伟":1,"张伟":2})", d);
  CHECK(named.why.find("张伟") == std::string::npos);

  CHECK(parse_json_limited("{not json", {}).refusal == JsonRefusal::Syntax);
  CHECK(parse_json_limited("[1] [2]", {}).refusal == JsonRefusal::Syntax);
  CHECK(parse_json_limited("", {}).refusal == JsonRefusal::Syntax);
  CHECK(parse_json_limited("\"\xff\"", {}).refusal == JsonRefusal::Syntax);
}
