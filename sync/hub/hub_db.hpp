// The hub's storage: one SQLite file (WAL, synchronous=FULL) in the hub's
// data directory. Kiosks and their token hashes, the requests they sent
// (idempotent by (kiosk, id): one kiosk's ids say nothing about another's),
// staff decisions as a change log the kiosks pull. One connection behind a
// mutex: every write is one short transaction. What one kiosk's token may
// do is bounded here too: its uploads per hour (quota.hpp), its answers
// checked against the form (validate.hpp), and the enrollment codes tried
// per address and per code (enroll_limit.hpp).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kiosk/base/expected.hpp"
#include "kiosk/domain/content.hpp"
#include "sync/hub/enroll_limit.hpp"
#include "sync/hub/hub_keys.hpp"
#include "sync/hub/quota.hpp"
#include "sync/protocol/protocol.hpp"

namespace kiosk::hub {

struct KioskInfo {
  int64_t id = 0;
  std::string name;
  int64_t created_ms = 0;
  int64_t enrolled_ms = 0;   // 0: code not used yet
  int64_t revoked_ms = 0;    // 0: active
  int64_t last_seen_ms = 0;  // last authenticated call
  int64_t last_heartbeat_ms = 0;
  std::string heartbeat_json;  // the last heartbeat body as received
  int64_t requests = 0;        // requests held from this kiosk
};

struct EnrollmentCode {
  int64_t kiosk_id = 0;
  std::string code;  // shown once; only its hash is kept
  int64_t expires_ms = 0;
};

struct HubRequest {
  std::string id;
  int64_t kiosk_id = 0;
  int64_t kiosk_seq = 0;  // arrival order within the kiosk (1, 2, ...)
  std::string ticket, service_id, content_version;
  int64_t created_at_ms = 0, received_at_ms = 0;
  std::string state;  // "received" | "handled"
  std::string staff_note;
  int64_t handled_at_ms = 0;
  bool out_of_order = false;  // arrived after a later-created request of its kiosk
  // Canonical JSON of the item (answers included), opened from its sealed
  // copy: hub.db holds it only under at-rest.key (hub_keys.hpp). Empty in
  // list_requests (which never shows answers) and when the db was opened
  // without keys; `unopenable` when the sealed copy did not open.
  std::string body;
  bool unopenable = false;
};

struct RequestFilter {
  std::optional<int64_t> kiosk_id;
  std::optional<std::string> state;
  int limit = 100;
};

struct HubDbOptions {
  QuotaLimits quota;
  EnrollLimits enroll;
  // The forms uploads are checked against; null: no form check (the admin
  // commands, which never ingest).
  std::shared_ptr<const ContentBundle> content;
  // The hub's keys: answers sealed by kiosks are opened with them, and every
  // body is stored under at-rest.key. Null: nothing can be ingested or
  // shown (the answers stay sealed), and a file holding clear rows from
  // before schema 3 is refused, as its migration seals them.
  std::shared_ptr<const HubKeys> keys;
};

class HubDb {
 public:
  static Expected<std::unique_ptr<HubDb>> open(const std::string& path, HubDbOptions opts = {});
  ~HubDb();
  HubDb(const HubDb&) = delete;
  HubDb& operator=(const HubDb&) = delete;

  // --- admin ---
  Expected<EnrollmentCode> add_kiosk(const std::string& name, int64_t now_ms, int64_t valid_ms);
  Expected<std::vector<KioskInfo>> list_kiosks() const;
  Status revoke_kiosk(int64_t kiosk_id, int64_t now_ms);
  Expected<std::vector<HubRequest>> list_requests(const RequestFilter& f) const;
  // Ids are the kiosks' own: two kiosks may hold the same one.
  Expected<std::vector<HubRequest>> find_requests(const std::string& id) const;
  std::optional<HubRequest> find_request(int64_t kiosk_id, const std::string& id) const;
  // Marks handled with the staff's short note (stored sealed, like the
  // answers); the kiosk pulls it down. Needs the keys.
  Status resolve_request(int64_t kiosk_id, const std::string& id, const std::string& note,
                         int64_t now_ms);
  int64_t count_requests() const;

  // --- protocol ---
  // Errors: "rate_limited" (too many tries from this address or in all,
  // with a retry delay), "invalid_code" (unknown, used, expired or retired
  // after EnrollLimits::code_failures wrong tries), "revoked".
  Expected<sync::EnrollResponse> enroll(const std::string& code, int64_t now_ms,
                                        const std::string& remote_addr = "?");
  // Errors: "unauthorized" (unknown token), "revoked".
  Expected<int64_t> authenticate(const std::string& token, int64_t now_ms);
  // One transaction; results are returned only after COMMIT. Each item is
  // checked (fields, service, its form), then the new ones are held against
  // the kiosk's quota all together: "quota_exceeded" (with a retry delay)
  // stores nothing. Duplicates and rejected items cost no quota.
  Expected<sync::UploadResponse> ingest(int64_t kiosk_id, const sync::UploadBatch& batch,
                                        const std::set<std::string>& services, int64_t now_ms);
  Expected<sync::StatusPage> changes_since(int64_t kiosk_id, const std::string& cursor,
                                           int limit) const;
  Status record_heartbeat(int64_t kiosk_id, const std::string& heartbeat_json, int64_t now_ms);

 private:
  struct Impl;
  friend Status migrate_to_v3(Impl& impl);
  explicit HubDb(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};


}  // namespace kiosk::hub
