#include "sync/hub/hub_errors.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "kiosk/base/strings.hpp"

namespace kiosk::hub {

namespace {
constexpr const char* kRetryTag = "retry_after_s=";
}

Error retry_later(ErrorKind kind, int seconds, const std::string& what) {
  const char* key = kind == ErrorKind::QuotaExceeded ? "hub.quota_exceeded" : "hub.rate_limited";
  return Error{kind, tr(key), "", what + " " + kRetryTag + std::to_string(seconds)};
}

int retry_after_s(const Error& e) {
  const auto at = e.detail.rfind(kRetryTag);
  if (at == std::string::npos) return 0;
  return std::atoi(e.detail.c_str() + at + std::char_traits<char>::length(kRetryTag));
}

HttpFailure http_failure(const Error& e) {
  switch (e.kind) {
    case ErrorKind::BadJson: return {400, "bad_json", "sync.hub.bad_json", 0};
    case ErrorKind::BadField: return {400, "bad_field", "sync.hub.bad_field", 0};
    case ErrorKind::InvalidCode: return {401, "invalid_code", "sync.enroll.invalid_code", 0};
    case ErrorKind::Unauthorized: return {401, "unauthorized", "sync.unauthorized", 0};
    case ErrorKind::Revoked: return {403, "revoked", "sync.revoked", 0};
    case ErrorKind::QuotaExceeded:
      return {429, "quota_exceeded", "hub.quota_exceeded", std::max(1, retry_after_s(e))};
    case ErrorKind::RateLimited:
      return {429, "rate_limited", "hub.rate_limited", std::max(1, retry_after_s(e))};
    default: return {503, "storage", "sync.hub.storage", 10};
  }
}

}  // namespace kiosk::hub
