// Whether a host name or address is this machine: where plain HTTP is
// allowed (tests, a hub bound to loopback).
#pragma once
#include <string_view>

namespace kiosk {

// "localhost", "::1" / "[::1]", or a dotted IPv4 address in 127.0.0.0/8.
bool is_loopback_host(std::string_view host);

}  // namespace kiosk
