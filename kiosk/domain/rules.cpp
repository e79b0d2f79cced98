// The service rules of DOMAIN.md, enforced locally with what this kiosk
// knows (content counts from the hub plus its own queue); the hub enforces
// them globally later.
#include <algorithm>
#include <cmath>
#include <utility>

#include "kiosk/base/strings.hpp"
#include "kiosk/domain/form.hpp"
#include "kiosk/domain/id_hash.hpp"
#include "kiosk/domain/validate.hpp"

namespace kiosk {
namespace {

using nlohmann::json;

class Rules {
 public:
  Rules(const Service& s, const Answers& a, const RuleContext& ctx, RequestPlan* plan)
      : s_(s), a_(a), ctx_(ctx), plan_(plan) {}

  std::vector<FieldError> run() {
    members_only();
    sensitive_consent();
    for (const auto& f : s_.fields) {
      auto id = answer(f.id);
      if (!id) continue;
      if (f.type == FieldType::SlotPick) slot(f, *id);
      if (f.type == FieldType::EventPick) event(f, *id);
      if (f.type == FieldType::ClassPick) klass(f, *id);
    }
    return std::move(errors_);
  }

 private:
  std::optional<std::string> answer(const std::string& fid) const {
    if (fid.empty() || !a_.is_object()) return std::nullopt;
    auto it = a_.find(fid);
    if (it == a_.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  }

  void add(std::string field, std::string code, std::string_view key, std::vector<TextArg> args = {}) {
    errors_.push_back({std::move(field), std::move(code), trf(key, args)});
  }

  // Holds a place unless none is left; false when full.
  bool reserve(const std::string& key, int capacity, int booked) {
    if (places_left(ctx_, key, capacity, booked) <= 0) return false;
    if (plan_) plan_->reservations.push_back({key, capacity - booked});
    return true;
  }

  void dedup(const std::string& key, const std::string& until) {
    if (!plan_) return;
    for (const auto& k : plan_->dedup_keys)
      if (k.key == key) return;
    plan_->dedup_keys.push_back({key, until});
  }

  bool known_duplicate(const std::string& key) const {
    return ctx_.ledger && ctx_.ledger->has_dedup_key(key);
  }

  void members_only() {
    if (!s_.policy.members_only || ctx_.member) return;
    std::string field;
    for (const auto& f : s_.fields)
      if (f.type == FieldType::MemberCard && field.empty()) field = f.id;
    add(field, "members_only", "core.rule.members_only", {{"service", s_.name}});
  }

  void sensitive_consent() {
    const auto& cid = s_.policy.sensitive_consent_field;
    const Field* consent = s_.field(cid);
    if (!consent) return;
    bool given = a_.is_object() && a_.contains(cid) && a_[cid] == json(true);
    if (given) return;
    for (const auto& f : s_.fields) {
      if (f.sensitive && a_.is_object() && a_.contains(f.id)) {
        add(cid, "sensitive_consent_required", "core.rule.sensitive_consent",
            {{"field", consent->label}});
        return;
      }
    }
  }

  void slot(const Field& f, const std::string& id) {
    const DutySlot* slot = ctx_.content ? ctx_.content->slot(id) : nullptr;
    if (!slot) return add(f.id, "slot_unknown", "core.slot.unknown");
    const std::vector<TextArg> args = {{"date", plain(slot->date)},
                                       {"time", plain(slot->start + "-" + slot->end)},
                                       {"counsellor", slot->counsellor}};
    auto day = Date::parse(slot->date);
    if (!day || *day < ctx_.today) return add(f.id, "slot_past", "core.slot.past", args);
    if (!reserve(place_key(FieldType::SlotPick, id), slot->capacity, slot->booked))
      add(f.id, "slot_full", "core.slot.full", args);
  }

  void event(const Field& f, const std::string& id) {
    const MixerEvent* ev = ctx_.content ? ctx_.content->event(id) : nullptr;
    if (!ev) return add(f.id, "event_unknown", "core.event.unknown");
    const std::vector<TextArg> args = {{"event", ev->title}, {"date", plain(ev->date)}};
    auto day = Date::parse(ev->date);
    if (!day || *day < ctx_.today) return add(f.id, "event_past", "core.event.past", args);
    if (!reserve(place_key(FieldType::EventPick, id), ev->capacity, ev->booked))
      return add(f.id, "event_full", "core.event.full", args);

    if (auto g = answer(s_.policy.gender_field); g && ev->gender_balanced && (*g == "m" || *g == "f")) {
      const int booked = *g == "m" ? ev->booked_m : ev->booked_f;
      if (!reserve(gender_place_key(id, *g), ev->capacity / 2, booked)) {
        auto gargs = args;
        gargs.push_back({"gender", tr(*g == "m" ? "core.gender.m" : "core.gender.f")});
        add(f.id, "event_gender_full", "core.event.gender_full", gargs);
      }
    }

    if (const Field* by = s_.field(s_.policy.birth_year_field); by && a_.contains(by->id) &&
                                                                a_[by->id].is_number()) {
      const int age = day->year - a_[by->id].get<int>();
      if (age < ev->min_age || age > ev->max_age) {
        auto aargs = args;
        aargs.push_back({"min", plain(std::to_string(ev->min_age))});
        aargs.push_back({"max", plain(std::to_string(ev->max_age))});
        aargs.push_back({"field", by->label});
        add(by->id, "age_out_of_range", "core.event.age_out_of_range", aargs);
      }
    }

    if (s_.policy.one_per_member_per_event && ctx_.member && ctx_.ledger) {
      const std::string key = member_event_dedup_key(*ctx_.ledger, s_.id, id, ctx_.member->sub);
      if (known_duplicate(key))
        add(f.id, "duplicate_signup", "core.rule.duplicate_signup", args);
      dedup(key, day->iso());
    }
  }

  void klass(const Field& f, const std::string& id) {
    const ChildcareClass* k = ctx_.content ? ctx_.content->klass(id) : nullptr;
    const ChildcarePeriod* period = k ? ctx_.content->period(k->period) : nullptr;
    if (!k || !period) return add(f.id, "class_unknown", "core.class.unknown");
    std::vector<TextArg> args = {{"class", k->name},
                                 {"period", period->name},
                                 {"capacity", plain(std::to_string(k->capacity))}};
    auto opens = Date::parse(period->signup_opens), closes = Date::parse(period->signup_closes);
    if (opens && ctx_.today < *opens) {
      args.push_back({"date", plain(opens->iso())});
      return add(f.id, "signup_not_open", "core.class.signup_not_open", args);
    }
    if (!closes || ctx_.today > *closes) {
      args.push_back({"date", plain(period->signup_closes)});
      return add(f.id, "signup_closed", "core.class.signup_closed", args);
    }
    if (!reserve(place_key(FieldType::ClassPick, id), k->capacity, k->booked)) add(f.id, "class_full", "core.class.full", args);

    if (f.id != s_.policy.child_age_class_field) return;
    const std::string& child_field = s_.policy.child_id_field;
    auto child_id = answer(child_field);
    if (!child_id) return;
    IdNumberInfo info;
    if (check_id_number(*child_id, ctx_.today, &info) != IdProblem::None) return;

    const auto start = Date::parse(period->start);
    const int age = start ? age_on(info.birth, *start) : -1;
    std::vector<TextArg> age_args = args;
    age_args.push_back({"date", plain(period->start)});
    age_args.push_back({"age", plain(std::to_string(age))});
    age_args.push_back({"min", plain(std::to_string(k->min_age))});
    age_args.push_back({"max", plain(std::to_string(k->max_age))});
    if (age < k->min_age) add(f.id, "child_too_young", "core.rule.child_too_young", age_args);
    if (age > k->max_age) add(f.id, "child_too_old", "core.rule.child_too_old", age_args);

    if (s_.policy.one_per_child_per_period && ctx_.ledger) {
      const std::string key = child_period_dedup_key(*ctx_.ledger, s_.id, period->id, *child_id);
      if (known_duplicate(key)) add(child_field, "duplicate_child", "core.rule.duplicate_child", args);
      dedup(key, period->end);
    }

    // Attendance is matched under the province's key; a side without it
    // (a kiosk not enrolled, outside demo mode) leaves the rule to the hub.
    const auto hash = child_id_hash(ctx_.id_hash_key, *child_id);
    if (hash && s_.policy.min_attendance_ratio > 0 && !period->previous_period.empty()) {
      for (const auto& rec : ctx_.content->attendance) {
        if (rec.period != period->previous_period || rec.child_id_sha256 != *hash || rec.days_total <= 0)
          continue;
        const double ratio = static_cast<double>(rec.days_attended) / rec.days_total;
        if (ratio + 1e-9 < s_.policy.min_attendance_ratio) {
          const ChildcarePeriod* prev = ctx_.content->period(rec.period);
          auto att_args = args;
          att_args.push_back({"previous", prev ? prev->name : plain(rec.period)});
          att_args.push_back({"percent", plain(std::to_string(static_cast<int>(std::floor(ratio * 100))))});
          att_args.push_back({"min_percent",
                              plain(std::to_string(static_cast<int>(std::lround(s_.policy.min_attendance_ratio * 100))))});
          add(child_field, "low_attendance", "core.rule.low_attendance", att_args);
        }
        break;
      }
    }
  }

  const Service& s_;
  const Answers& a_;
  const RuleContext& ctx_;
  RequestPlan* plan_;
  std::vector<FieldError> errors_;
};

}  // namespace

std::vector<FieldError> check_service_rules(const Service& s, const Answers& normalized,
                                            const RuleContext& ctx, RequestPlan* plan) {
  return Rules(s, normalized, ctx, plan).run();
}

namespace {
constexpr std::pair<FieldType, std::string_view> kPlacePrefixes[] = {
    {FieldType::SlotPick, "slot:"}, {FieldType::EventPick, "event:"}, {FieldType::ClassPick, "class:"}};
}  // namespace

std::string place_key(FieldType pick, const std::string& id) {
  for (const auto& [type, prefix] : kPlacePrefixes)
    if (type == pick) return std::string(prefix) + id;
  return {};
}

std::string gender_place_key(const std::string& event_id, const std::string& gender) {
  return place_key(FieldType::EventPick, event_id) + ":gender:" + gender;
}

std::optional<FieldType> place_pick_type(std::string_view key) {
  for (const auto& [type, prefix] : kPlacePrefixes)
    if (key.substr(0, prefix.size()) == prefix) return type;
  return std::nullopt;
}

int places_left(const RuleContext& ctx, const std::string& resource_key, int capacity, int booked) {
  const int local = ctx.ledger ? ctx.ledger->local_bookings(resource_key) : 0;
  return std::max(0, capacity - booked - local);
}

std::string member_event_dedup_key(const BookingLedger& ledger, const std::string& service_id,
                                   const std::string& event_id, const std::string& member_sub) {
  return service_id + ":" + event_id + ":" + ledger.dedup_hash(member_sub);
}

std::string child_period_dedup_key(const BookingLedger& ledger, const std::string& service_id,
                                   const std::string& period_id, const std::string& child_id_number) {
  std::string id = child_id_number;
  if (!id.empty() && id.back() == 'x') id.back() = 'X';
  return service_id + ":" + period_id + ":" + ledger.dedup_hash(id);
}

}  // namespace kiosk
