// The clocks, read in one place: the wall clock (today in China Standard
// Time, Unix milliseconds) and the monotonic clock that waits, timeouts and
// frame pacing run on (never set back by NTP). Everything that needs "now"
// takes it as a value from here.
#pragma once
#include <cstdint>

#include "kiosk/base/date.hpp"

namespace kiosk {

Date today_cst();
int64_t unix_now_ms();
// Monotonic time since an arbitrary start, in milliseconds and in seconds.
int64_t monotonic_ms();
double monotonic_s();

}  // namespace kiosk
