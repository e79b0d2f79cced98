// The wall clock, read in one place: today in China Standard Time and Unix
// milliseconds. Everything that needs "now" takes it as a value from here.
#pragma once
#include <cstdint>

#include "kiosk/base/date.hpp"

namespace kiosk {

Date today_cst();
int64_t unix_now_ms();

}  // namespace kiosk
