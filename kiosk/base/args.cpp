#include "cli/common/args.hpp"

namespace kiosk::cli {

namespace {

bool listed(std::initializer_list<const char*> l, const std::string& name) {
  for (const char* k : l)
    if (name == k) return true;
  return false;
}

}  // namespace

Args::Args(const std::vector<std::string>& in, std::initializer_list<const char*> with_value,
           std::initializer_list<const char*> flags, std::size_t from, bool words_allowed) {
  auto refuse = [&](const std::string& a) {
    if (bad.empty()) bad = a;
  };
  for (std::size_t i = from; i < in.size(); ++i) {
    const std::string& a = in[i];
    if (a == "--json") continue;
    if (a.rfind("--", 0) != 0) {
      if (words_allowed) words.push_back(a);
      else refuse(a);
      continue;
    }
    const auto eq = a.find('=');
    const std::string name(a, 0, eq);
    if (listed(with_value, name)) {
      if (eq != std::string::npos) opts[name] = a.substr(eq + 1);
      else if (i + 1 < in.size()) opts[name] = in[++i];
      else refuse(a);
    } else if (listed(flags, name) && eq == std::string::npos) {
      opts[name].assign(1, '1');  // not = "1": g++ 12 warns falsely there (-Wrestrict)
    } else {
      refuse(a);
    }
  }
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = opts.find(name);
  return it == opts.end() ? fallback : it->second;
}

}  // namespace kiosk::cli
