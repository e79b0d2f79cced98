// The form engine: which fields show, whether an answer is acceptable, and
// the service rules (capacity, duplicates, attendance, members only).
// Answers are a JSON object: field id -> string | number | bool | [string].
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/base/date.hpp"
#include "kiosk/base/text.hpp"
#include "kiosk/domain/content.hpp"
#include "kiosk/domain/member.hpp"

namespace kiosk {

using Answers = nlohmann::json;

struct FieldError {
  std::string field;  // field id ("" for a service-level rule)
  std::string code;   // "required", "id_checksum", "slot_full", ...
  Text message;       // says what to fix, both languages
};

// What the rules need to know beyond the answers. The request store
// implements BookingLedger over what this kiosk has queued.
class BookingLedger {
 public:
  virtual ~BookingLedger() = default;
  virtual int local_bookings(const std::string& resource_key) const = 0;
  virtual bool has_dedup_key(const std::string& dedup_key) const = 0;
  // The keyed hash a duplicate-check key ends with, of a member number or a
  // child's ID number, under the ledger's own secret: HMAC-SHA256(secret,
  // upper-case SHA-256 hex of `subject`), upper-case hex. (Over the SHA-256
  // so that keys written unkeyed by older versions can be re-keyed.)
  virtual std::string dedup_hash(const std::string& subject) const = 0;
};

struct RuleContext {
  const ContentBundle* content = nullptr;
  Date today;
  std::optional<MemberIdentity> member;  // set only for a card verified `valid`
  const BookingLedger* ledger = nullptr; // may be null: then only content counts, no duplicates
  // The key attendance.json's child_id_sha256 is keyed with (the hub's
  // hash.key, kiosk/domain/id_hash.hpp); "" when this side has none: then
  // attendance cannot be matched and the rule is left to the hub.
  std::string id_hash_key;
};

// A place held by a request: counted against `capacity` atomically at submit.
struct Reservation {
  std::string resource_key;  // "slot:S-20261201-AM", "event:M-202612:gender:f", "class:C-2027S-A"
  int capacity = 0;          // places this kiosk may still give (capacity - booked)
};

// A duplicate check a request holds ("one signup per member per event"),
// kept until the end of `until` (the event's day, the period's last day;
// "" = as long as the request's answers), then deleted.
struct DedupKey {
  std::string key;    // "mixer:M-202612:<keyed hash>": never the number itself
  std::string until;  // ISO date
  DedupKey() = default;
  DedupKey(std::string k, std::string u = {}) : key(std::move(k)), until(std::move(u)) {}
  bool operator==(const DedupKey& o) const { return key == o.key && until == o.until; }
};

// What a valid request carries into the store besides its answers.
struct RequestPlan {
  Answers answers;                        // hidden fields dropped, values normalised
  std::vector<Reservation> reservations;
  std::vector<DedupKey> dedup_keys;       // only with a ledger (it keys them)
};

bool field_visible(const Field& f, const Answers& answers);

// Field-level check of one answer (type, required, length, range, format).
std::vector<FieldError> validate_field(const Service& s, const Field& f, const Answers& answers,
                                       const RuleContext& ctx);
std::vector<FieldError> validate_page(const Service& s, const Page& p, const Answers& answers,
                                      const RuleContext& ctx);

// The first key of `answers` that is not a field of the service, as an
// error with code "unknown_field": a form never makes one, so the answers
// did not come from a form. The key is named back only when it is a plain
// identifier (1-64 of A-Z a-z 0-9 _ - .), else the error's field is "".
std::optional<FieldError> unknown_answer_key(const Service& s, const Answers& answers);

// Everything: unknown keys, all visible fields, then the service rules. On
// success, the plan.
struct FormCheck {
  std::vector<FieldError> errors;
  std::optional<RequestPlan> plan;  // set iff errors is empty
};
FormCheck check_request(const Service& s, const Answers& answers, const RuleContext& ctx);

// The one spelling of a place's key, for the rules that reserve it, the
// store that counts it and the pick lists that show what is left of it:
// "slot:S-20261201-AM", "event:M-202612", "class:C-2027S-A" for a pick of
// that type, "event:M-202612:gender:f" for half of a gender-balanced event.
std::string place_key(FieldType pick, const std::string& id);
std::string gender_place_key(const std::string& event_id, const std::string& gender);
// The pick type a place key belongs to; nullopt for a key of none.
std::optional<FieldType> place_pick_type(std::string_view key);

// Places left for a pickable resource, for the pick lists (never negative).
int places_left(const RuleContext& ctx, const std::string& resource_key, int capacity, int booked);

// Fill empty answers from a verified card per Field::prefill.
void prefill_from_card(const Service& s, const MemberIdentity& m, Answers& answers);

// --- added by the form engine ---

// The answer to `f`, normalised (trimmed; phone as 11 digits; ID with
// upper-case X; numbers as numbers), or nullopt when not answered. Problems
// with the value are appended to `errors`. Does not look at visibility.
std::optional<nlohmann::json> normalize_answer(const Service& s, const Field& f,
                                               const Answers& answers, const RuleContext& ctx,
                                               std::vector<FieldError>& errors);

// The service's rules across fields (members only, capacity, one signup per
// member per event, one registration per child per period, attendance, ages,
// sensitive consent) over normalised answers of visible fields. A rule whose
// inputs are not answered yet is skipped. Fills `plan` reservations and dedup
// keys when given.
std::vector<FieldError> check_service_rules(const Service& s, const Answers& normalized,
                                            const RuleContext& ctx, RequestPlan* plan);

// The dedup keys of the rules, keyed by `ledger`, for tools that look a
// request up.
std::string member_event_dedup_key(const BookingLedger& ledger, const std::string& service_id,
                                   const std::string& event_id, const std::string& member_sub);
std::string child_period_dedup_key(const BookingLedger& ledger, const std::string& service_id,
                                   const std::string& period_id, const std::string& child_id_number);

}  // namespace kiosk
