// Subcommands of union-kiosk for technicians and scripts. Each module
// registers its own in its own file; apps/union-kiosk/main.cpp only dispatches.
#pragma once
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace kiosk::cli {

struct CliEnv {
  std::string data_dir;             // --data-dir or the default
  std::function<int64_t()> clock;   // unix ms; empty: the wall clock (tests move it)
  bool json = false;                // --json
  bool demo = false;                // --demo before the command: trust demo card keys
  std::vector<std::string> args;    // the words after the command name
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
};

struct Command {
  std::string name;    // first word: "submit", "queue", "content", "card", "scan", "sync", "enroll"
  std::string usage;   // one or more lines for --help
  std::function<int(CliEnv&)> run;  // exit code
};

class CommandTable {
 public:
  void add(Command c) { commands_.push_back(std::move(c)); }
  const Command* find(const std::string& name) const {
    for (const auto& c : commands_)
      if (c.name == name) return &c;
    return nullptr;
  }
  const std::vector<Command>& all() const { return commands_; }

 private:
  std::vector<Command> commands_;
};

// A usage failure in the one shape (kiosk/base/failure_output): with --json
// the JSON error {"error": "usage", "detail": what}; else the message and
// `usage_text` on stderr. Returns kExitUsage.
int usage_failure(CliEnv& env, const std::string& what, const std::string& usage_text);

void register_core_commands(CommandTable& t);  // submit, queue, content   (cli/core_commands.cpp)
void register_card_commands(CommandTable& t);  // card, scan               (cli/card_commands.cpp)
void register_sync_commands(CommandTable& t);  // sync, enroll             (cli/sync_commands.cpp)   

}  // namespace kiosk::cli
