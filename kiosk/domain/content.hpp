// The content bundle: services and their forms, duty slots, mixer events,
// childcare periods and classes, attendance, notices, trusted card keys.
// Forms are data, not code (see docs/content-format.md).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/expected.hpp"
#include "kiosk/base/text.hpp"
#include "kiosk/domain/schedule.hpp"

namespace kiosk {

enum class FieldType {
  Text,         // free text
  Name,         // a person's real name (CJK or Latin)
  Phone,        // mainland mobile, optionally +86
  IdNumber,     // GB 11643 resident ID
  Date,         // YYYY-MM-DD
  Number,       // integer or decimal, range-checked
  SingleChoice, // one of choices[]
  MultiChoice,  // any of choices[]
  Consent,      // must be true when required
  MemberCard,   // the member number (sub) of a verified card
  SlotPick,     // id of a DutySlot
  EventPick,    // id of a MixerEvent
  ClassPick,    // id of a ChildcareClass
};

struct Choice {
  std::string id;
  Text label;
};

// Show a field only when another answer calls for it:
// shown iff answers[field] equals one of `any_of` (for multi-choice: contains one).
struct ShowIf {
  std::string field;
  std::vector<std::string> any_of;
};

struct Field {
  std::string id;
  FieldType type = FieldType::Text;
  Text label;
  Text hint;
  bool required = false;
  std::optional<int> min_length;  // in Unicode characters
  std::optional<int> max_length;
  std::optional<double> min;      // Number: value range; Date: not used
  std::optional<double> max;
  bool integer = false;           // Number: whole numbers only
  std::vector<Choice> choices;
  std::optional<ShowIf> show_if;
  bool sensitive = false;         // PIPL art. 28: needs the service's sensitive consent
  std::string prefill;            // "card.name", "card.sub", "card.org" or empty
  std::string keyboard;           // "pinyin", "letters", "digits", "id", "phone" hint for the UI
  std::optional<std::string> date_not_before; // "today" or YYYY-MM-DD
  std::optional<std::string> date_not_after;  // "today" or YYYY-MM-DD
};

// One question group a page.
struct Page {
  std::string id;
  Text title;
  std::vector<std::string> fields;  // field ids, in order
  Text intro;                       // optional note above the questions (e.g. confidentiality)
};

struct ServicePolicy {
  bool members_only = false;             // needs a valid member card
  bool one_per_member_per_event = false; // matchmaking
  bool one_per_child_per_period = false; // childcare
  double min_attendance_ratio = 0.0;     // childcare: 0.7
  std::string child_id_field;            // childcare: field holding the child's ID number
  std::string child_age_class_field;     // childcare: ClassPick field whose age range applies
  // --- added by the form engine ---
  std::string sensitive_consent_field;   // Consent field that sensitive fields need (PIPL art. 29)
  std::string gender_field;              // SingleChoice with choices "m"/"f" (gender-balanced events)
  std::string birth_year_field;          // Number: checked against an event's age range
};

struct Service {
  std::string id;             // "legal", "hardship", "mixer", "childcare"
  std::string ticket_prefix;  // "F", "K", "L", "T"
  Text name;
  Text summary;
  Text next_steps;            // shown on the ticket screen
  std::string icon;           // asset hint for the UI
  ServicePolicy policy;
  std::vector<Field> fields;
  std::vector<Page> pages;
  const Field* field(const std::string& id) const;
};

struct DutySlot {
  std::string id;
  std::string date;   // YYYY-MM-DD
  std::string start;  // HH:MM
  std::string end;    // HH:MM
  Text counsellor;    // lawyer or mediator
  Text venue;
  int capacity = 0;
  int booked = 0;     // already taken elsewhere, as last known from the hub
  std::string rule;   // the SlotRule that made it (expand_schedules); empty = explicit
};

struct MixerEvent {
  std::string id;
  Text title;
  std::string date;
  std::string start;
  Text venue;
  int capacity = 0;
  int booked = 0;
  int min_age = 18;
  int max_age = 60;
  bool gender_balanced = false;  // capacity split half and half by gender
  int booked_m = 0;              // of `booked`, by gender (gender-balanced events)
  int booked_f = 0;
  std::string rule;              // the EventRule that made it; empty = explicit
};

struct ChildcarePeriod {
  std::string id;
  Text name;          // "2027 暑期托管班"
  std::string start;  // YYYY-MM-DD
  std::string end;
  std::string signup_opens;
  std::string signup_closes;
  std::string previous_period;  // id of the period whose attendance counts
  std::string rule;             // the PeriodRule that made it; empty = explicit
};

struct ChildcareClass {
  std::string id;
  std::string period;  // ChildcarePeriod id
  Text name;
  Text venue;
  int capacity = 30;
  int booked = 0;
  int min_age = 6;
  int max_age = 12;
  std::string rule;    // the PeriodRule that made it; empty = explicit
};

// Attendance of a child in a period. The child is identified by the SHA-256
// of the ID number (hex, uppercase X kept), never the number itself.
struct Attendance {
  std::string child_id_sha256;
  std::string period;
  int days_attended = 0;
  int days_total = 0;
};

struct Notice {
  std::string id;
  Text title;
  Text body;
  std::string from;   // YYYY-MM-DD, inclusive; empty = always
  std::string until;
};

struct TrustedKey {
  std::string kid;
  std::string public_key_b64url;  // 32-byte Ed25519 key
  // A key whose private half is public (the card spec's demo-2026): trusted
  // only by a kiosk in demo mode, which shows so on screen.
  bool demo = false;
};

struct ContentBundle {
  std::string version;  // e.g. "2026.11.22-1"
  std::string published;  // YYYY-MM-DD (manifest), may be empty
  std::vector<Service> services;
  std::vector<DutySlot> slots;
  std::vector<MixerEvent> events;
  std::vector<ChildcarePeriod> periods;
  std::vector<ChildcareClass> classes;
  std::vector<Attendance> attendance;
  std::vector<Notice> notices;
  std::vector<TrustedKey> trusted_keys;
  std::vector<std::string> revoked_members;
  // The rules slots, events and periods are made from (expand_schedules).
  Schedules schedules;

  const Service* service(const std::string& id) const;
  const DutySlot* slot(const std::string& id) const;
  const MixerEvent* event(const std::string& id) const;
  const ChildcarePeriod* period(const std::string& id) const;
  const ChildcareClass* klass(const std::string& id) const;
};

// A problem found while checking a bundle: names the file and the field.
struct ContentProblem {
  std::string file;   // "services.json"
  std::string path;   // JSON path of the field, e.g. "services[1].fields[3].label.en"
  std::string message;
};

struct ContentLoad {
  std::optional<ContentBundle> bundle;       // set only when problems is empty
  std::vector<ContentProblem> problems;
};

// Files of a bundle by name ("manifest.json", "services.json", ...).
using ContentFiles = std::map<std::string, std::string>;

// Never throws: malformed JSON, wrong types and broken references all come
// back as problems, and then no bundle.
ContentLoad load_content(const ContentFiles& files);
ContentLoad load_content_dir(const std::string& dir);
ContentLoad load_embedded_content();  // assets/content compiled in

// --- added by the form engine ---

// The semantic checks of load_content (references, both languages, rules
// well-formed) over a bundle already parsed. Empty when the bundle is usable.
std::vector<ContentProblem> check_content(const ContentBundle& b);

// The files a bundle is made of, and which is required.
const std::vector<std::string>& content_file_names();
std::string to_string(FieldType t);
std::optional<FieldType> parse_field_type(std::string_view s);
// "services.json: services[1].fields[3].label.en: missing English text"
std::string describe(const ContentProblem& p);

// Notices to show on `today` (from/until inclusive, empty = unbounded), in
// bundle order.
std::vector<const Notice*> notices_on(const ContentBundle& b, const std::string& today_iso);

}  // namespace kiosk
