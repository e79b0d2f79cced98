// UUIDv7 (RFC 9562 §5.7): 48-bit Unix milliseconds, version 7, variant 10, and
// 74 random bits from libsodium. Within one millisecond (or if the clock steps
// back) the previous value plus one is issued instead (RFC 9562 §6.2 method 2),
// so ids from one process sort in the order they were made.
#include <cstdint>
#include <mutex>
#include <string>

#include <sodium.h>

#include "kiosk/store/store.hpp"

namespace kiosk {

namespace {

struct UuidState {
  std::mutex mu;
  int64_t ms = -1;
  uint16_t rand_a = 0;  // 12 bits
  uint64_t rand_b = 0;  // 62 bits
};

UuidState& state() {
  static UuidState s;
  return s;
}

}  // namespace

std::string make_uuid_v7(int64_t unix_ms) {
  static const bool sodium_ready = sodium_init() >= 0;
  (void)sodium_ready;  // randombytes_buf works (falls back to getrandom) either way
  if (unix_ms < 0) unix_ms = 0;
  uint64_t ms, ra, rb;
  {
    auto& s = state();
    std::lock_guard lock(s.mu);
    if (unix_ms > s.ms) {
      unsigned char r[10];
      randombytes_buf(r, sizeof r);
      s.ms = unix_ms;
      s.rand_a = static_cast<uint16_t>(((r[0] << 8) | r[1]) & 0x0fff);
      uint64_t b = 0;
      for (int i = 2; i < 10; ++i) b = (b << 8) | r[i];
      // Leave head-room so the counter rarely carries into rand_a.
      s.rand_b = b & 0x1fffffffffffffffULL;
    } else if (++s.rand_b > 0x3fffffffffffffffULL) {
      s.rand_b = 0;
      if (++s.rand_a > 0x0fff) {
        s.rand_a = 0;
        ++s.ms;  // 2^74 ids in one millisecond: borrow the next one
      }
    }
    ms = static_cast<uint64_t>(s.ms) & 0xffffffffffffULL;
    ra = s.rand_a;
    rb = s.rand_b;
  }
  unsigned char b[16];
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | (ra >> 8));
  b[7] = static_cast<unsigned char>(ra & 0xff);
  b[8] = static_cast<unsigned char>(0x80 | ((rb >> 56) & 0x3f));
  for (int i = 9; i < 16; ++i) b[i] = static_cast<unsigned char>(rb >> (8 * (15 - i)));
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 15];
  }
  return out;
}

}  // namespace kiosk
