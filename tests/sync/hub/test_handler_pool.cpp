// The hub's HTTP server with its handlers on threads of their own
// (handler_pool.hpp): a handler that waits holds up no other connection,
// past the queue bound a request is answered 503 busy with Retry-After: 1,
// and stopping waits for the handlers under way.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "sync/hub/http_server.hpp"
#include "tests/sync/support/raw_http.hpp"

using namespace kiosk;
using namespace kiosk::synctest;

namespace {

template <class F>
bool eventually(F f) {
  for (int i = 0; i < 1000; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return f();
}

const char* kSlow = "POST /slow HTTP/1.1\r\nHost: hub\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
const char* kFast = "GET /fast HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n";

struct Server {
  std::atomic<bool> release{false};
  std::atomic<int> running{0};
  std::unique_ptr<hub::HttpServer> http;
  Server(unsigned handler_threads, size_t max_queued) {
    hub::HttpServerOptions o;
    o.limits.threads = 1;
    o.limits.handler_threads = handler_threads;
    o.limits.max_queued = max_queued;
    std::vector<hub::HttpServer::Route> routes = {
        {"POST", "/slow",
         [this](const hub::HttpRequest&, hub::HttpResponse& res) {
           ++running;
           while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(2));
           res.body = R"({"ok":true})";
         }},
        {"GET", "/fast", [](const hub::HttpRequest&, hub::HttpResponse& res) { res.body = "{}"; }},
    };
    auto on_error = [](int status, const std::string& code, hub::HttpResponse& res) {
      res.status = status;
      res.body = R"({"error":")" + code + R"("})";
    };
    auto s = hub::HttpServer::start(o, routes, on_error, nullptr);
    REQUIRE(s.ok());
    http = std::move(*s);
  }
};

}  // namespace

TEST_CASE("hub http: a handler that waits holds up no other request on its event loop") {
  Server s(4, 16);  // one event loop for all connections
  RawExchange slow;
  std::thread t([&] { slow = raw_exchange(s.http->port(), kSlow, 10000); });
  REQUIRE(eventually([&] { return s.running == 1; }));
  // The slow handler runs on; a request on the same event loop is answered
  // while it is still held (it cannot end before `release`).
  CHECK(raw_exchange(s.http->port(), kFast).status == 200);
  CHECK(slow.status == 0);
  s.release = true;
  t.join();
  CHECK(slow.status == 200);
  CHECK(slow.reply.find(R"({"ok":true})") != std::string::npos);
}

TEST_CASE("hub http: past its queue bound a request gets 503 busy with Retry-After 1, later ones are served") {
  Server s(1, 1);
  RawExchange a, b;
  std::thread ta([&] { a = raw_exchange(s.http->port(), kSlow, 10000); });
  REQUIRE(eventually([&] { return s.running == 1; }));
  std::thread tb([&] { b = raw_exchange(s.http->port(), kSlow, 10000); });
  REQUIRE(eventually([&] { return s.http->queued() == 1; }));
  const RawExchange c = raw_exchange(s.http->port(), kFast);
  CHECK(c.status == 503);
  CHECK(c.reply.find("Retry-After: 1\r\n") != std::string::npos);
  CHECK(c.reply.find(R"("busy")") != std::string::npos);
  s.release = true;
  ta.join();
  tb.join();
  CHECK(a.status == 200);
  CHECK(b.status == 200);
  CHECK(raw_exchange(s.http->port(), kFast).status == 200);  // the queue is free again
}

TEST_CASE("hub http: stopping waits for the handler under way and the one queued, and does not hang") {
  Server s(1, 4);
  RawExchange a, b;
  std::thread ta([&] { a = raw_exchange(s.http->port(), kSlow, 10000); });
  REQUIRE(eventually([&] { return s.running == 1; }));
  std::thread tb([&] { b = raw_exchange(s.http->port(), kSlow, 10000); });
  REQUIRE(eventually([&] { return s.http->queued() == 1; }));
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    s.release = true;
  });
  s.http->stop();
  releaser.join();
  ta.join();
  tb.join();
  CHECK(s.running == 2);  // both handlers ran to their end
  CHECK(a.status == 200);
}
