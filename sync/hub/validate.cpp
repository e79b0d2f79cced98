#include "sync/hub/validate.hpp"

#include <cctype>

#include "kiosk/base/date.hpp"
#include "kiosk/domain/form.hpp"

namespace kiosk::hub {

namespace {

// A key the sender made up goes back on the wire (and into the kiosk's
// quarantine reason) only when it is a plain identifier.
std::string safe_key(const std::string& k) {
  if (k.empty() || k.size() > 64) return {};
  for (unsigned char c : k)
    if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.')) return {};
  return k;
}

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
                        const nlohmann::json& answers, int64_t created_at_ms) {
  const Service* s = content.service(service_id);
  if (!s) return refuse("", "unknown_service");
  if (!answers.is_object()) return refuse("", "not_an_object");
  // The kiosk sends exactly the answers of the fields shown to the worker
  // (check_request drops hidden ones): anything else did not come from a form.
  for (const auto& [key, value] : answers.items()) {
    (void)value;
    const Field* f = s->field(key);
    if (!f) return refuse(safe_key(key), "unknown_field");
    if (!field_visible(*f, answers)) return refuse(f->id, "hidden_field");
  }
  RuleContext ctx;
  ctx.content = &content;
  ctx.today = Date::from_unix(created_at_ms / 1000);
  FormCheck check = check_request(*s, answers, ctx);
  for (const auto& e : check.errors) {
    if (e.code == "members_only") continue;  // the card was checked at the kiosk
    return refuse(e.field, e.code);
  }
  return {};
}

}  // namespace kiosk::hub
