// The kiosk reads no more of a hub reply than a reply can be: a local
// server that answers with 300 MiB (with a Content-Length, and without one)
// gets the transfer cut at the cap, a transport error kind, and the kiosk
// keeps none of it.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "sync/client/transport.hpp"
#include "sync/protocol/protocol.hpp"
#include "tests/sync/support/raw_http.hpp"

using namespace kiosk::sync;
using namespace kiosk::synctest;

namespace {

// Answers one request with `total` bytes of JSON-ish text; counts what it
// managed to write before the client went away.
struct HugeReplyServer {
  int listen_fd = -1;
  int port = 0;
  std::atomic<int64_t> written{0};
  std::thread thread;

  HugeReplyServer(int64_t total, bool with_length) {
    listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listen_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(listen_fd, 4) == 0);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread = std::thread([this, total, with_length] {
      int c = ::accept(listen_fd, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
      }
      std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
      head += with_length ? "Content-Length: " + std::to_string(total) + "\r\n" : "Connection: close\r\n";
      head += "\r\n";
      send_all(c, head);
      const std::string block(1 << 16, ' ');
      for (int64_t sent = 0; sent < total; sent += static_cast<int64_t>(block.size())) {
        if (!send_all(c, block)) break;
        written += static_cast<int64_t>(block.size());
      }
      ::close(c);
    });
  }
  ~HugeReplyServer() {
    if (thread.joinable()) thread.join();
    ::close(listen_fd);
  }
};

}  // namespace

TEST_CASE("transport: a 300 MiB reply is cut at the cap, kind Misconfigured, nothing kept") {
  const int64_t total = 300ll << 20;
  for (bool with_length : {false, true}) {
    CAPTURE(with_length);
    HugeReplyServer srv(total, with_length);
    HubTransport t({"http://127.0.0.1:" + std::to_string(srv.port), "", true, "tok"}, {});
    HubReply r = t.get(std::string(kPathStatus) + "?cursor=");
    CHECK(r.kind == NetKind::Misconfigured);
    CHECK(r.error == "reply_too_large");
    CHECK(r.reach == Reach::Up);
    CHECK(r.body.empty());
    srv.thread.join();
    // The server could write only the cap plus what the sockets buffer.
    MESSAGE("server wrote " << (srv.written.load() >> 20) << " MiB of " << (total >> 20));
    CHECK(srv.written.load() < kMaxReplyBytes + (32 << 20));
  }
}

TEST_CASE("transport: a reply under the cap is read whole") {
  HugeReplyServer srv(1 << 20, false);
  HubTransport t({"http://127.0.0.1:" + std::to_string(srv.port), "", true, "tok"}, {});
  HubReply r = t.get(kPathHealth);
  CHECK(r.kind == NetKind::Ok);
  CHECK(r.body.size() == (1u << 20));
}
