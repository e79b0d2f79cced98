// The kiosk <-> hub wire format (docs/sync-protocol.md): paths, limits and
// the JSON bodies, shared by both ends so they cannot drift apart.
// Parsing never throws: a malformed body is an Error with a kind.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/base/expected.hpp"

namespace kiosk::sync {

inline constexpr const char* kPathHealth = "/v1/health";
inline constexpr const char* kPathEnroll = "/v1/enroll";
inline constexpr const char* kPathRequests = "/v1/requests";
inline constexpr const char* kPathStatus = "/v1/status";
inline constexpr const char* kPathHeartbeat = "/v1/heartbeat";

inline constexpr int kMaxBatchItems = 500;             // hub refuses more (413)
inline constexpr int64_t kMaxBodyBytes = 8 << 20;      // any request body (413)
inline constexpr int64_t kMaxItemBytes = 256 << 10;    // one request's JSON (rejected: too_large)
inline constexpr int kMaxStatusChanges = 1000;         // per status page
inline constexpr int64_t kMaxReplyBytes = 16 << 20;    // the kiosk reads no more of a reply
inline constexpr size_t kMaxJsonDepth = 32;            // objects/arrays inside each other, any body (400 too_deep)
inline constexpr int kMaxTicketChars = 32;             // characters (code points), not bytes
inline constexpr int kMaxHeartbeatErrorChars = 64;

// One queued request as it travels up.
struct WireRequest {
  std::string id;  // UUIDv7: the idempotency key
  std::string ticket;
  std::string service_id;
  std::string content_version;
  int64_t created_at_ms = 0;
  nlohmann::json answers = nlohmann::json::object();
  // Set instead of `answers` by a kiosk that seals them to the hub:
  // base64url (no padding) of crypto_box_seal(answers JSON). On the wire
  // an item carries one of the two, never both.
  std::string answers_sealed;
};

struct UploadBatch {
  int64_t kiosk_time_ms = 0;
  std::vector<WireRequest> requests;
};

enum class ItemResult { Accepted, Duplicate, Rejected };
std::string_view to_string(ItemResult r);

struct ItemOutcome {
  std::string id;
  ItemResult result = ItemResult::Rejected;
  std::string reason;  // set when rejected: "conflict", "unknown_service", "invalid", "too_large"
};

struct UploadResponse {
  std::vector<ItemOutcome> results;
  int64_t hub_time_ms = 0;
};

struct StatusChange {
  std::string id;
  std::string ticket;
  std::string state;  // "handled"
  std::string staff_note;
  int64_t at_ms = 0;
};

struct StatusPage {
  std::vector<StatusChange> changes;
  std::string cursor;  // opaque; send back as ?cursor=
  bool more = false;   // ask again at once
};

struct Heartbeat {
  std::string app_version;
  std::string content_version;
  int queue_depth = 0;
  int quarantined = 0;
  int64_t oldest_queued_age_s = 0;
  std::string last_sync_error;  // a code, never personal data
  int64_t free_disk_bytes = 0;
  int64_t uptime_s = 0;
};

// The short code a sync cycle reports when the kiosk's own store failed, as
// last_sync_error and the sync.error.* messages name it: "store_" and the
// kind's name, once ("store_disk_full", "store_busy", "store_damaged").
std::string store_failure_code(ErrorKind kind);

struct EnrollRequest {
  std::string code;
  std::string app_version;
};

struct EnrollResponse {
  std::string kiosk_id;
  std::string kiosk_name;
  std::string token;
  // Raw 32 bytes each, "" from a hub that sends none; on the wire base64url
  // without padding as "box_public_key" (X25519, answers are sealed to it)
  // and "hash_key" (for keyed hashes of ID numbers).
  std::string box_public_key;
  std::string hash_key;
};

// An error body: {"error": code, "message": {"zh","en"}}.
struct HubError {
  std::string error;
  std::string message_en;
  std::string message_zh;
};

// Serialisation (compact JSON text).
std::string to_json(const WireRequest& r);  // canonical: keys sorted, no spaces
std::string to_json(const UploadBatch& b);
std::string to_json(const UploadResponse& r);
std::string to_json(const StatusPage& p);
std::string to_json(const Heartbeat& h);
std::string to_json(const EnrollRequest& e);
std::string to_json(const EnrollResponse& e);
std::string to_json(const HubError& e);

nlohmann::json wire_request_json(const WireRequest& r);

// Parsing: Error{ErrorKind::BadJson}, Error{ErrorKind::TooDeep} (nested past
// kMaxJsonDepth, refused while parsing: a deep document is never built) or
// Error{ErrorKind::BadField, field=...}.
Expected<UploadBatch> parse_upload_batch(std::string_view body);
Expected<WireRequest> parse_wire_request(const nlohmann::json& j);
Expected<UploadResponse> parse_upload_response(std::string_view body);
Expected<StatusPage> parse_status_page(std::string_view body);
Expected<Heartbeat> parse_heartbeat(std::string_view body);
Expected<EnrollRequest> parse_enroll_request(std::string_view body);
Expected<EnrollResponse> parse_enroll_response(std::string_view body);
std::optional<HubError> parse_hub_error(std::string_view body);

// A ticket as the hub stores it: 1..kMaxTicketChars characters of valid
// UTF-8, no control characters.
bool is_valid_ticket(std::string_view ticket);

// 8-4-4-4-12 lowercase or uppercase hex with version nibble 7.
bool is_uuid_v7(std::string_view id);

// Enrollment codes: 10 symbols of Crockford base32 shown as XXXXX-XXXXX.
// Normalising uppercases, drops spaces and dashes, maps O->0 and I/L->1.
std::string normalize_enroll_code(std::string_view code);

}  // namespace kiosk::sync
