// The stable names of the error kinds, from the one list in expected.hpp.
#include <array>
#include <cstddef>

#include "kiosk/base/expected.hpp"

namespace kiosk {

namespace {

// In a function, so a kind named during another file's static start-up is safe.
const auto& names() {
#define KIOSK_ERROR_KIND_NAME(kind, name) std::string(name),
  static const std::array kNames = {KIOSK_ERROR_KINDS(KIOSK_ERROR_KIND_NAME)};
#undef KIOSK_ERROR_KIND_NAME
  return kNames;
}

}  // namespace

const std::string& to_string(ErrorKind kind) {
  return names().at(static_cast<std::size_t>(kind));
}

std::optional<ErrorKind> error_kind_named(std::string_view name) {
  const auto& all = names();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i] == name) return static_cast<ErrorKind>(i);
  return std::nullopt;
}

}  // namespace kiosk
