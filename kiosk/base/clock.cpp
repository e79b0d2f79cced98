#include "kiosk/base/clock.hpp"

#include <chrono>

namespace kiosk {

Date today_cst() {
  using namespace std::chrono;
  return Date::from_unix(duration_cast<seconds>(system_clock::now().time_since_epoch()).count());
}

int64_t unix_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t monotonic_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

double monotonic_s() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace kiosk
