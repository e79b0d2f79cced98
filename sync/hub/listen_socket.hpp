// The hub's listening socket, made by us rather than by libmicrohttpd (so
// that a port in use and a certificate that does not load are told apart,
// and the backlog is ours), and the descriptor limit raised for it.
#pragma once
#include <sys/resource.h>

#include <string>

#include "kiosk/base/expected.hpp"

namespace kiosk::hub {

Error bind_error(const std::string& what);
Expected<int> listen_on(const std::string& host, int port);
int bound_port(int fd);
void raise_fd_limit(rlim_t want);

}  // namespace kiosk::hub
