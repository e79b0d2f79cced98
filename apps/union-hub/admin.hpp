// union-hub's admin commands (kiosk add/list/revoke, request
// list/show/resolve) over HubDb; main.cpp parses the command line and serves.
#pragma once
#include <iosfwd>

#include "kiosk/base/args.hpp"
#include "sync/hub/hub_db.hpp"

namespace kiosk::hubcli {

struct Out {
  std::ostream& out;
  std::ostream& err;
  bool json = false;
};

int kiosk_command(const std::string& sub, const Args& a, hub::HubDb& db, Out& o);
int request_command(const std::string& sub, const Args& a, hub::HubDb& db, Out& o);

// A usage error (exit 2) with the offending word, in both languages.
int usage_error(Out& o, const std::string& what);

}  // namespace kiosk::hubcli
