// JSON from outside the process (cards, hub bodies and replies, content,
// answers) parsed with limits held while parsing, not after: a nesting depth
// (a deep document never reaches a recursive copy), a size, and, where a
// contract says so, no key twice in one object. Built on nlohmann's SAX
// interface, so a refused document costs no more than reading it.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kiosk {

struct JsonLimits {
  size_t max_depth = 32;            // objects and arrays inside each other
  size_t max_bytes = 8u << 20;      // the text itself
  bool reject_duplicate_keys = false;
};

enum class JsonRefusal { TooLarge, TooDeep, DuplicateKey, Syntax };

struct JsonParse {
  std::optional<nlohmann::json> value;  // set on success
  JsonRefusal refusal = JsonRefusal::Syntax;
  std::string why;                      // for logs: a position or a key path, never a value
};

JsonParse parse_json_limited(std::string_view text, const JsonLimits& limits);

}  // namespace kiosk
