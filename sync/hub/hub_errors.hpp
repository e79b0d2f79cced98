// What the hub answers for each kind of failure, in one place for every
// route: the HTTP status, the stable error code of the body, the string-table
// key of its message and the Retry-After, if any. Independent of the HTTP
// library. Failures that ask the kiosk to come back later (quotas, rate
// limits) carry their delay; retry_later() makes one, retry_after_s() reads it.
#pragma once
#include <string>

#include "kiosk/base/expected.hpp"

namespace kiosk::hub {

struct HttpFailure {
  int status = 503;
  std::string code;      // the body's "error"
  std::string text_key;  // the body's "message", from the string tables
  int retry_after_s = 0; // 0: no Retry-After header
};

HttpFailure http_failure(const Error& e);

// An error of `kind` (QuotaExceeded, RateLimited) that asks to wait `seconds`.
Error retry_later(ErrorKind kind, int seconds, const std::string& what);
// The wait such an error asks for; 0 if it asks none.
int retry_after_s(const Error& e);

}  // namespace kiosk::hub
