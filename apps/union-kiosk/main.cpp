// union-kiosk: with no command, the touch UI; with one, a technician's tool.
#include <sys/stat.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/common/exit_codes.hpp"
#include "kiosk/install/paths.hpp"
#include "ui/shell/options.hpp"
#include "ui/shell/run.hpp"

namespace {

void print_help(const kiosk::cli::CommandTable& table) {
  std::cout << "union-kiosk " << KIOSK_VERSION << "\n\n"
            << "Usage:\n"
            << "  union-kiosk [--data-dir DIR] [--demo] [--windowed WxH] [--lang zh|en] [--scan-source SRC]\n"
            << "      Start the touch kiosk (fullscreen unless --windowed).\n"
            << "  union-kiosk [--data-dir DIR] [--demo] [--json] COMMAND ...\n\n"
            << "  --demo: demo mode: trust the content's demo card keys (their private halves\n"
            << "          are published) and show 演示模式 / Demo on screen; also config \"demo\": true.\n\n"
            << "Commands:\n";
  for (const auto& c : table.all()) std::cout << c.usage << "\n";
  std::cout << "  --version\n\n" << kiosk::cli::kExitCodeHelp;
}

}  // namespace

int main(int argc, char** argv) {
  // Everything this process creates (the queue, its -wal and -shm, logs,
  // keys) is its user's alone, whatever the session's umask was.
  ::umask(077);
  kiosk::cli::CommandTable table;
  kiosk::cli::register_core_commands(table);
  kiosk::cli::register_card_commands(table);
  kiosk::cli::register_sync_commands(table);

  kiosk::cli::CliEnv env;
  env.out = &std::cout;
  env.err = &std::cerr;
  std::vector<std::string> rest;  // options for the UI, or the command and its words
  const kiosk::cli::Command* command = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!command && a == "--data-dir" && i + 1 < argc) {
      env.data_dir = argv[++i];
    } else if (!command && a.rfind("--data-dir=", 0) == 0) {
      env.data_dir = a.substr(11);
    } else if (!command && a == "--demo") {
      // Demo mode, for a command or the touch UI: trust content's demo card
      // keys (their private halves are published) and say so on screen.
      env.demo = true;
    } else if (a == "--json") {
      env.json = true;
    } else if (!command && (a == "--version" || a == "-V")) {
      std::cout << "union-kiosk " << KIOSK_VERSION << "\n";
      return 0;
    } else if (!command && (a == "--help" || a == "-h")) {
      print_help(table);
      return 0;
    } else if (!command && kiosk::ui::ui_option_takes_value(a) && i + 1 < argc) {
      // A touch-UI option and its value (the value is not a command name).
      rest.push_back(a);
      rest.push_back(argv[++i]);
    } else if (!command && !a.empty() && a[0] != '-' && (command = table.find(a))) {
      // the words after it belong to the command
    } else if (!command && !a.empty() && a[0] != '-') {
      std::cerr << "union-kiosk: unknown command '" << a << "' (see --help)\n";
      return kiosk::cli::kExitUsage;
    } else {
      rest.push_back(a);
    }
  }
  if (env.data_dir.empty()) env.data_dir = kiosk::default_data_dir();
  if (command) {
    env.args = rest;
    return command->run(env);
  }
  if (env.demo) rest.push_back("--demo");
  return kiosk::ui::run_touch_ui(env.data_dir, rest);
}
