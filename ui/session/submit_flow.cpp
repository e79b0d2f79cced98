// See submit_flow.hpp. The check and the commit are the core's submit
// pipeline (kiosk/store/submit.hpp), the same one the command line uses.
#include "ui/session/submit_flow.hpp"

#include "kiosk/base/log.hpp"
#include "kiosk/store/submit.hpp"

namespace kiosk::ui {

SubmitOutcome submit_answers(const Service& s, const Answers& answers, const RuleContext& ctx,
                             RequestStore& store, const std::string& /*content_version*/,
                             int64_t now_ms) {
  SubmitOutcome out;
  if (!ctx.content) return out;
  SubmitInput in;
  in.service_id = s.id;
  in.answers = answers;
  in.member = ctx.member;
  in.today = ctx.today;
  in.now_ms = now_ms;
  in.id_hash_key = ctx.id_hash_key;
  auto r = submit_request(store, *ctx.content, in);
  if (!r) {
    // Nothing the worker can fix by changing answers (disk full, read-only):
    // shown in words on the review page; the answers stay as they were.
    const Error& e = r.error();
    out.errors.push_back(FieldError{e.field, e.name(), e.message});
    log::event(log::Level::Warn, "ui", "submit refused by store", {{"code", e.name()}});
    return out;
  }
  if (!r->accepted()) {
    out.errors = std::move(r->errors);
    return out;
  }
  log::event(log::Level::Info, "ui", "request submitted",
             {{"ticket", r->record->ticket}, {"id", r->record->id}});
  out.ticket = std::move(*r->record);
  return out;
}

}  // namespace kiosk::ui
