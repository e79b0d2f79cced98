// The durable request queue: one SQLite file (WAL, synchronous=FULL). A
// request is committed before anything tells the worker it was received.
// Schema version lives in PRAGMA user_version; migrations are tested.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/base/expected.hpp"
#include "kiosk/domain/form.hpp"
#include "kiosk/store/seal.hpp"

namespace kiosk {

enum class RequestState { Queued, Sending, Delivered, Handled, Quarantined };
std::string_view to_string(RequestState s);
std::optional<RequestState> parse_request_state(std::string_view s);

struct RequestRecord {
  std::string id;               // UUIDv7, time-ordered: the sync idempotency key
  std::string ticket;           // "F-0427", unique on this kiosk
  std::string service_id;
  std::string content_version;
  int64_t created_at_ms = 0;
  RequestState state = RequestState::Queued;
  int64_t state_at_ms = 0;      // time of the last state change
  std::string state_reason;     // why (quarantine reason, last transient error, ...)
  std::string staff_note;       // the staff's short note for the worker (from the hub)
  // In clear only in a record just submitted (the caller's own answers) or
  // a row no key could seal; what the store reads back is sealed.
  std::optional<nlohmann::json> answers;
  std::string answers_sealed;   // crypto_box_seal of the answers JSON; "" once purged
  std::string sealed_to;        // base64url of the public key it is sealed to
  int attempts = 0;             // upload attempts so far
  int64_t delivered_at_ms = 0;
  bool has_answers() const { return answers.has_value() || !answers_sealed.empty(); }
};

struct NewRequest {
  std::string service_id;
  std::string ticket_prefix;
  std::string content_version;
  RequestPlan plan;
};

struct QueueStats {
  int queued = 0, sending = 0, delivered = 0, handled = 0, quarantined = 0;
  int64_t oldest_queued_ms = 0;  // created_at of the oldest queued (0 if none)
};

struct StoreOptions {
  int64_t retention_ms = 30LL * 24 * 3600 * 1000;  // answers kept after delivery
  bool create_if_missing = true;
  int busy_timeout_ms = 5000;      // another connection (sync, CLI) holding the write lock
  bool quick_check_on_open = true; // refuse a damaged file before anything writes to it
  std::string vfs;                 // name of a registered sqlite3_vfs; tests inject faults with it
  // Answers are sealed (crypto_box_seal) before they touch the file: to the
  // hub's box key when known (here, or adopted earlier by another
  // connection), else to local_box. With neither, submit and the v3->v4
  // migration of a file holding answers refuse (bad_request).
  std::string hub_box_public_key;  // 32 bytes, or "" when not known
  BoxKeyPair local_box;            // the kiosk's own pair before enrollment
};

class RequestStore final : public BookingLedger {
 public:
  // Never deletes or overwrites a damaged file: returns Error{ErrorKind::StoreDamaged}
  // and leaves the file for recovery.
  static Expected<std::unique_ptr<RequestStore>> open(const std::string& path,
                                                      StoreOptions opts = {});
  ~RequestStore() override;
  RequestStore(const RequestStore&) = delete;
  RequestStore& operator=(const RequestStore&) = delete;

  // One transaction: capacity and dedup checked, ticket issued, row written,
  // COMMIT durable. Errors: "slot_full", "duplicate", "disk_full", "read_only", "io".
  Expected<RequestRecord> submit(const NewRequest& req, int64_t now_ms);

  // Ticket match is case-insensitive ("f-0427"). Read errors are logged and read as "none".
  std::optional<RequestRecord> find(std::string_view ticket_or_id) const;
  // Newest first.
  std::vector<RequestRecord> list(std::optional<RequestState> state, int limit = 100,
                                  int offset = 0) const;
  QueueStats stats() const;

  // BookingLedger: non-quarantined local requests holding the resource / key.
  int local_bookings(const std::string& resource_key) const override;
  bool has_dedup_key(const std::string& dedup_key) const override;
  // Keyed with dedup.key beside the file (0600, made at the first open).
  std::string dedup_hash(const std::string& subject) const override;

  // --- sync side ---
  // Oldest queued first (creation order), at most max_items and about max_bytes
  // of answers; moved to Sending.
  Expected<std::vector<RequestRecord>> claim_batch(int max_items, int64_t max_bytes,
                                                   int64_t now_ms);
  // Sending -> Queued (after a failed batch or at start-up), attempts += 1, reason kept.
  Status requeue(const std::vector<std::string>& ids, std::string_view reason, int64_t now_ms);
  Status requeue_all_sending(std::string_view reason, int64_t now_ms);
  Status mark_delivered(const std::vector<std::string>& ids, int64_t now_ms);
  Status quarantine(const std::string& id, std::string_view reason, int64_t now_ms);
  Status mark_handled(const std::string& id, std::string_view staff_note, int64_t at_ms);
  // Answers of requests delivered longer than retention ago are erased; metadata stays.
  // Quarantined requests lose their answers `retention` after quarantine, too.
  // mark_delivered also runs it (at most once an hour of its clock).
  Expected<int> purge_expired(int64_t now_ms);

  // --- sealing ---
  // From now on new answers are sealed to `hub_public_key` (every connection
  // sees it: it is kept in the file), and each row sealed to `local` is opened
  // and sealed to the hub, all in one transaction. Returns how many were
  // re-sealed. RequestStore::open runs it when the options name a hub key.
  Expected<int> adopt_hub_key(const std::string& hub_public_key, const BoxKeyPair& local);
  // Rows whose answers are sealed to this (raw, 32-byte) public key.
  int count_sealed_to(std::string_view public_key) const;
  // The hub key new answers are sealed to, if any (options, else the file's).
  std::optional<std::string> hub_box_public_key() const;

  // Small key/value settings (sync cursor, kiosk id, content version).
  std::optional<std::string> setting(std::string_view key) const;
  Status set_setting(std::string_view key, std::string_view value);

  int schema_version() const;
  Status integrity_check() const;  // PRAGMA integrity_check == "ok"
  const std::string& path() const;

 private:
  struct Impl;
  explicit RequestStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// UUIDv7 (RFC 9562) from a millisecond clock and a CSPRNG.
std::string make_uuid_v7(int64_t unix_ms);

}  // namespace kiosk
