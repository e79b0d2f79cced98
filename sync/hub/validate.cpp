#include "sync/hub/validate.hpp"

#include <vector>

#include "kiosk/base/date.hpp"
#include "kiosk/domain/form.hpp"
#include "kiosk/domain/validate.hpp"

namespace kiosk::hub {

namespace {

ItemCheck refuse(std::string field, std::string code) {
  return ItemCheck{false, std::move(field), std::move(code)};
}

}  // namespace

std::string ItemCheck::reason() const {
  if (ok) return {};
  if (code == "unknown_service") return code;
  return "invalid_answer:" + field + ":" + code;
}

ItemCheck validate_item(const ContentBundle& content, const std::string& service_id,
                        const nlohmann::json& answers, int64_t created_at_ms,
                        std::string_view id_hash_key) {
  const Service* s = content.service(service_id);
  if (!s) return refuse("", "unknown_service");
  if (!answers.is_object()) return refuse("", "not_an_object");
  // The kiosk sends exactly the answers of the fields shown to the worker
  // (check_request drops hidden ones): anything else did not come from a
  // form. The same check as the kiosk's; a made-up key goes back on the
  // wire (and into the kiosk's quarantine reason) only when it is plain.
  if (auto unknown = unknown_answer_key(*s, answers)) return refuse(unknown->field, unknown->code);
  for (const auto& [key, value] : answers.items()) {
    (void)value;
    if (!field_visible(*s->field(key), answers)) return refuse(key, "hidden_field");
  }
  RuleContext ctx;
  ctx.content = &content;
  ctx.today = Date::from_unix(created_at_ms / 1000);
  ctx.id_hash_key = std::string(id_hash_key);
  // The card behind a member-number field was verified at the kiosk and
  // does not travel: the number stands for it here, so the field is checked
  // for its shape and presence, not against a card the hub cannot see.
  for (const auto& f : s->fields) {
    if (f.type != FieldType::MemberCard) continue;
    auto it = answers.find(f.id);
    if (it != answers.end() && it->is_string() && !it->get<std::string>().empty()) {
      MemberIdentity m;
      m.sub = trim(it->get<std::string>());  // as the form engine reads it
      ctx.member = std::move(m);
      break;
    }
  }
  // Every field of the form, as check_request does it: type, required,
  // length, range, format, choices.
  std::vector<FieldError> errors;
  Answers normalized = Answers::object();
  for (const auto& f : s->fields) {
    if (!field_visible(f, answers)) continue;
    if (auto v = normalize_answer(*s, f, answers, ctx, errors)) normalized[f.id] = std::move(*v);
  }
  if (!errors.empty()) return refuse(errors.front().field, errors.front().code);
  // Of the service's rules, those that stand on the answers alone. The
  // others look at the kiosk's content (slots, events, classes, their dates
  // and places: a kiosk may run a newer bundle than the hub was built with),
  // its member card or its own queue, and are the kiosk's to apply.
  for (const auto& e : check_service_rules(*s, normalized, ctx, nullptr))
    if (e.code == "sensitive_consent_required") return refuse(e.field, e.code);
  return {};
}

}  // namespace kiosk::hub
