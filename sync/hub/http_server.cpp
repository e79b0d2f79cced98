#include "sync/hub/http_server.hpp"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <malloc.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "kiosk/base/strings.hpp"
#include "sync/hub/handler_pool.hpp"
#include "sync/hub/listen_socket.hpp"

namespace kiosk::hub {

// GnuTLS syntax: start from SECURE128 (no export, no RC4/3DES, >=128-bit),
// then keep only TLS 1.3/1.2, only AEAD ciphers (which also drops every
// CBC+HMAC suite) and only ephemeral key exchange.
const char* const kTlsPriorities =
    "SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:"
    "-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:+AES-256-CCM:+AES-128-CCM:"
    "-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:+DHE-RSA:%SERVER_PRECEDENCE";

namespace {

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// One TCP connection, from accept to close: the deadline of the request it
// is reading now. The fd is only ever shut down from outside, never closed
// (MHD closes it after NOTIFY_CLOSED, which takes the same lock).
struct Conn {
  int fd = -1;
  std::atomic<int64_t> deadline_ms{0};
  bool cut = false;
};

// One request: what was read so far.
struct Req {
  HttpRequest req;
  Conn* conn = nullptr;
  int64_t received = 0;
  int64_t charged = 0;     // bytes of the shared body budget this request holds
  bool too_large = false;
  bool over_budget = false;
  bool answered = false;
  // Handed to a pool thread (the connection suspended meanwhile); `ready`
  // once `res` is filled and the connection resumed.
  bool ready = false;
  bool handed = false;  // counted in Impl::in_pool until MHD completes it
  HttpResponse res;
};

}  // namespace

std::string HttpRequest::header(std::string_view name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpRequest::param(const std::string& key) const {
  auto it = query.find(key);
  return it == query.end() ? std::string() : it->second;
}

struct HttpServer::Impl {
  HttpServerOptions opts;
  std::vector<Route> routes;
  HttpErrorResponder on_error;
  HttpLogger logger;
  MHD_Daemon* daemon = nullptr;
  int port = 0;
  bool tls = false;

  std::mutex conns_mu;
  std::set<Conn*> conns;
  std::atomic<int64_t> cuts{0};
  std::atomic<int64_t> buffered{0};  // body bytes held by all requests now

  std::mutex state_mu;
  std::condition_variable state_cv;
  bool stopping = false, stopped = false;
  // Requests handed to the pool whose answers MHD has not finished sending:
  // stop() waits for them, or a resumed answer would be dropped unsent.
  int in_pool = 0;
  std::thread sweeper;
  std::mutex mhd_log_mu;
  std::string last_mhd_error;  // for a start that fails
  std::unique_ptr<HandlerPool> pool;  // null: handlers run in the event loops

  // ---- MHD callbacks (static trampolines) ----

  static void on_mhd_log(void* cls, const char* fmt, va_list ap) {
    auto* self = static_cast<Impl*>(cls);
    char buf[512];
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    std::lock_guard lock(self->mhd_log_mu);
    self->last_mhd_error = buf;  // kept, not printed: under attack it would flood the log
  }

  static void on_connection(void* cls, MHD_Connection* connection, void** socket_context,
                            enum MHD_ConnectionNotificationCode code) {
    auto* self = static_cast<Impl*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
      auto* c = new Conn;
      const MHD_ConnectionInfo* info =
          MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
      c->fd = info ? info->connect_fd : -1;
      c->deadline_ms = steady_ms() + self->opts.limits.request_deadline_ms;
      std::lock_guard lock(self->conns_mu);
      self->conns.insert(c);
      *socket_context = c;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
      auto* c = static_cast<Conn*>(*socket_context);
      if (!c) return;
      std::lock_guard lock(self->conns_mu);
      self->conns.erase(c);
      delete c;
      *socket_context = nullptr;
    }
  }

  static void on_completed(void* cls, MHD_Connection* connection, void** con_cls,
                           enum MHD_RequestTerminationCode) {
    auto* self = static_cast<Impl*>(cls);
    auto* r = static_cast<Req*>(*con_cls);
    // The next request on this kept-alive connection gets a fresh budget.
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (info && info->socket_context)
      static_cast<Conn*>(info->socket_context)->deadline_ms =
          steady_ms() + self->opts.limits.request_deadline_ms;
    if (r) self->buffered -= r->charged;
    if (r && r->handed) {
      {
        std::lock_guard lock(self->state_mu);
        --self->in_pool;
      }
      self->state_cv.notify_all();
    }
    delete r;
    *con_cls = nullptr;
  }

  static enum MHD_Result collect(void* cls, enum MHD_ValueKind, const char* key, const char* value) {
    auto* m = static_cast<std::map<std::string, std::string>*>(cls);
    if (key) m->emplace(std::string(key), value ? std::string(value) : std::string());
    return MHD_YES;
  }

  static enum MHD_Result collect_header(void* cls, enum MHD_ValueKind, const char* key,
                                        const char* value) {
    auto* m = static_cast<std::map<std::string, std::string>*>(cls);
    if (key) m->emplace(lower(key), value ? std::string(value) : std::string());
    return MHD_YES;
  }

  static enum MHD_Result on_access(void* cls, MHD_Connection* connection, const char* url,
                                   const char* method, const char*, const char* upload_data,
                                   size_t* upload_data_size, void** con_cls) {
    auto* self = static_cast<Impl*>(cls);
    try {
      return self->access(connection, url, method, upload_data, upload_data_size, con_cls);
    } catch (...) {
      // Out of memory or a bug: this connection ends, the server does not.
      return MHD_NO;
    }
  }

  enum MHD_Result access(MHD_Connection* connection, const char* url, const char* method,
                         const char* upload_data, size_t* upload_data_size, void** con_cls) {
    auto* r = static_cast<Req*>(*con_cls);
    if (!r) {
      // Headers complete: nothing of the body has been read yet.
      r = new Req;
      *con_cls = r;
      r->req.method = method ? method : "";
      r->req.path = url ? url : "";
      MHD_get_connection_values(connection, MHD_HEADER_KIND, &collect_header, &r->req.headers);
      MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &collect, &r->req.query);
      if (const MHD_ConnectionInfo* ci =
              MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
          ci && ci->client_addr) {
        char buf[INET6_ADDRSTRLEN] = {0};
        if (ci->client_addr->sa_family == AF_INET)
          ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ci->client_addr)->sin_addr, buf, sizeof buf);
        else if (ci->client_addr->sa_family == AF_INET6)
          ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(ci->client_addr)->sin6_addr, buf, sizeof buf);
        r->req.remote_addr = buf;
      }
      if (const MHD_ConnectionInfo* si =
              MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT))
        r->conn = static_cast<Conn*>(si->socket_context);
      // A body is never inflated: anything but identity is refused unread.
      std::string enc = lower(trim(r->req.header("Content-Encoding")));
      if (!enc.empty() && enc != "identity") return refuse(connection, *r, 415, "unsupported_encoding");
      std::string len = trim(r->req.header("Content-Length"));
      if (!len.empty()) {
        bool digits = len.size() <= 18 && std::all_of(len.begin(), len.end(), [](unsigned char c) {
                        return std::isdigit(c);
                      });
        if (!digits || std::stoll(len) > opts.limits.max_body_bytes)
          return refuse(connection, *r, 413, "too_large");
        r->req.body.reserve(static_cast<size_t>(std::stoll(len)));  // one allocation, not doublings
      }
      return MHD_YES;
    }
    if (r->ready) return respond(connection, *r, r->res, false);  // back from the pool
    if (r->answered) {  // refused early: whatever else arrives is not kept
      *upload_data_size = 0;
      return MHD_YES;
    }
    if (*upload_data_size > 0) {
      // Counted as it arrives, whatever the framing (Content-Length, chunked).
      r->received += static_cast<int64_t>(*upload_data_size);
      if (r->too_large || r->received > opts.limits.max_body_bytes) {
        // Past the limit nothing more is kept. MHD 0.9.75 takes a response
        // only before the body is read or after all of it, so the rest is
        // read and dropped (memory stays flat) and answered 413 at its end;
        // the request's deadline bounds how long that may take.
        if (!r->too_large) {
          std::string().swap(r->req.body);
          buffered -= r->charged;
          r->charged = 0;
        }
        r->too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
      }
      // Every connection may hold a body up to the limit, but not all at
      // once: past the shared budget a request is read on, dropped, and
      // answered 503 (the kiosk retries later).
      const auto add = static_cast<int64_t>(*upload_data_size);
      if (!r->over_budget && buffered.fetch_add(add) + add > opts.limits.max_buffered_bytes) {
        buffered -= add;
        r->over_budget = true;
      }
      if (r->over_budget) {
        if (r->charged) {
          buffered -= r->charged;
          r->charged = 0;
          std::string().swap(r->req.body);
        }
      } else {
        r->charged += add;
        r->req.body.append(upload_data, *upload_data_size);
      }
      *upload_data_size = 0;
      return MHD_YES;
    }
    if (r->too_large) return refuse(connection, *r, 413, "too_large");
    if (r->over_budget) return refuse(connection, *r, 503, "busy", "5");
    // The whole request has arrived: a fresh budget for answering it.
    if (r->conn) r->conn->deadline_ms = steady_ms() + opts.limits.request_deadline_ms;
    if (!pool) {
      HttpResponse res;
      dispatch(r->req, res);
      return respond(connection, *r, res, false);
    }
    // The connection waits, off its event loop, for a pool thread to run
    // the handler; MHD calls back here once it is resumed.
    if (!pool->reserve()) return refuse(connection, *r, 503, "busy", "1");
    {
      std::lock_guard lock(state_mu);
      ++in_pool;
    }
    r->handed = true;
    MHD_suspend_connection(connection);
    pool->submit([this, connection, r] {
      dispatch(r->req, r->res);
      r->ready = true;
      MHD_resume_connection(connection);
    });
    return MHD_YES;
  }

  void dispatch(const HttpRequest& req, HttpResponse& res) {
    bool path_known = false;
    for (const auto& rt : routes) {
      if (rt.path != req.path) continue;
      path_known = true;
      if (rt.method != req.method) continue;
      try {
        rt.handler(req, res);
      } catch (...) {
        res = HttpResponse{};
        on_error(500, "internal", res);
      }
      return;
    }
    on_error(path_known ? 405 : 404, path_known ? "method_not_allowed" : "not_found", res);
  }

  enum MHD_Result refuse(MHD_Connection* connection, Req& r, int status, const char* code,
                         const char* retry_after_s = nullptr) {
    HttpResponse res;
    on_error(status, code, res);
    if (retry_after_s) res.set_header("Retry-After", retry_after_s);
    return respond(connection, r, res, true);
  }

  enum MHD_Result respond(MHD_Connection* connection, Req& r, const HttpResponse& res, bool close) {
    MHD_Response* resp = MHD_create_response_from_buffer(
        res.body.size(), const_cast<char*>(res.body.data()), MHD_RESPMEM_MUST_COPY);
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", res.content_type.c_str());
    for (const auto& [k, v] : res.headers) MHD_add_response_header(resp, k.c_str(), v.c_str());
    if (close) MHD_add_response_header(resp, "Connection", "close");
    enum MHD_Result ok = MHD_queue_response(connection, static_cast<unsigned>(res.status), resp);
    MHD_destroy_response(resp);
    if (ok == MHD_YES) {
      r.answered = true;
      if (logger) logger(r.req, res);
    }
    return ok;
  }

  // Cuts every connection whose request is past its deadline. A slowloris
  // that sends a header line every few seconds is never idle long enough
  // for MHD's inactivity timeout; this is the absolute bound.
  void sweep() {
    std::unique_lock lock(state_mu);
    while (!stopping) {
      state_cv.wait_for(lock, std::chrono::milliseconds(200));
      const int64_t now = steady_ms();
      std::lock_guard cl(conns_mu);
      for (Conn* c : conns) {
        if (c->cut || c->fd < 0 || c->deadline_ms.load() > now) continue;
        // Counted before the cut: whoever sees the connection end sees it counted.
        c->cut = true;
        ++cuts;
        ::shutdown(c->fd, SHUT_RDWR);  // MHD sees the end and closes it
      }
    }
  }

  void stop() {
    {
      std::lock_guard lock(state_mu);
      if (stopping) return;
      stopping = true;
    }
    state_cv.notify_all();
    if (sweeper.joinable()) sweeper.join();
    // Every handler runs to its end and its connection is resumed: MHD is
    // not stopped with a connection suspended.
    if (pool) pool->stop();
    {
      // Resumed connections are answered by MHD's own thread: give it the
      // time to send what the handlers wrote (bounded: a client that never
      // reads cannot hold the stop up).
      std::unique_lock lock(state_mu);
      state_cv.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(1000, opts.limits.request_deadline_ms)),
                        [&] { return in_pool == 0; });
    }
    if (daemon) MHD_stop_daemon(daemon);  // closes the listening socket too
    daemon = nullptr;
    {
      std::lock_guard lock(state_mu);
      stopped = true;
    }
    state_cv.notify_all();
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { stop(); }

Expected<std::unique_ptr<HttpServer>> HttpServer::start(const HttpServerOptions& opts,
                                                        std::vector<Route> routes,
                                                        HttpErrorResponder on_error,
                                                        HttpLogger logger) {
  auto impl = std::make_unique<Impl>();
  impl->opts = opts;
  impl->routes = std::move(routes);
  impl->on_error = std::move(on_error);
  impl->logger = std::move(logger);
  impl->tls = !opts.cert_pem.empty() && !opts.key_pem.empty();
  const HttpLimits& lim = impl->opts.limits;
  // Bodies of up to 8 MiB are allocated and freed by several threads:
  // glibc's default moves its mmap threshold up after the first such free
  // and then keeps the freed blocks in per-thread arenas (measured: 176 MiB
  // after 22 bodies). A fixed threshold sends every large block back to the
  // kernel when it is freed.
  ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  raise_fd_limit(static_cast<rlim_t>(lim.connection_limit) + 256);

  auto fd = listen_on(opts.bind, opts.port);
  if (!fd) return fd.error();
  impl->port = bound_port(*fd);

  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
  if (lim.handler_threads > 0) {
    flags |= MHD_ALLOW_SUSPEND_RESUME;
    impl->pool = std::make_unique<HandlerPool>(lim.handler_threads, std::max<size_t>(1, lim.max_queued));
  }
  if (impl->tls) flags |= MHD_USE_TLS;
  sockaddr_storage ss{};
  socklen_t sl = sizeof ss;
  if (::getsockname(*fd, reinterpret_cast<sockaddr*>(&ss), &sl) == 0 && ss.ss_family == AF_INET6)
    flags |= MHD_USE_IPv6;
  MHD_OptionItem tls_opts[] = {
      {MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char*>(impl->opts.cert_pem.c_str())},
      {MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(impl->opts.key_pem.c_str())},
      {MHD_OPTION_HTTPS_PRIORITIES, 0, const_cast<char*>(kTlsPriorities)},
      {MHD_OPTION_END, 0, nullptr},
  };
  MHD_OptionItem no_opts[] = {{MHD_OPTION_END, 0, nullptr}};
  Impl* self = impl.get();
  impl->daemon = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &Impl::on_access, self,
      MHD_OPTION_LISTEN_SOCKET, static_cast<MHD_socket>(*fd),
      MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned>(std::max(1u, lim.threads)),
      MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned>(lim.connection_limit),
      MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(lim.idle_timeout_s),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<size_t>(lim.max_header_bytes),
      MHD_OPTION_STRICT_FOR_CLIENT, 1,
      MHD_OPTION_NOTIFY_CONNECTION, &Impl::on_connection, self,
      MHD_OPTION_NOTIFY_COMPLETED, &Impl::on_completed, self,
      MHD_OPTION_EXTERNAL_LOGGER, &Impl::on_mhd_log, self,
      MHD_OPTION_ARRAY, impl->tls ? tls_opts : no_opts,
      MHD_OPTION_END);
  if (!impl->daemon) {
    ::close(*fd);
    std::string why;
    {
      std::lock_guard lock(impl->mhd_log_mu);
      why = impl->last_mhd_error;
    }
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
    if (impl->tls)
      return Error{ErrorKind::BadOption, tr("sync.hub.tls_pair"), "--cert",
                   "certificate or key could not be loaded" + (why.empty() ? "" : ": " + why)};
    return bind_error("the HTTP server did not start" + (why.empty() ? "" : ": " + why));
  }
  impl->sweeper = std::thread([self] { self->sweep(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->port; }
bool HttpServer::tls() const { return impl_->tls; }

void HttpServer::wait() {
  std::unique_lock lock(impl_->state_mu);
  impl_->state_cv.wait(lock, [this] { return impl_->stopped; });
}

void HttpServer::stop() {
  if (impl_) impl_->stop();
}

int64_t HttpServer::deadline_cuts() const { return impl_->cuts.load(); }
size_t HttpServer::queued() const { return impl_->pool ? impl_->pool->queued() : 0; }

}  // namespace kiosk::hub
