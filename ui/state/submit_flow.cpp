// See submit_flow.hpp.
#include "ui/state/submit_flow.hpp"

#include "kiosk/core/log.hpp"

namespace kiosk::ui {

SubmitOutcome submit_answers(const Service& s, const Answers& answers, const RuleContext& ctx,
                             RequestStore& store, const std::string& content_version,
                             int64_t now_ms) {
  SubmitOutcome out;
  FormCheck check = check_request(s, answers, ctx);
  if (!check.plan) {
    out.errors = std::move(check.errors);
    log::event(log::Level::Info, "ui", "submit refused by form rules",
               {{"service", s.id}, {"errors", static_cast<int>(out.errors.size())}});
    return out;
  }
  NewRequest req;
  req.service_id = s.id;
  req.ticket_prefix = s.ticket_prefix;
  req.content_version = content_version;
  req.plan = std::move(*check.plan);
  auto r = store.submit(req, now_ms);
  if (!r) {
    const Error& e = r.error();
    out.errors.push_back(FieldError{e.field, e.code, e.message});
    log::event(log::Level::Warn, "ui", "submit refused by store", {{"code", e.code}});
    return out;
  }
  log::event(log::Level::Info, "ui", "request submitted",
             {{"ticket", r->ticket}, {"id", r->id}});
  out.ticket = std::move(r.value());
  return out;
}

}  // namespace kiosk::ui
