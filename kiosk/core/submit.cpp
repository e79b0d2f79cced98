// See submit.hpp.
#include "kiosk/core/submit.hpp"

#include <sys/stat.h>

#include <chrono>

#include "kiosk/core/log.hpp"
#include "kiosk/core/store_detail.hpp"
#include "kiosk/core/strings.hpp"

namespace kiosk {

namespace {

// The form field a place belongs to, so the UI can point at the pick to change.
std::string field_of_resource(const Service& s, const std::string& resource_key) {
  FieldType want;
  if (resource_key.rfind("slot:", 0) == 0)
    want = FieldType::SlotPick;
  else if (resource_key.rfind("event:", 0) == 0)
    want = FieldType::EventPick;
  else if (resource_key.rfind("class:", 0) == 0)
    want = FieldType::ClassPick;
  else
    return {};
  for (const auto& f : s.fields)
    if (f.type == want) return f.id;
  return {};
}

}  // namespace

Expected<SubmitResult> submit_request(RequestStore& store, const ContentBundle& content,
                                      const SubmitInput& in) {
  const Service* service = content.service(in.service_id);
  if (!service) {
    Error e;
    e.code = "unknown_service";
    e.message = store_detail::fill(tr("submit.unknown_service"), {{"service", in.service_id}});
    e.detail = "service " + in.service_id;
    return e;
  }
  RuleContext ctx;
  ctx.content = &content;
  ctx.today = in.today;
  ctx.member = in.member;
  ctx.ledger = &store;
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
    if (e.code == "slot_full" || e.code == "duplicate") {
      out.errors.push_back(FieldError{e.code == "slot_full" ? field_of_resource(*service, e.detail)
                                                           : std::string(),
                                      e.code, e.message});
      return out;
    }
    return e;
  }
  out.record = std::move(r.value());
  return out;
}

Expected<ActiveContent> load_active_content(const DataDir& dir) {
  ActiveContent out;
  struct stat sb {};
  const std::string pushed = dir.content_dir();
  if (::stat(pushed.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode)) {
    ContentLoad l = load_content_dir(pushed);
    if (l.bundle && l.problems.empty()) {
      out.bundle = std::move(*l.bundle);
      out.source = "data-dir";
      return out;
    }
    out.rejected = std::move(l.problems);
    if (out.rejected.empty()) out.rejected.push_back({"", "", "bundle did not load"});
    log::event(log::Level::Error, "content", "pushed_bundle_rejected",
               {{"count", static_cast<int>(out.rejected.size())}});
  }
  ContentLoad e = load_embedded_content();
  if (!e.bundle || !e.problems.empty()) {
    Error err;
    err.code = "no_content";
    err.message = tr("submit.no_content");
    err.detail = e.problems.empty() ? "embedded bundle did not load" : describe(e.problems.front());
    return err;
  }
  out.bundle = std::move(*e.bundle);
  out.source = "embedded";
  return out;
}

Date today_cst() {
  using namespace std::chrono;
  return Date::from_unix(duration_cast<seconds>(system_clock::now().time_since_epoch()).count());
}

int64_t unix_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace kiosk
