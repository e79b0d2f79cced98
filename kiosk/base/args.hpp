// The one argument parser of union-kiosk's commands: --name value,
// --name=value, bare flags and positional words. Anything a command did not
// declare is remembered as `bad`, for the command to answer with its usage
// (exit 2). --json is global (main sets CliEnv::json) and passed over here.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

namespace kiosk::cli {

struct Args {
  std::map<std::string, std::string> opts;  // a flag holds "1"
  std::vector<std::string> words;
  std::string bad;  // the first undeclared or malformed word, if any

  // Reads `in` from index `from`. Positional words are collected when
  // `words_allowed`, else the first is `bad`.
  Args(const std::vector<std::string>& in, std::initializer_list<const char*> with_value,
       std::initializer_list<const char*> flags, std::size_t from = 0, bool words_allowed = true);

  bool has(const std::string& name) const { return opts.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = {}) const;
};

}  // namespace kiosk::cli
