// union-kiosk: with no command, the touch UI; with one, a technician's tool.
#include <sys/stat.h>

#include <cstddef>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "kiosk/base/args.hpp"
#include "kiosk/base/exit_codes.hpp"
#include "kiosk/base/failure_output.hpp"
#include "kiosk/base/strings.hpp"
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
  std::cout << "  --version\n\n" << kiosk::kExitCodeHelp;
}

}  // namespace

int main(int argc, char** argv) {
  // Everything this process creates (the queue, its -wal and -shm, logs,
  // keys) is its user's alone, whatever the session's umask was.
  ::umask(077);
  kiosk::cli::CommandTable table;
  kiosk::cli::register_core_commands(table);
  kiosk::cli::register_content_commands(table);
  kiosk::cli::register_card_commands(table);
  kiosk::cli::register_sync_commands(table);

  kiosk::cli::CliEnv env;
  env.out = &std::cout;
  env.err = &std::cerr;
  const std::vector<std::string> in(argv + 1, argv + argc);
  env.json = kiosk::wants_json(in);
  // One read of the words before the command: this program's own options
  // and the touch UI's; it stops at the first word, the command's name.
  std::vector<std::string_view> with_value = {"--data-dir"}, flags = {"--help", "-h", "--version", "-V"};
  with_value.insert(with_value.end(), kiosk::ui::kUiValueOptions.begin(), kiosk::ui::kUiValueOptions.end());
  flags.insert(flags.end(), kiosk::ui::kUiFlags.begin(), kiosk::ui::kUiFlags.end());
  const kiosk::Args global(in, with_value, flags, 0, true, true);
  if (!global.bad.empty()) return kiosk::cli::usage_failure(env, global.bad, "");
  if (global.has("--version") || global.has("-V")) {
    std::cout << "union-kiosk " << KIOSK_VERSION << "\n";
    return kiosk::kExitOk;
  }
  if (global.has("--help") || global.has("-h")) {
    print_help(table);
    return kiosk::kExitOk;
  }
  env.data_dir = global.get("--data-dir", kiosk::default_data_dir());
  // Demo mode, for a command or the touch UI: trust content's demo card keys
  // (their private halves are published) and say so on screen.
  env.demo = global.has("--demo");
  if (!global.words.empty()) {
    const kiosk::cli::Command* command = table.find(global.words[0]);
    if (!command) {
      const kiosk::Error e{kiosk::ErrorKind::Usage,
                           kiosk::fill(kiosk::tr("cli.unknown_command"), {{"command", global.words[0]}}), "",
                           global.words[0]};
      return kiosk::print_failure(std::cout, std::cerr, env.json, e, kiosk::kExitUsage);
    }
    // The touch UI's options mean nothing to a command: say so, never ignore them.
    for (const auto& [name, value] : global.opts)
      if (name != "--data-dir" && name != "--demo") return kiosk::cli::usage_failure(env, name, command->usage);
    env.args.assign(in.begin() + static_cast<std::ptrdiff_t>(global.next), in.end());
    return command->run(env);
  }
  auto options = kiosk::ui::parse_ui_options(global);
  if (!options) return kiosk::print_failure(std::cout, std::cerr, env.json, options.error(), kiosk::kExitUsage);
  return kiosk::ui::run_touch_ui(env.data_dir, *options);
}
