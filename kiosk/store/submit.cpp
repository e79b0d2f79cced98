// See submit.hpp.
#include "kiosk/store/submit.hpp"

#include "kiosk/base/log.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/store/store_detail.hpp"

namespace kiosk {

namespace {

// The form field a place belongs to, so the UI can point at the pick to change.
std::string field_of_resource(const Service& s, const std::string& resource_key) {
  const std::optional<FieldType> want = place_pick_type(resource_key);
  if (!want) return {};
  for (const auto& f : s.fields)
    if (f.type == *want) return f.id;
  return {};
}

}  // namespace

Expected<SubmitResult> submit_request(RequestStore& store, const ContentBundle& content,
                                      const SubmitInput& in) {
  const Service* service = content.service(in.service_id);
  if (!service) {
    Error e;
    e.kind = ErrorKind::UnknownService;
    e.message = fill(tr("submit.unknown_service"), {{"service", in.service_id}});
    e.detail = "service " + in.service_id;
    return e;
  }
  RuleContext ctx;
  ctx.content = &content;
  ctx.today = in.today;
  ctx.member = in.member;
  ctx.ledger = &store;
  ctx.id_hash_key = in.id_hash_key;
  FormCheck check = check_request(*service, in.answers, ctx);
  SubmitResult out;
  if (!check.plan) {
    out.errors = std::move(check.errors);
    log::event(log::Level::Info, "submit", "refused",
               {{"service", service->id}, {"count", static_cast<int>(out.errors.size())}});
    return out;
  }
  NewRequest req;
  req.service_id = service->id;
  req.ticket_prefix = service->ticket_prefix;
  req.content_version = content.version;
  req.plan = std::move(*check.plan);
  auto r = store.submit(req, in.now_ms);
  if (!r.ok()) {
    const Error& e = r.error();
    // Another connection took the last place or filed the same request between
    // the check and the commit: a rule like the others, for the worker to see.
    if (e.kind == ErrorKind::SlotFull || e.kind == ErrorKind::Duplicate) {
      out.errors.push_back(FieldError{e.kind == ErrorKind::SlotFull ? field_of_resource(*service, e.detail)
                                                                   : std::string(),
                                      e.name(), e.message});
      return out;
    }
    return e;
  }
  out.record = std::move(r.value());
  return out;
}

}  // namespace kiosk
