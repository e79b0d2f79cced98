#include "kiosk/domain/id_hash.hpp"

#include "kiosk/base/hash.hpp"
#include "kiosk/domain/validate.hpp"

namespace kiosk {

const std::string_view kDemoIdHashKey = "union-kiosk demo attendance key!";

std::optional<std::string> normalize_id_number(std::string_view id_number) {
  std::string s = trim(fold_fullwidth(id_number));
  for (char& c : s)
    if (c == 'x') c = 'X';
  if (s.size() != 18) return std::nullopt;
  for (size_t i = 0; i < 17; ++i)
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  if (!(s[17] == 'X' || (s[17] >= '0' && s[17] <= '9'))) return std::nullopt;
  if (id_check_character(std::string_view(s).substr(0, 17)) != s[17]) return std::nullopt;
  return s;
}

std::optional<std::string> child_id_hash(std::string_view key, std::string_view id_number) {
  if (key.empty()) return std::nullopt;
  auto id = normalize_id_number(id_number);
  if (!id) return std::nullopt;
  return hmac_sha256_hex(key, *id, HexCase::Upper);
}

}  // namespace kiosk
