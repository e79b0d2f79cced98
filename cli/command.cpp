#include "cli/command.hpp"

#include <iostream>

#include "kiosk/base/args.hpp"
#include "kiosk/base/exit_codes.hpp"
#include "kiosk/base/failure_output.hpp"
#include "kiosk/base/strings.hpp"

namespace kiosk::cli {

int usage_failure(CliEnv& env, const std::string& what, const std::string& usage_text) {
  std::ostream& out = env.out ? *env.out : std::cout;
  std::ostream& err = env.err ? *env.err : std::cerr;
  const Error e{ErrorKind::Usage, fill(tr("cli.usage"), {{"what", what}}), "", what};
  const bool as_json = env.json || wants_json(env.args);
  print_failure(out, err, as_json, e, kExitUsage);
  if (!as_json && !usage_text.empty()) err << "Usage:\n" << usage_text << "\n";
  return kExitUsage;
}

}  // namespace kiosk::cli
