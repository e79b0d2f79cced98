// The hub's HTTP(S) server: GNU libmicrohttpd behind a small interface
// (requests in, responses out, routing by method and path), so that no MHD
// type leaks to the routes in hub_server.cpp.
//
// Built to be held by no one: connections are served by a few event-driven
// threads (epoll), never one thread each; every limit is held while reading
// (header bytes, body bytes as they arrive whatever the framing, an idle
// timeout and an absolute time budget per request), and TLS offers only
// TLS 1.2/1.3 with AEAD suites. What the server refuses by itself (404, 405,
// 413, 415, 500) gets a body from the owner's error responder.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/base/expected.hpp"

namespace kiosk::hub {

struct HttpRequest {
  std::string method;       // "GET", "POST", ...
  std::string path;         // percent-decoded by the server, no query
  std::map<std::string, std::string> query;    // decoded; a key given twice: the first
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string remote_addr;  // the peer's numeric address ("127.0.0.1", "::1")

  // "" when absent. `name` in any case.
  std::string header(std::string_view name) const;
  bool has_param(const std::string& key) const { return query.count(key) != 0; }
  std::string param(const std::string& key) const;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

using HttpHandler = std::function<void(const HttpRequest&, HttpResponse&)>;
// Fills `res` for a refusal the server makes itself: status and a short code
// ("not_found", "too_large", "unsupported_encoding", "internal", ...).
using HttpErrorResponder = std::function<void(int status, const std::string& code, HttpResponse& res)>;
// Called once a request has been answered (not for connections cut before
// their headers were complete).
using HttpLogger = std::function<void(const HttpRequest&, const HttpResponse&)>;

struct HttpLimits {
  int64_t max_body_bytes = 8 << 20;        // counted as bytes arrive: 413 past it
  int64_t max_buffered_bytes = 48 << 20;   // bodies held at once, all connections: 503 past it
  size_t max_header_bytes = 64 << 10;      // request line + headers (MHD answers 431)
  unsigned connection_limit = 2000;        // open connections at once, all threads
  unsigned idle_timeout_s = 15;            // no byte for this long: closed
  int request_deadline_ms = 30000;         // headers + body of one request, at most
  unsigned threads = 8;                    // event loops (each serves many connections)
  // Threads that run the handlers (handler_pool.hpp), so that a handler
  // waiting for the disk holds up no event loop; 0: handlers run in the
  // event loops. Past `max_queued` requests waiting for one: 503 busy,
  // Retry-After: 1.
  unsigned handler_threads = 0;
  size_t max_queued = 1024;
};

struct HttpServerOptions {
  std::string bind = "127.0.0.1";
  int port = 0;                  // 0: any free port
  std::string cert_pem, key_pem; // both set: HTTPS (the PEM text, not file names)
  HttpLimits limits;
};

// The GnuTLS priority string the server offers: TLS 1.3 and 1.2 only, AEAD
// ciphers only (AES-GCM, ChaCha20-Poly1305, AES-CCM), forward-secret key
// exchange only.
extern const char* const kTlsPriorities;

class HttpServer {
 public:
  // Binds the socket and starts serving at once (routes must be given here).
  struct Route {
    std::string method, path;
    HttpHandler handler;
  };
  static Expected<std::unique_ptr<HttpServer>> start(const HttpServerOptions& opts,
                                                     std::vector<Route> routes,
                                                     HttpErrorResponder on_error,
                                                     HttpLogger logger);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  bool tls() const;
  // Blocks until stop() (from any thread; idempotent).
  void wait();
  void stop();
  // Connections cut by the per-request deadline so far.
  int64_t deadline_cuts() const;
  // Requests waiting for a handler thread (0 without handler threads).
  size_t queued() const;

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::hub
