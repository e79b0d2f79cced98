// The kiosk's string tables (assets/strings/*.json), merged: key -> {zh, en}.
// Every user-facing text that is not content comes from here.
#pragma once
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/base/text.hpp"

namespace kiosk {

// The embedded tables, loaded once. An unknown key returns a Text holding
// the key itself (so a missing string is visible, never a crash).
const Text& tr(std::string_view key);
// Problems found when the tables were merged (duplicate keys, missing language).
std::vector<std::string> string_table_problems();

// "{name}" placeholders replaced by their values: the one filler of the
// tree. Each name is replaced wherever it stands; a value is never read
// again for placeholders. fill("第 {n} 步", {{"n", "2"}}).
using Placeholder = std::pair<std::string_view, std::string_view>;
std::string fill(std::string pattern, std::initializer_list<Placeholder> vars);
// The same values in both languages (a file name, a count, an id).
Text fill(const Text& t, std::initializer_list<Placeholder> vars);


// tr(key) with "{name}" placeholders filled, each language from its own side
// of the argument (a field label is bilingual too).
struct TextArg {
  std::string_view name;
  Text value;
};
Text trf(std::string_view key, std::initializer_list<TextArg> args);
Text trf(std::string_view key, const std::vector<TextArg>& args);
// The same argument in both languages (numbers, dates).
Text plain(std::string s);

// Merges tables given as file name -> JSON text into `out`; returns the
// problems (malformed file, duplicate key, missing language). tr() uses it
// over the embedded strings/*.json.
std::vector<std::string> merge_string_tables(const std::map<std::string, std::string>& files,
                                             std::map<std::string, Text, std::less<>>& out);

}  // namespace kiosk
