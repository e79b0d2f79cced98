#include "cli/command.hpp"

#include <iostream>

#include "kiosk/base/args.hpp"
#include "kiosk/base/exit_codes.hpp"
#include "kiosk/base/failure_output.hpp"
#include "kiosk/base/strings.hpp"

namespace kiosk::cli {

std::ostream& out_of(CliEnv& env) { return env.out ? *env.out : std::cout; }
std::ostream& err_of(CliEnv& env) { return env.err ? *env.err : std::cerr; }
bool answers_json(const CliEnv& env) { return env.json || wants_json(env.args); }

int fail_with(CliEnv& env, const Error& e, int code) {
  return print_failure(out_of(env), err_of(env), answers_json(env), e, code);
}

int usage_failure(CliEnv& env, const std::string& what, const std::string& usage_text) {
  std::ostream& out = out_of(env);
  std::ostream& err = err_of(env);
  const Error e{ErrorKind::Usage, fill(tr("cli.usage"), {{"what", what}}), "", what};
  const bool as_json = answers_json(env);
  print_failure(out, err, as_json, e, kExitUsage);
  if (!as_json && !usage_text.empty()) err << "Usage:\n" << usage_text << "\n";
  return kExitUsage;
}

}  // namespace kiosk::cli
