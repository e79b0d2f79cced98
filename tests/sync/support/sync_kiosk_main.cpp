// sync-kiosk: union-kiosk's real `sync` and `enroll` commands without the UI,
// so the sync tests can run (and SIGKILL) the kiosk side as a process.
#include <iostream>

#include "cli/command.hpp"

int main(int argc, char** argv) {
  kiosk::cli::CommandTable table;
  kiosk::cli::register_sync_commands(table);
  kiosk::cli::CliEnv env;
  env.out = &std::cout;
  env.err = &std::cerr;
  const kiosk::cli::Command* cmd = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!cmd && a == "--data-dir" && i + 1 < argc) env.data_dir = argv[++i];
    else if (a == "--json") env.json = true;
    else if (!cmd && (cmd = table.find(a))) continue;
    else env.args.push_back(a);
  }
  if (!cmd || env.data_dir.empty()) {
    std::cerr << "usage: sync-kiosk --data-dir DIR sync|enroll ...\n";
    return 2;
  }
  return cmd->run(env);
}
