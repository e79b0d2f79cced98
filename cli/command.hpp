// Subcommands of union-kiosk for technicians and scripts. Each module
// registers its own in its own file; apps/union-kiosk/main.cpp only dispatches.
#pragma once
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "kiosk/base/expected.hpp"

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

// The streams of a command (the process's when the env names none), whether
// it answers in JSON (--json before the command or on its line), and a
// failure printed in the one shape; returns `code`.
std::ostream& out_of(CliEnv& env);
std::ostream& err_of(CliEnv& env);
bool answers_json(const CliEnv& env);
int fail_with(CliEnv& env, const Error& e, int code);

void register_core_commands(CommandTable& t);  // submit, queue            (cli/core_commands.cpp)
void register_content_commands(CommandTable& t);  // content check|show   (cli/content_commands.cpp)
void register_card_commands(CommandTable& t);  // card, scan               (cli/card_commands.cpp)
void register_sync_commands(CommandTable& t);  // sync, enroll             (cli/sync_commands.cpp)   

}  // namespace kiosk::cli
