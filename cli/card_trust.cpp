#include "cli/card_trust.hpp"

#include "kiosk/base/strings.hpp"
#include "kiosk/install/install.hpp"

namespace kiosk::cli {

Expected<CardTrust> load_card_trust(const CliEnv& env) {
  auto install = Install::open(env.data_dir, env.clock);
  if (!install) return install.error();
  CardTrust t;
  auto content = install->active_content();
  if (!content) return Error{ErrorKind::ContentBroken, tr("card.cli.no_content"), "", "embedded content does not load"};
  if (!content->rejected.empty())
    t.notes.push_back("data-dir content rejected (" + std::to_string(content->rejected.size()) +
                      " problems): using the embedded bundle");
  t.content_source = content->source;
  t.demo = env.demo || install->config().demo;
  t.store = card::TrustStore::from(content->bundle, install->config(),
                                   t.demo ? card::TrustStore::Demo::Trusted : card::TrustStore::Demo::Refused);
  for (const auto& p : t.store.problems()) t.notes.push_back(p);
  for (const auto& kid : t.store.skipped_demo_kids())
    t.notes.push_back("demo key '" + kid + "' not trusted: not in demo mode (union-kiosk --demo)");
  return t;
}

}  // namespace kiosk::cli
