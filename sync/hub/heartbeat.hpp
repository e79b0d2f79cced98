// A kiosk's heartbeat as the hub accepts it: the known fields of
// docs/sync-protocol.md ("Heartbeat") within their bounds, nothing else. A
// body with another key, a field of the wrong type or out of its range is
// refused whole (400 bad_field with the field), so what the hub keeps and
// `union-hub kiosk list` shows is bounded by this and nothing a kiosk sends.
#pragma once
#include <cstdint>
#include <string_view>

#include "kiosk/base/expected.hpp"
#include "sync/protocol/protocol.hpp"

namespace kiosk::hub {

inline constexpr int64_t kMaxHeartbeatBytes = 4096;

Expected<sync::Heartbeat> parse_heartbeat_bounded(std::string_view body);

}  // namespace kiosk::hub
