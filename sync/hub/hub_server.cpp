#include "kiosk/base/net.hpp"
#include "sync/hub/hub_server.hpp"
#include "kiosk/base/clock.hpp"

#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <iostream>
#include <mutex>

#include "kiosk/base/strings.hpp"
#include "kiosk/domain/content.hpp"
#include "sync/hub/heartbeat.hpp"
#include "sync/hub/hub_errors.hpp"

namespace kiosk::hub {

namespace {

std::mutex g_log_mu;

// Log lines hold methods, paths, statuses, kiosk ids, counts and error
// codes: never a body, a name or an answer.
void log_line(const std::string& s) {
  std::lock_guard lock(g_log_mu);
  std::cerr << "union-hub: " << s << "\n";
}

void send_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& code,
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
void send_failure(httplib::Response& res, const Error& e) {
  const HttpFailure f = http_failure(e);
  if (f.retry_after_s > 0) res.set_header("Retry-After", std::to_string(f.retry_after_s));
  send_error(res, f.status, f.code, f.text_key);
}

std::string bearer_token(const httplib::Request& req) {
  std::string h = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (h.size() <= prefix.size() || h.compare(0, prefix.size(), prefix) != 0) return {};
  return h.substr(prefix.size());
}

// Debian's libcpp-httplib is built with a listen backlog of 5: when a
// hundred kiosks reconnect at once, SYNs overflow and clients wait through
// TCP's retransmit backoff (1 s, 3 s, 7 s, ...). The library does not expose
// its socket, so the listening socket on our port is found and listen() is
// called again with a real backlog (Linux updates it in place).
void widen_listen_backlog(int port) {
  for (int fd = 3; fd < 1024; ++fd) {
    int listening = 0;
    socklen_t len = sizeof listening;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
    sockaddr_storage ss{};
    socklen_t sl = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &sl) != 0) continue;
    int p = ss.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port)
            : ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                       : -1;
    if (p == port) ::listen(fd, 1024);
  }
}

}  // namespace

struct HubServer::Impl {
  HubOptions opts;
  std::unique_ptr<HubDb> db;
  std::unique_ptr<httplib::Server> http;
  int port = 0;
  bool tls = false;

  void log(const std::string& s) const {
    if (!opts.quiet) log_line(s);
  }

  // Authenticated kiosk id, or the response is already filled (401/403).
  std::optional<int64_t> authenticate(const httplib::Request& req, httplib::Response& res) {
    auto k = db->authenticate(bearer_token(req), unix_now_ms());
    if (k) return *k;
    const Error& e = k.error();
    send_failure(res, e);
    log(req.path + " auth refused: " + e.name());
    return std::nullopt;
  }

  void routes() {
    auto& s = *http;
    s.Get(sync::kPathHealth, [](const httplib::Request&, httplib::Response& res) {
      send_json(res, 200, nlohmann::json{{"ok", true}, {"version", KIOSK_VERSION}}.dump());
    });

    s.Post(sync::kPathEnroll, [this](const httplib::Request& req, httplib::Response& res) {
      auto e = sync::parse_enroll_request(req.body);
      if (!e) return send_error(res, 400, e.error().name());
      auto r = db->enroll(e->code, unix_now_ms(), req.remote_addr);
      if (!r) {
        // A refused burst is logged once by the limiter, not a line a try.
        if (r.error().kind != ErrorKind::RateLimited) log("enroll refused: " + r.error().name());
        return send_failure(res, r.error());
      }
      log("enrolled kiosk " + r->kiosk_id);
      send_json(res, 200, sync::to_json(*r));
    });

    s.Post(sync::kPathRequests, [this](const httplib::Request& req, httplib::Response& res) {
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
        return send_failure(res, r.error());
      }
      int acc = 0, dup = 0, rej = 0;
      for (const auto& o : r->results) {
        if (o.result == sync::ItemResult::Accepted) ++acc;
        else if (o.result == sync::ItemResult::Duplicate) ++dup;
        else ++rej;
      }
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - t0).count();
      log("kiosk " + std::to_string(*kiosk) + " batch of " +
          std::to_string(batch->requests.size()) + ": accepted " + std::to_string(acc) +
          ", duplicate " + std::to_string(dup) + ", rejected " + std::to_string(rej) + " (" +
          std::to_string(ms) + " ms)");
      send_json(res, 200, sync::to_json(*r));
    });

    s.Get(sync::kPathStatus, [this](const httplib::Request& req, httplib::Response& res) {
      auto kiosk = authenticate(req, res);
      if (!kiosk) return;
      int limit = sync::kMaxStatusChanges;
      if (req.has_param("limit")) {
        try {
          limit = std::clamp(std::stoi(req.get_param_value("limit")), 1, sync::kMaxStatusChanges);
        } catch (const std::exception&) {
          return send_error(res, 400, "bad_field");
        }
      }
      auto p = db->changes_since(*kiosk, req.get_param_value("cursor"), limit);
      if (!p) {
        if (p.error().kind == ErrorKind::BadField) return send_error(res, 400, "bad_field");
        res.set_header("Retry-After", "10");
        return send_error(res, 503, "storage");
      }
      send_json(res, 200, sync::to_json(*p));
    });

    s.Post(sync::kPathHeartbeat, [this](const httplib::Request& req, httplib::Response& res) {
      auto kiosk = authenticate(req, res);
      if (!kiosk) return;
      auto h = parse_heartbeat_bounded(req.body);
      if (!h) return send_error(res, 400, h.error().name());
      auto st = db->record_heartbeat(*kiosk, sync::to_json(*h), unix_now_ms());
      if (!st) {
        res.set_header("Retry-After", "10");
        return send_error(res, 503, "storage");
      }
      send_json(res, 200, nlohmann::json{{"hub_time_ms", unix_now_ms()}}.dump());
    });

    // Anything that reached here with an error status and no body (unknown
    // path 404, oversized body 413, ...) still gets a JSON error.
    s.set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      if (res.status == 404) send_error(res, 404, "not_found");
      else if (res.status == 413) send_error(res, 413, "too_large");
      else if (res.status == 405) send_error(res, 405, "not_found");
      else send_error(res, res.status, "bad_request");
      return httplib::Server::HandlerResponse::Handled;
    }));
    s.set_exception_handler(
        [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
          log(req.path + " internal error");
          send_error(res, 500, "internal");
        });
    s.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      if (res.status >= 400) log(req.method + " " + req.path + " -> " + std::to_string(res.status));
    });
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
  HubDbOptions dbo{opts.quota, opts.enroll,
                   std::make_shared<const ContentBundle>(std::move(*embedded.bundle))};
  auto db = HubDb::open(opts.data_dir + "/hub.db", std::move(dbo));
  if (!db) return db.error();
  impl->db = std::move(*db);

  if (want_tls) {
    auto ssl = std::make_unique<httplib::SSLServer>(opts.cert_file.c_str(), opts.key_file.c_str());
    if (!ssl->is_valid())
      return Error{ErrorKind::BadOption, tr("sync.hub.tls_pair"), "--cert",
                   "certificate or key could not be loaded"};
    impl->http = std::move(ssl);
    impl->tls = true;
  } else {
    impl->http = std::make_unique<httplib::Server>();
  }
  int threads = std::max(2, opts.threads);
  impl->http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  impl->http->set_payload_max_length(static_cast<size_t>(sync::kMaxBodyBytes));
  // A worker thread stays with its connection while it is kept alive: short
  // keep-alives and a cap per connection keep hundreds of kiosks from
  // starving each other (a kiosk's cycle is a few back-to-back requests).
  impl->http->set_keep_alive_max_count(5);
  impl->http->set_keep_alive_timeout(1);
  impl->http->set_read_timeout(10, 0);
  impl->http->set_write_timeout(10, 0);
  impl->routes();

  if (opts.port == 0) {
    impl->port = impl->http->bind_to_any_port(opts.bind);
    if (impl->port <= 0)
      return Error{ErrorKind::Bind, tr("sync.hub.bind"), "--port", "cannot bind " + opts.bind};
  } else {
    if (!impl->http->bind_to_port(opts.bind, opts.port))
      return Error{ErrorKind::Bind, tr("sync.hub.bind"), "--port",
                   "cannot bind " + opts.bind + ":" + std::to_string(opts.port)};
    impl->port = opts.port;
  }
  widen_listen_backlog(impl->port);
  return std::unique_ptr<HubServer>(new HubServer(std::move(impl)));
}

int HubServer::port() const { return impl_->port; }
bool HubServer::tls() const { return impl_->tls; }
void HubServer::run() { impl_->http->listen_after_bind(); }
void HubServer::stop() {
  if (impl_ && impl_->http) impl_->http->stop();
}
HubDb& HubServer::db() { return *impl_->db; }

}  // namespace kiosk::hub
