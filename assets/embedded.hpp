// Files of assets/ compiled into the binary (embed_files() in cmake/kiosk.cmake).
// Names are relative to assets/, e.g. "content/services.json", "strings/ui.json".
#pragma once
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace kiosk::assets {
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files();
std::optional<std::string_view> embedded_file(std::string_view name);
}  // namespace kiosk::assets
