#include "tests/sync/support/fault_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <list>
#include <mutex>
#include <thread>

namespace kiosk::synctest {

namespace {

// Reads one HTTP message (headers + Content-Length body) from fd into msg.
// Returns false on EOF/error/stop.
bool read_message(int fd, std::string& buf, std::string& msg, const std::atomic<bool>& stop) {
  size_t header_end = std::string::npos;
  size_t need = 0;
  for (;;) {
    if (header_end == std::string::npos) {
      header_end = buf.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::string head = buf.substr(0, header_end);
        std::transform(head.begin(), head.end(), head.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        size_t cl = head.find("content-length:");
        size_t len = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 15));
        need = header_end + 4 + len;
      }
    }
    if (header_end != std::string::npos && buf.size() >= need) {
      msg = buf.substr(0, need);
      buf.erase(0, need);
      return true;
    }
    if (stop) return false;
    pollfd p{fd, POLLIN, 0};
    int pr = ::poll(&p, 1, 200);
    if (pr < 0) return false;
    if (pr == 0) continue;
    char tmp[65536];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
  }
}

bool send_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

void reset_close(int fd) {
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string canned(int status, const std::string& reason, const std::string& extra,
                   const std::string& type, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra +
         "Connection: close\r\n\r\n" + body;
}

}  // namespace

struct FaultProxy::Impl {
  int upstream = 0;
  int listen_fd = -1;
  int port = 0;
  std::atomic<bool> stop{false};
  std::mutex mu;
  Fault fault = Fault::None;
  int left = 0, delay_ms = 3000, retry_after_s = 1;
  std::atomic<int> faulted{0}, forwarded{0}, accepted{0}, released{0};
  std::thread acceptor;
  std::list<std::thread> conns;

  Fault take(int& delay, int& retry) {
    std::lock_guard lock(mu);
    delay = delay_ms;
    retry = retry_after_s;
    if (left <= 0) return Fault::None;
    --left;
    return fault;
  }

  void serve(int cfd) {
    std::string buf, req;
    while (!stop && read_message(cfd, buf, req, stop)) {
      int delay = 0, retry = 0;
      Fault f = take(delay, retry);
      if (f != Fault::None) ++faulted;
      if (f == Fault::Status500) {
        std::string r = canned(500, "Internal Server Error", "", "application/json",
                               R"({"error":"internal"})");
        send_all(cfd, r.data(), r.size());
        break;
      }
      if (f == Fault::Status503) {
        std::string r = canned(503, "Service Unavailable",
                               "Retry-After: " + std::to_string(retry) + "\r\n",
                               "application/json", R"({"error":"storage"})");
        send_all(cfd, r.data(), r.size());
        break;
      }
      if (f == Fault::Status400) {
        std::string r = canned(400, "Bad Request", "", "application/json", R"({"error":"bad_json"})");
        send_all(cfd, r.data(), r.size());
        break;
      }
      int ufd = connect_loopback(upstream);
      if (ufd < 0) break;  // hub down: the kiosk sees the connection drop
      ++forwarded;
      std::string ubuf, resp;
      bool got = send_all(ufd, req.data(), req.size()) && read_message(ufd, ubuf, resp, stop);
      ::close(ufd);
      if (!got) break;
      if (f == Fault::ResetMidResponse) {
        send_all(cfd, resp.data(), resp.size() / 2);
        reset_close(cfd);
        return;
      }
      if (f == Fault::SlowResponse) {
        for (int waited = 0; waited < delay && !stop; waited += 50)
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ++released;
        send_all(cfd, resp.data(), resp.size());
        break;
      }
      if (f == Fault::Trickle) {
        for (size_t i = 0; i < resp.size() && !stop; ++i) {
          if (!send_all(cfd, resp.data() + i, 1)) break;
          for (int w = 0; w < 1000 && !stop; w += 50)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        break;
      }
      if (f == Fault::NotJson) {
        std::string r = canned(200, "OK", "", "text/html",
                               "<html><body>Please log in to the network</body></html>");
        send_all(cfd, r.data(), r.size());
        break;
      }
      if (!send_all(cfd, resp.data(), resp.size())) break;
    }
    ::close(cfd);
  }
};

FaultProxy::FaultProxy(int upstream_port) : impl_(std::make_unique<Impl>()) {
  impl_->upstream = upstream_port;
  impl_->listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(impl_->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(impl_->listen_fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::listen(impl_->listen_fd, 64);
  socklen_t len = sizeof a;
  ::getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&a), &len);
  impl_->port = ntohs(a.sin_port);
  impl_->acceptor = std::thread([this] {
    while (!impl_->stop) {
      pollfd p{impl_->listen_fd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      int cfd = ::accept4(impl_->listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (cfd < 0) continue;
      ++impl_->accepted;
      std::lock_guard lock(impl_->mu);
      impl_->conns.emplace_back([this, cfd] { impl_->serve(cfd); });
    }
  });
}

FaultProxy::~FaultProxy() {
  impl_->stop = true;
  impl_->acceptor.join();
  for (auto& t : impl_->conns) t.join();
  ::close(impl_->listen_fd);
}

int FaultProxy::port() const { return impl_->port; }

void FaultProxy::inject(Fault f, int times, int delay_ms, int retry_after_s) {
  std::lock_guard lock(impl_->mu);
  impl_->fault = f;
  impl_->left = times;
  impl_->delay_ms = delay_ms;
  impl_->retry_after_s = retry_after_s;
}

int FaultProxy::faults_left() const {
  std::lock_guard lock(impl_->mu);
  return impl_->left;
}
int FaultProxy::faulted() const { return impl_->faulted; }
int FaultProxy::released() const { return impl_->released; }
int FaultProxy::forwarded() const { return impl_->forwarded; }
int FaultProxy::accepted() const { return impl_->accepted; }

}  // namespace kiosk::synctest
