// `union-kiosk enroll`: a one-time code from `union-hub kiosk add` traded for
// this kiosk's device token, recorded in the install (Install::record_enrollment).
#pragma once
#include <string>

#include "kiosk/base/expected.hpp"
#include "kiosk/install/install.hpp"
#include "sync/client/transport.hpp"
#include "sync/protocol/protocol.hpp"

namespace kiosk::sync {

// POST /v1/enroll; then a copy of the CA (hub-ca.pem), the token (0600) and
// the hub's keys in config.json. Errors carry the hub's or the transport's
// code ("invalid_code", "revoked", "offline", ...), or "bad_ca".
Expected<EnrollResponse> enroll_kiosk(Install& install, const std::string& hub_url,
                                      const std::string& code, const std::string& ca_file,
                                      bool allow_plain_http_loopback, TransportOptions t = {});

}  // namespace kiosk::sync
