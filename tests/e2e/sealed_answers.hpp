// What a request's answers are, read the only way the kiosk's own files
// allow: the kiosk in these tests is never enrolled, so its answers are
// sealed to data-dir/local-box.key; opened here with that key. (Neither
// `queue show` nor anything else on the kiosk prints them.)
#pragma once
#include <string>

#include "kiosk/base/base64url.hpp"
#include "kiosk/install/files.hpp"
#include "kiosk/store/seal.hpp"
#include "kiosk/store/store.hpp"

namespace kiosk::e2e {

// The answers JSON text, "" when the request or the key is not there or the
// box does not open.
inline std::string local_sealed_answers(const std::string& data_dir, const std::string& ticket) {
  std::string key = read_whole_file(data_dir + "/local-box.key");
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  auto sk = base64url_decode(key);
  if (!sk) return {};
  auto pair = box_keypair_from_secret(*sk);
  StoreOptions o;
  o.create_if_missing = false;
  auto store = RequestStore::open(data_dir + "/requests.db", o);
  if (!pair || !store) return {};
  auto rec = (*store)->find(ticket);
  if (!rec || rec->answers_sealed.empty()) return {};
  return open_box(*pair, rec->answers_sealed).value_or("");
}

}  // namespace kiosk::e2e
