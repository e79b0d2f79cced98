// The kiosk's string tables (assets/strings/*.json), merged: key -> {zh, en}.
// Every user-facing text that is not content comes from here.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/text.hpp"

namespace kiosk {

// The embedded tables, loaded once. An unknown key returns a Text holding
// the key itself (so a missing string is visible, never a crash).
const Text& tr(std::string_view key);
// Problems found when the tables were merged (duplicate keys, missing language).
std::vector<std::string> string_table_problems();

}  // namespace kiosk
