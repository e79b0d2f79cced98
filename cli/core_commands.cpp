// union-kiosk submit | queue: the core's commands for technicians
// and scripts, on the same data directory as the touch UI. Exit codes:
// kiosk/base/exit_codes.hpp.
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/card_trust.hpp"
#include "cli/command.hpp"
#include "kiosk/base/args.hpp"
#include "kiosk/base/exit_codes.hpp"
#include "kiosk/base/failure_output.hpp"
#include "kiosk/base/json_limited.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/card/member_card.hpp"
#include "kiosk/install/active_content.hpp"
#include "kiosk/install/config.hpp"
#include "kiosk/install/install.hpp"
#include "kiosk/store/store.hpp"
#include "kiosk/store/store_detail.hpp"
#include "kiosk/store/submit.hpp"

namespace kiosk::cli {

namespace {

using nlohmann::json;

constexpr int kOk = kExitOk, kRefused = kExitRefused, kUsage = kExitUsage, kBroken = kExitCannotWork;

bool wants_json(const CliEnv& env) { return answers_json(env); }
std::ostream& out(CliEnv& env) { return out_of(env); }
std::ostream& err(CliEnv& env) { return err_of(env); }

void print_text(std::ostream& o, const Text& t) { o << t.zh << "\n" << t.en << "\n"; }

int fail(CliEnv& env, const Error& e, int code) { return fail_with(env, e, code); }

int usage(CliEnv& env, const Text& t, const std::string& usage_line) {
  Error e;
  e.kind = ErrorKind::Usage;
  e.message = t;
  e.detail = usage_line;
  return fail(env, e, kUsage);
}

Text option_missing(const char* o) { return fill(tr("cli.core.missing_option"), {{"option", o}}); }
Text option_bad(const std::string& o) { return fill(tr("cli.core.bad_option"), {{"option", o}}); }

// 2026-11-22 10:40:11 in China Standard Time: what the hall's clock shows.
std::string cst_time(int64_t ms) {
  if (ms <= 0) return "-";
  const std::time_t t = static_cast<std::time_t>(ms / 1000 + 8 * 3600);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

json record_json(const RequestRecord& r, bool with_answers) {
  json j = {{"id", r.id},
            {"ticket", r.ticket},
            {"service", r.service_id},
            {"content_version", r.content_version},
            {"created_at_ms", r.created_at_ms},
            {"state", std::string(to_string(r.state))},
            {"state_at_ms", r.state_at_ms},
            {"state_reason", r.state_reason},
            {"staff_note", r.staff_note},
            {"attempts", r.attempts},
            {"delivered_at_ms", r.delivered_at_ms},
            {"has_answers", r.has_answers()}};
  // Sealed answers are for the hub alone: the kiosk cannot show them.
  if (with_answers) {
    if (r.answers)
      j["answers"] = *r.answers;
    else if (!r.answers_sealed.empty())
      j["answers_sealed"] = json{{"zh", tr("cli.core.answers_sealed").zh}, {"en", tr("cli.core.answers_sealed").en}};
    else
      j["answers"] = nullptr;
  }
  return j;
}

Expected<std::unique_ptr<RequestStore>> open_store(const CliEnv& env, bool create) {
  auto install = Install::open(env.data_dir, env.clock);
  if (!install.ok()) return install.error();
  return install->open_store(create);
}

std::optional<std::string> read_whole(const std::string& path) {
  std::stringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  ss << in.rdbuf();
  return ss.str();
}

// --- submit ---------------------------------------------------------------

constexpr const char* kSubmitUsage =
    "  [--demo] submit --service ID --answers FILE.json|- [--today YYYY-MM-DD]\n"
    "         [--card TEXT | --card-file FILE]\n"
    "      Validate the answers and queue the request; prints the ticket or every error.\n"
    "      A member card (its QR text, UC1...) is verified as the touch screen would,\n"
    "      against the trust store (demo keys only with --demo).\n"
    "      Exit: 0 queued, 1 refused (nothing stored), 2 usage, 3 store/config/content failure.";

// The card's text from --card or --card-file (one line; a trailing newline
// from `echo` or an editor is not part of it).
std::optional<std::string> card_text(const Args& a) {
  if (a.has("--card")) return a.get("--card");
  auto text = read_whole(a.get("--card-file"));
  if (!text) return std::nullopt;
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
  return text;
}

int run_submit(CliEnv& env) {
  Args a(env.args, {"--service", "--answers", "--today", "--card", "--card-file"}, {});
  if (!a.bad.empty()) return usage(env, option_bad(a.bad), kSubmitUsage);
  if (!a.words.empty()) return usage(env, option_bad(a.words[0]), kSubmitUsage);
  if (!a.has("--service")) return usage(env, option_missing("--service"), kSubmitUsage);
  if (!a.has("--answers")) return usage(env, option_missing("--answers"), kSubmitUsage);
  if (a.has("--card") && a.has("--card-file")) return usage(env, option_bad("--card-file"), kSubmitUsage);

  SubmitInput in;
  in.service_id = a.get("--service");
  in.now_ms = env.clock ? env.clock() : unix_now_ms();
  in.today = today_cst();
  if (a.has("--today")) {
    auto d = Date::parse(a.get("--today"));
    if (!d) return usage(env, fill(tr("cli.core.bad_date"), {{"date", a.get("--today")}}), kSubmitUsage);
    in.today = *d;
  }
  const std::string file = a.get("--answers");
  auto text = read_whole(file);
  if (!text) {
    Error e;
    e.kind = ErrorKind::AnswersUnreadable;
    e.message = fill(tr("cli.core.answers_unreadable"), {{"file", file}});
    return fail(env, e, kUsage);
  }
  // Limits held while parsing, as for every JSON from outside.
  JsonParse parsed = parse_json_limited(*text, JsonLimits{});
  if (!parsed.value || !parsed.value->is_object()) {
    Error e;
    e.kind = ErrorKind::AnswersNotJson;
    e.message = fill(tr("cli.core.answers_not_json"),
                     {{"file", file}, {"detail", !parsed.value ? parsed.why : "not an object"}});
    return fail(env, e, kUsage);
  }
  in.answers = std::move(*parsed.value);

  auto install = Install::open(env.data_dir, env.clock);
  if (!install.ok()) return fail(env, install.error(), kBroken);
  auto content = install->active_content();
  if (!content.ok()) return fail(env, content.error(), kBroken);
  if (!content->rejected.empty() && !wants_json(env)) print_text(err(env), tr("submit.content_rejected"));
  in.id_hash_key = install->id_hash_key(env.demo || install->config().demo);
  if (!content->bundle.service(in.service_id)) {
    std::string ids;
    for (const auto& sv : content->bundle.services) ids += (ids.empty() ? "" : ", ") + sv.id;
    return usage(env, fill(tr("cli.core.unknown_service"), {{"service", in.service_id}, {"ids", ids}}),
                 kSubmitUsage);
  }
  if (a.has("--card") || a.has("--card-file")) {
    auto card = card_text(a);
    if (!card) {
      Error e;
      e.kind = ErrorKind::AnswersUnreadable;
      e.message = fill(tr("cli.core.card_unreadable"), {{"file", a.get("--card-file")}});
      return fail(env, e, kUsage);
    }
    auto trust = load_card_trust(env);
    if (!trust) return fail(env, trust.error(), kBroken);
    auto check = card::verify_member_card(*card, trust->store, in.now_ms / 1000);
    if (!check.valid()) {
      Error e;
      e.kind = ErrorKind::CardRefused;
      const std::string code(card::verdict_code(check.verdict));
      e.field = "card";
      e.message = fill(tr("cli.core.card_refused"), {{"verdict", code}});
      e.detail = code;
      if (!wants_json(env)) print_text(err(env), card::verdict_message(check.verdict));
      return fail(env, e, kRefused);
    }
    in.member = *check.identity;
  }
  auto store = install->open_store(true);
  if (!store.ok()) return fail(env, store.error(), kBroken);
  // The schedules as they stand on the day of the request.
  const ContentBundle shown = expand_schedules(content->bundle, in.today);
  auto r = submit_request(**store, shown, in);
  if (!r.ok()) return fail(env, r.error(), kBroken);

  if (r->accepted()) {
    const RequestRecord& rec = *r->record;
    if (wants_json(env)) {
      json j = record_json(rec, false);
      j["ok"] = true;
      j["content_source"] = content->source;
      out(env) << j.dump(2) << "\n";
    } else {
      print_text(out(env), fill(tr("cli.core.received"), {{"ticket", rec.ticket}}));
      out(env) << "id: " << rec.id << "\n";
    }
    return kOk;
  }
  if (wants_json(env)) {
    json errs = json::array();
    for (const auto& e : r->errors)
      errs.push_back({{"field", e.field}, {"code", e.code}, {"zh", e.message.zh}, {"en", e.message.en}});
    out(env) << json{{"ok", false}, {"errors", errs}}.dump(2) << "\n";
  } else {
    print_text(out(env), tr("cli.core.not_submitted"));
    for (const auto& e : r->errors) {
      out(env) << "- " << (e.field.empty() ? "(" + e.code + ")" : e.field + " (" + e.code + ")")
               << "\n    " << e.message.zh << "\n    " << e.message.en << "\n";
    }
  }
  return kRefused;
}

// --- queue ----------------------------------------------------------------

constexpr const char* kQueueUsage =
    "  queue list [--state queued|sending|delivered|handled|quarantined] [--limit N] [--offset N]\n"
    "  queue show TICKET_OR_ID [--with-answers]\n"
    "  queue stats\n"
    "  queue purge\n"
    "      The local request queue (answers only on request: they are personal data);\n"
    "      purge erases the answers of requests delivered longer than retention_days ago.";

std::optional<int> parse_count(const std::string& s) {
  if (s.empty() || s.size() > 7) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoi(s);
}

int run_queue(CliEnv& env) {
  Args a(env.args, {"--state", "--limit", "--offset"}, {"--with-answers"});
  if (!a.bad.empty()) return usage(env, option_bad(a.bad), kQueueUsage);
  const std::string verb = a.words.empty() ? "list" : a.words[0];
  if (verb != "list" && verb != "show" && verb != "stats" && verb != "purge")
    return usage(env, option_bad(verb), kQueueUsage);
  if (verb == "show" && a.words.size() != 2)
    return usage(env, option_missing("TICKET_OR_ID"), kQueueUsage);

  std::optional<RequestState> state;
  if (a.has("--state")) {
    state = parse_request_state(a.get("--state"));
    if (!state) return usage(env, fill(tr("cli.core.bad_state"), {{"state", a.get("--state")}}), kQueueUsage);
  }
  int limit = 100, offset = 0;
  if (a.has("--limit")) {
    auto n = parse_count(a.get("--limit"));
    if (!n) return usage(env, option_bad("--limit " + a.get("--limit")), kQueueUsage);
    limit = *n;
  }
  if (a.has("--offset")) {
    auto n = parse_count(a.get("--offset"));
    if (!n) return usage(env, option_bad("--offset " + a.get("--offset")), kQueueUsage);
    offset = *n;
  }

  auto store = open_store(env, false);
  std::vector<RequestRecord> records;
  QueueStats stats;
  if (!store.ok()) {
    // No file yet: an empty queue, not a failure.
    if (store.error().kind != ErrorKind::StoreMissing) return fail(env, store.error(), kBroken);
    if (verb == "show") return fail(env, store_detail::store_error(ErrorKind::NotFound, a.words[1]), kRefused);
    if (verb == "purge") {
      if (wants_json(env))
        out(env) << json{{"ok", true}, {"purged", 0}}.dump(2) << "\n";
      else
        print_text(out(env), fill(tr("cli.core.purged"), {{"count", "0"}}));
      return kOk;
    }
  } else if (verb == "list") {
    records = (*store)->list(state, limit, offset);
  } else if (verb == "stats") {
    stats = (*store)->stats();
  } else if (verb == "purge") {
    auto n = (*store)->purge_expired(unix_now_ms());
    if (!n.ok()) return fail(env, n.error(), kBroken);
    if (wants_json(env))
      out(env) << json{{"ok", true}, {"purged", *n}}.dump(2) << "\n";
    else
      print_text(out(env), fill(tr("cli.core.purged"), {{"count", std::to_string(*n)}}));
    return kOk;
  } else {
    auto r = (*store)->find(a.words[1]);
    if (!r) return fail(env, store_detail::store_error(ErrorKind::NotFound, a.words[1]), kRefused);
    const bool with_answers = a.has("--with-answers");
    if (wants_json(env)) {
      json j = record_json(*r, with_answers);
      j["ok"] = true;
      out(env) << j.dump(2) << "\n";
      return kOk;
    }
    auto& o = out(env);
    o << "ticket:          " << r->ticket << "\n"
      << "id:              " << r->id << "\n"
      << "service:         " << r->service_id << "\n"
      << "content_version: " << r->content_version << "\n"
      << "created:         " << cst_time(r->created_at_ms) << "\n"
      << "state:           " << to_string(r->state) << " (" << cst_time(r->state_at_ms) << ")\n";
    if (!r->state_reason.empty()) o << "reason:          " << r->state_reason << "\n";
    if (!r->staff_note.empty()) o << "staff_note:      " << r->staff_note << "\n";
    o << "attempts:        " << r->attempts << "\n"
      << "delivered:       " << cst_time(r->delivered_at_ms) << "\n"
      << "answers:         ";
    if (r->answers)
      o << (with_answers ? r->answers->dump(2) : "kept (--with-answers to show)") << "\n";
    else if (!r->answers_sealed.empty())
      o << tr("cli.core.answers_sealed").zh << " / " << tr("cli.core.answers_sealed").en << "\n";
    else
      o << "purged\n";
    return kOk;
  }

  if (verb == "stats") {
    if (wants_json(env)) {
      out(env) << json{{"ok", true},
                       {"queued", stats.queued},
                       {"sending", stats.sending},
                       {"delivered", stats.delivered},
                       {"handled", stats.handled},
                       {"quarantined", stats.quarantined},
                       {"oldest_queued_ms", stats.oldest_queued_ms}}
                      .dump(2)
               << "\n";
    } else {
      out(env) << "queued " << stats.queued << ", sending " << stats.sending << ", delivered "
               << stats.delivered << ", handled " << stats.handled << ", quarantined "
               << stats.quarantined << "\n";
      if (stats.oldest_queued_ms) out(env) << "oldest queued: " << cst_time(stats.oldest_queued_ms) << "\n";
    }
    return kOk;
  }
  if (wants_json(env)) {
    json arr = json::array();
    for (const auto& r : records) arr.push_back(record_json(r, false));
    out(env) << json{{"ok", true}, {"requests", arr}}.dump(2) << "\n";
    return kOk;
  }
  if (records.empty()) {
    print_text(out(env), tr("cli.core.queue_empty"));
    return kOk;
  }
  char line[256];
  std::snprintf(line, sizeof line, "%-10s %-12s %-10s %-19s %-19s %s\n", "TICKET", "STATE",
                "SERVICE", "CREATED", "CHANGED", "REASON");
  out(env) << line;
  for (const auto& r : records) {
    std::snprintf(line, sizeof line, "%-10s %-12s %-10s %-19s %-19s ", r.ticket.c_str(),
                  std::string(to_string(r.state)).c_str(), r.service_id.c_str(),
                  cst_time(r.created_at_ms).c_str(), cst_time(r.state_at_ms).c_str());
    out(env) << line << r.state_reason << "\n";
  }
  return kOk;
}

// Technician commands print to the terminal: only warnings and worse go to the log.
int quiet(CliEnv& env, int (*f)(CliEnv&)) {
  if (log::min_level() < log::Level::Warn) log::set_min_level(log::Level::Warn);
  return f(env);
}

}  // namespace

void register_core_commands(CommandTable& t) {
  t.add({"submit", kSubmitUsage, [](CliEnv& env) { return quiet(env, run_submit); }});
  t.add({"queue", kQueueUsage, [](CliEnv& env) { return quiet(env, run_queue); }});
}

}  // namespace kiosk::cli
