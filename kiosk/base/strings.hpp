// The kiosk's string tables (assets/strings/*.json), merged: key -> {zh, en}.
// Every user-facing text that is not content comes from here.
#pragma once
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/text.hpp"

namespace kiosk {

// The embedded tables, loaded once. An unknown key returns a Text holding
// the key itself (so a missing string is visible, never a crash).
const Text& tr(std::string_view key);
// Problems found when the tables were merged (duplicate keys, missing language).
std::vector<std::string> string_table_problems();

// --- added by the form engine ---

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
