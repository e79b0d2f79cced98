// The card trust a command uses, the same the touch UI would: the data dir's
// pushed content when it loads clean, else the embedded bundle, plus the
// install's config; demo keys only in demo mode (--demo or config "demo").
#pragma once
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "kiosk/base/expected.hpp"
#include "kiosk/card/trust.hpp"

namespace kiosk::cli {

struct CardTrust {
  card::TrustStore store;
  std::string content_source;
  bool demo = false;               // demo mode: content's demo keys are trusted
  std::vector<std::string> notes;  // why a source or a key was skipped
};

Expected<CardTrust> load_card_trust(const CliEnv& env);

}  // namespace kiosk::cli
