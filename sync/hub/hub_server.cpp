#include "sync/hub/hub_server.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include <sodium.h>
#include <sys/stat.h>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/clock.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/base/net.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/domain/content.hpp"
#include "sync/hub/heartbeat.hpp"
#include "sync/hub/http_server.hpp"
#include "sync/hub/hub_errors.hpp"

namespace kiosk::hub {

namespace {

std::mutex g_log_mu;

// Log lines hold methods, paths, statuses, kiosk ids, counts and error
// codes: never a body, a name or an answer. Paths come from anyone: every
// control character is escaped (\x0a, \x00), so a request cannot forge a
// line or put a NUL or a terminal escape into the log.
void log_line(const std::string& s) {
  std::string line = "union-hub: " + log::escape_control(s) + "\n";
  std::lock_guard lock(g_log_mu);
  std::cerr << line << std::flush;
}

void send_json(HttpResponse& res, int status, const std::string& body) {
  res.status = status;
  res.body = body;
  res.content_type = "application/json";
}

void send_error(HttpResponse& res, int status, const std::string& code,
                const std::string& detail_key = {}) {
  sync::HubError e;
  e.error = code;
  const Text& t = tr(detail_key.empty() ? "sync.hub." + code : detail_key);
  e.message_zh = t.zh;
  e.message_en = t.en;
  send_json(res, status, sync::to_json(e));
}

// Every failure the database or a limit reports, answered the same way on
// every route (sync/hub/hub_errors.hpp: status, code, Retry-After).
void send_db_error(HttpResponse& res, const Error& e) {
  const HttpFailure f = http_failure(e);
  if (f.retry_after_s > 0) res.set_header("Retry-After", std::to_string(f.retry_after_s));
  send_error(res, f.status, f.code, f.text_key);
}

std::string bearer_token(const HttpRequest& req) {
  std::string h = req.header("Authorization");
  const std::string prefix = "Bearer ";
  if (h.size() <= prefix.size() || h.compare(0, prefix.size(), prefix) != 0) return {};
  return h.substr(prefix.size());
}

// `limit` of /v1/status: digits only, 1..kMaxStatusChanges.
std::optional<int> parse_limit(const std::string& v) {
  if (v.empty() || v.size() > 4 ||
      !std::all_of(v.begin(), v.end(), [](unsigned char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  int n = std::stoi(v);
  if (n < 1 || n > sync::kMaxStatusChanges) return std::nullopt;
  return n;
}

std::optional<std::string> read_small_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.empty() || s.size() > (1 << 20)) return std::nullopt;
  return s;
}

}  // namespace

struct HubServer::Impl {
  HubOptions opts;
  std::shared_ptr<const HubKeys> keys;
  std::unique_ptr<HubDb> db;
  std::unique_ptr<HttpServer> http;  // after db: stopped and gone before it

  void log(const std::string& s) const {
    if (!opts.quiet) log_line(s);
  }

  // Authenticated kiosk id, or the response is already filled (401/403/503).
  std::optional<int64_t> authenticate(const HttpRequest& req, HttpResponse& res) {
    auto k = db->authenticate(bearer_token(req), unix_now_ms());
    if (k) return *k;
    send_db_error(res, k.error());
    log(req.path + " auth refused: " + k.error().name());
    return std::nullopt;
  }

  void health(const HttpRequest&, HttpResponse& res) {
    send_json(res, 200, nlohmann::json{{"ok", true}, {"version", KIOSK_VERSION}}.dump());
  }

  void enroll(const HttpRequest& req, HttpResponse& res) {
    auto e = sync::parse_enroll_request(req.body);
    if (!e) return send_error(res, 400, e.error().name());
    auto r = db->enroll(e->code, unix_now_ms(), req.remote_addr);
    if (!r) {
      // A refused burst is logged once by the limiter, not a line a try.
      if (r.error().kind != ErrorKind::RateLimited) log("enroll refused: " + r.error().name());
      return send_db_error(res, r.error());
    }
    log("enrolled kiosk " + r->kiosk_id);
    // The kiosk seals answers to box_public_key and hashes children's ID
    // numbers with hash_key (docs/sync-protocol.md, "Hub keys and answers at rest").
    nlohmann::json reply = nlohmann::json::parse(sync::to_json(*r));
    reply["box_public_key"] = base64url_encode(keys->box_public.data(), keys->box_public.size());
    reply["hash_key"] = base64url_encode(keys->hash.data(), keys->hash.size());
    send_json(res, 200, reply.dump());
  }

  void upload(const HttpRequest& req, HttpResponse& res) {
    auto kiosk = authenticate(req, res);
    if (!kiosk) return;
    auto batch = sync::parse_upload_batch(req.body);
    if (!batch) {
      log("kiosk " + std::to_string(*kiosk) + " batch refused: " + batch.error().name());
      return send_error(res, 400, batch.error().name());
    }
    if (static_cast<int>(batch->requests.size()) > sync::kMaxBatchItems) {
      log("kiosk " + std::to_string(*kiosk) + " batch refused: too_many_items");
      return send_error(res, 413, "too_many_items");
    }
    auto t0 = std::chrono::steady_clock::now();
    auto r = db->ingest(*kiosk, *batch, opts.services, unix_now_ms());
    if (!r) {
      log("kiosk " + std::to_string(*kiosk) + " batch not stored: " + r.error().name());
      return send_db_error(res, r.error());
    }
    int acc = 0, dup = 0, rej = 0;
    for (const auto& o : r->results) {
      if (o.result == sync::ItemResult::Accepted) ++acc;
      else if (o.result == sync::ItemResult::Duplicate) ++dup;
      else ++rej;
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - t0).count();
    log("kiosk " + std::to_string(*kiosk) + " batch of " + std::to_string(batch->requests.size()) +
        ": accepted " + std::to_string(acc) + ", duplicate " + std::to_string(dup) +
        ", rejected " + std::to_string(rej) + " (" + std::to_string(ms) + " ms)");
    send_json(res, 200, sync::to_json(*r));
  }

  void status(const HttpRequest& req, HttpResponse& res) {
    auto kiosk = authenticate(req, res);
    if (!kiosk) return;
    int limit = sync::kMaxStatusChanges;
    if (req.has_param("limit")) {
      auto l = parse_limit(req.param("limit"));
      if (!l) return send_error(res, 400, "bad_field");
      limit = *l;
    }
    auto p = db->changes_since(*kiosk, req.param("cursor"), limit);
    if (!p) return send_db_error(res, p.error());
    send_json(res, 200, sync::to_json(*p));
  }

  void heartbeat(const HttpRequest& req, HttpResponse& res) {
    auto kiosk = authenticate(req, res);
    if (!kiosk) return;
    auto h = parse_heartbeat_bounded(req.body);
    if (!h) return send_error(res, 400, h.error().name());
    auto st = db->record_heartbeat(*kiosk, sync::to_json(*h), unix_now_ms());
    if (!st) return send_db_error(res, st.error());
    send_json(res, 200, nlohmann::json{{"hub_time_ms", unix_now_ms()}}.dump());
  }

  std::vector<HttpServer::Route> routes() {
    auto bind = [this](void (Impl::*fn)(const HttpRequest&, HttpResponse&)) {
      return [this, fn](const HttpRequest& q, HttpResponse& r) { (this->*fn)(q, r); };
    };
    return {
        {"GET", sync::kPathHealth, bind(&Impl::health)},
        {"POST", sync::kPathEnroll, bind(&Impl::enroll)},
        {"POST", sync::kPathRequests, bind(&Impl::upload)},
        {"GET", sync::kPathStatus, bind(&Impl::status)},
        {"POST", sync::kPathHeartbeat, bind(&Impl::heartbeat)},
    };
  }
};

HubServer::HubServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HubServer::~HubServer() { stop(); }

Expected<std::unique_ptr<HubServer>> HubServer::create(const HubOptions& opts) {
  auto impl = std::make_unique<Impl>();
  impl->opts = opts;
  ContentLoad embedded = load_embedded_content();
  if (!embedded.bundle)
    return Error{ErrorKind::NoContent, tr("submit.no_content"), "", "embedded content does not load"};
  if (impl->opts.services.empty())
    for (const auto& svc : embedded.bundle->services) impl->opts.services.insert(svc.id);
  const bool want_tls = !opts.cert_file.empty() || !opts.key_file.empty();
  if (want_tls && (opts.cert_file.empty() || opts.key_file.empty()))
    return Error{ErrorKind::BadOption, tr("sync.hub.tls_pair"), "--cert", "need both --cert and --key"};
  if (!want_tls && !opts.allow_plain_http)
    return Error{ErrorKind::BadOption, tr("sync.hub.need_tls"), "--cert",
                 "HTTPS needs --cert and --key; plain HTTP needs --allow-plain-http on loopback"};
  if (!want_tls && !is_loopback_host(opts.bind))
    return Error{ErrorKind::BadOption, tr("sync.hub.plain_not_loopback"), "--bind",
                 "plain HTTP is only served on a loopback address"};

  HttpServerOptions ho;
  ho.bind = opts.bind;
  ho.port = opts.port;
  if (want_tls) {
    auto cert = read_small_file(opts.cert_file);
    auto key = read_small_file(opts.key_file);
    if (!cert || !key)
      return Error{ErrorKind::BadOption, tr("sync.hub.tls_pair"), "--cert",
                   "certificate or key could not be read"};
    ho.cert_pem = std::move(*cert);
    ho.key_pem = std::move(*key);
  }
  ho.limits.max_body_bytes = sync::kMaxBodyBytes;
  // The handlers, which wait for the database's commits, run on --threads
  // threads of their own; the event loops only move bytes, and a few are
  // plenty (one per 16 handler threads; measured in bench/README.md).
  ho.limits.threads = static_cast<unsigned>(std::clamp(opts.threads / 16, 1, 16));
  ho.limits.handler_threads = static_cast<unsigned>(std::clamp(opts.threads, 1, 256));
  ho.limits.max_queued = opts.max_queued;
  ho.limits.request_deadline_ms = std::max(100, opts.request_deadline_ms);
  ho.limits.idle_timeout_s = std::max(1u, opts.idle_timeout_s);
  ho.limits.connection_limit = std::max(16u, opts.connection_limit);

  // The keys first: one readable by others is refused as it was found (it
  // may have been read), not quietly made 0600 by the repair below.
  const std::string key_dir = key_dir_for(opts.data_dir, opts.key_dir);
  ::mkdir(opts.data_dir.c_str(), 0700);  // made private below when it was there already
  auto keys = load_or_create_keys(key_dir);
  if (!keys) return keys.error();
  // Then private before the database is opened: hub.db and its -wal and
  // -shm, logs, anything left there by hand.
  if (auto st = secure_dir(opts.data_dir); !st) return st.error();
  if (auto st = secure_dir(key_dir); !st) return st.error();
  impl->keys = std::make_shared<const HubKeys>(*keys);
  sodium_memzero(&*keys, sizeof(HubKeys));

  HubDbOptions dbo{opts.quota, opts.enroll,
                   std::make_shared<const ContentBundle>(std::move(*embedded.bundle)),
                   impl->keys};
  auto db = HubDb::open(opts.data_dir + "/hub.db", std::move(dbo));
  if (!db) return db.error();
  impl->db = std::move(*db);

  Impl* self = impl.get();
  auto on_error = [](int status, const std::string& code, HttpResponse& res) {
    send_error(res, status, code);
  };
  auto logger = [self](const HttpRequest& req, const HttpResponse& res) {
    if (res.status >= 400) self->log(req.method + " " + req.path + " -> " + std::to_string(res.status));
  };
  auto http = HttpServer::start(ho, impl->routes(), on_error, logger);
  if (!http) return http.error();
  impl->http = std::move(*http);
  return std::unique_ptr<HubServer>(new HubServer(std::move(impl)));
}

int HubServer::port() const { return impl_->http->port(); }
bool HubServer::tls() const { return impl_->http->tls(); }
void HubServer::run() { impl_->http->wait(); }
void HubServer::stop() {
  if (impl_ && impl_->http) impl_->http->stop();
}
HubDb& HubServer::db() { return *impl_->db; }
int64_t HubServer::deadline_cuts() const { return impl_->http->deadline_cuts(); }
size_t HubServer::queued_requests() const { return impl_->http->queued(); }

}  // namespace kiosk::hub
