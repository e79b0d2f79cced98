#include "ui/ime/wire.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>

namespace kiosk::ime {

namespace {

// A text field of the state must not hold the separators.
bool plain(std::string_view s) {
  return s.find_first_of("\n\t") == std::string_view::npos;
}

std::string_view next_line(std::string_view& rest, bool& ok) {
  size_t nl = rest.find('\n');
  if (nl == std::string_view::npos) {
    ok = false;
    return {};
  }
  std::string_view line = rest.substr(0, nl);
  rest.remove_prefix(nl + 1);
  return line;
}

using Clock = std::chrono::steady_clock;

// Reads exactly n bytes before the deadline.
ReadStatus read_exact(int fd, char* p, size_t n, int timeout_ms, Clock::time_point start) {
  while (n > 0) {
    int wait = -1;
    if (timeout_ms >= 0) {
      auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
      if (spent >= timeout_ms) return ReadStatus::Timeout;
      wait = static_cast<int>(timeout_ms - spent);
    }
    pollfd pfd{fd, POLLIN, 0};
    int r = ::poll(&pfd, 1, wait);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return ReadStatus::Closed;
    if (r == 0) return ReadStatus::Timeout;
    ssize_t got = ::read(fd, p, n);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) return ReadStatus::Closed;
    p += got;
    n -= static_cast<size_t>(got);
  }
  return ReadStatus::Ok;
}

}  // namespace

std::string encode_state(const DecoderState& s) {
  std::string out = s.done ? "done\n" : "ok\n";
  for (const std::string* f : {&s.committed, &s.fixed, &s.remaining}) {
    if (plain(*f)) out += *f;
    out += '\n';
  }
  for (const auto& [id, text] : s.candidates) {
    if (!plain(text) || text.empty()) continue;
    out += std::to_string(id);
    out += '\t';
    out += text;
    out += '\n';
  }
  return out;
}

std::optional<DecoderState> decode_state(std::string_view frame) {
  DecoderState s;
  bool ok = true;
  std::string_view status = next_line(frame, ok);
  if (!ok || (status != "ok" && status != "done")) return std::nullopt;
  s.done = status == "done";
  s.committed = next_line(frame, ok);
  s.fixed = next_line(frame, ok);
  s.remaining = next_line(frame, ok);
  if (!ok) return std::nullopt;
  while (!frame.empty()) {
    std::string_view line = next_line(frame, ok);
    if (!ok) return std::nullopt;
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab + 1 >= line.size()) return std::nullopt;
    int id = -1;
    auto [end, ec] = std::from_chars(line.data(), line.data() + tab, id);
    if (ec != std::errc() || end != line.data() + tab || id < 0) return std::nullopt;
    s.candidates.emplace_back(id, std::string(line.substr(tab + 1)));
  }
  return s;
}

bool write_frame(int fd, std::string_view payload) {
  if (payload.size() > kMaxFrame) return false;
  uint32_t n = static_cast<uint32_t>(payload.size());
  std::string buf;
  buf.reserve(4 + payload.size());
  for (int i = 0; i < 4; ++i) buf += static_cast<char>((n >> (8 * i)) & 0xFF);
  buf.append(payload);
  const char* p = buf.data();
  size_t left = buf.size();
  while (left > 0) {
    // MSG_NOSIGNAL: a dead peer is an error here, never a SIGPIPE.
    ssize_t w = ::send(fd, p, left, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    left -= static_cast<size_t>(w);
  }
  return true;
}

ReadStatus read_frame(int fd, std::string& out, int timeout_ms) {
  const auto start = Clock::now();
  unsigned char len[4];
  ReadStatus st = read_exact(fd, reinterpret_cast<char*>(len), 4, timeout_ms, start);
  if (st != ReadStatus::Ok) return st;
  uint32_t n = uint32_t(len[0]) | uint32_t(len[1]) << 8 | uint32_t(len[2]) << 16 | uint32_t(len[3]) << 24;
  if (n > kMaxFrame) return ReadStatus::TooLarge;
  out.assign(n, '\0');
  return n == 0 ? ReadStatus::Ok : read_exact(fd, out.data(), n, timeout_ms, start);
}

}  // namespace kiosk::ime
