// The exit codes of every program of the project (union-kiosk, its touch UI
// and its commands, and union-hub), the same for each: scripts, systemd and
// the tests decide from the code alone (docs/ARCHITECTURE.md, "Exit codes").
#pragma once

namespace kiosk {

enum ExitCode : int {
  kExitOk = 0,          // done (card verify: the card is valid)
  kExitRefused = 1,     // refused: invalid input, not found, a card not valid, the hub refused (401/403, bad code)
  kExitUsage = 2,       // the command line itself is wrong
  kExitCannotWork = 3,  // this install cannot do it: store, config, content, key file, display, not enrolled, TLS/URL
  kExitRetryLater = 4,  // a passing condition (hub offline or busy): the same command may work later
};

// The table above as `union-kiosk --help` and `union-hub --help` print it.
inline constexpr const char* kExitCodeHelp =
    "Exit codes (every command):\n"
    "  0  done\n"
    "  1  refused: invalid input, not found, card not valid, refused by the hub\n"
    "  2  usage: the command line is wrong\n"
    "  3  cannot work: store, config, content, key file, display, not enrolled, TLS or URL\n"
    "  4  retry later: hub offline or busy\n";

}  // namespace kiosk
