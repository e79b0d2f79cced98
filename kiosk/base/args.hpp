// The one argument parser of every program of the project (union-kiosk's
// touch UI and commands, union-hub, the benchmarks): --name value,
// --name=value, bare flags (--name or -x) and positional words. Anything not
// declared is remembered as `bad`, for the caller to answer with its usage
// (exit 2). --json is global (each program reads it first) and passed over.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk {

struct Args {
  std::map<std::string, std::string, std::less<>> opts;  // a flag holds "1"
  std::vector<std::string> words;
  std::string bad;           // the first undeclared or malformed word, if any
  std::size_t next = 0;      // with stop_at_word: the index after the first word

  // Reads `in` from index `from`. Positional words are collected when
  // `words_allowed`, else the first is `bad`. With `stop_at_word`, reading
  // ends at the first positional word (a command name): it is words[0] and
  // what follows it is the command's, from `next`.
  Args(const std::vector<std::string>& in, const std::vector<std::string_view>& with_value,
       const std::vector<std::string_view>& flags, std::size_t from = 0, bool words_allowed = true,
       bool stop_at_word = false);

  bool has(std::string_view name) const { return opts.find(name) != opts.end(); }
  std::string get(std::string_view name, const std::string& fallback = {}) const;
  // The option as a whole number in [lo, hi] (parse_number) into `out`;
  // `out` is left as it is when the option is absent. False when it is there
  // and not such a number: the caller answers with its usage.
  bool number(std::string_view name, int64_t lo, int64_t hi, int64_t& out) const;
  template <class Int>
  bool number(std::string_view name, int64_t lo, int64_t hi, Int& out) const {
    int64_t v = out;
    if (!number(name, lo, hi, v)) return false;
    out = static_cast<Int>(v);
    return true;
  }
};

// A whole decimal number in [lo, hi] and nothing else: a leading '-' only
// when lo < 0; "5abc", "", " 5", "+5", "1e3" and anything past int64 are not.
// The one number reader of every command line.
std::optional<int64_t> parse_number(std::string_view s, int64_t lo, int64_t hi);

// Whether `in` holds --json anywhere (the global JSON output switch).
bool wants_json(const std::vector<std::string>& in);

}  // namespace kiosk
