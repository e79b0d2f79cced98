#include "kiosk/base/net.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

namespace kiosk {

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  in_addr a{};
  const std::string h(host);
  return inet_pton(AF_INET, h.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

}  // namespace kiosk
