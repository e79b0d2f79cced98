// Raw TCP for the attack tests: what an attacker sends, byte for byte, with
// no HTTP library in between to tidy it up.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace kiosk::synctest {

// A blocking connection to 127.0.0.1:port (-1 on failure). Sends and reads
// wait at most timeout_ms each.
int connect_loopback(int port, int timeout_ms = 5000);
// false once the peer has closed or reset the connection (no SIGPIPE).
bool send_all(int fd, std::string_view data);
// Reads what arrives until the peer closes, `max` bytes, or timeout_ms of
// silence; returns it (empty if nothing came).
std::string read_reply(int fd, int timeout_ms = 3000, size_t max = 1 << 16);
// True once the peer has closed the connection (a read returns 0 or an
// error), waiting at most timeout_ms.
bool peer_closed(int fd, int timeout_ms);
void close_fd(int fd);

// The status of an HTTP reply's first line ("HTTP/1.1 413 ..."), 0 if none.
int reply_status(std::string_view reply);

// One request written as given and its whole reply read back (Connection:
// close is the caller's to add). status 0: no HTTP answer.
struct RawExchange {
  int status = 0;
  std::string reply;
};
RawExchange raw_exchange(int port, std::string_view request, int timeout_ms = 5000);

}  // namespace kiosk::synctest
