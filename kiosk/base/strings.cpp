// String tables: every embedded assets/strings/*.json merged once, on first use.
#include "kiosk/base/strings.hpp"

#include <mutex>

#include <nlohmann/json.hpp>

#include "assets/embedded.hpp"

namespace kiosk {
namespace {

struct Tables {
  std::map<std::string, Text, std::less<>> texts;
  std::vector<std::string> problems;
};

const Tables& tables() {
  static const Tables t = [] {
    Tables out;
    std::map<std::string, std::string> files;
    for (const auto& [name, data] : assets::embedded_files())
      if (name.rfind("strings/", 0) == 0 && name.size() > 5 &&
          name.substr(name.size() - 5) == ".json")
        files.emplace(std::string(name), std::string(data));
    out.problems = merge_string_tables(files, out.texts);
    return out;
  }();
  return t;
}

}  // namespace

std::vector<std::string> merge_string_tables(const std::map<std::string, std::string>& files,
                                             std::map<std::string, Text, std::less<>>& out) {
  std::vector<std::string> problems;
  std::map<std::string, std::string> origin;  // key -> file that defined it
  for (const auto& [file, data] : files) {
    auto j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      problems.push_back(file + ": not a JSON object");
      continue;
    }
    for (const auto& [key, value] : j.items()) {
      const auto zh = value.is_object() ? value.find("zh") : value.end();
      const auto en = value.is_object() ? value.find("en") : value.end();
      Text t;
      if (zh != value.end() && zh->is_string()) t.zh = zh->get<std::string>();
      if (en != value.end() && en->is_string()) t.en = en->get<std::string>();
      if (t.zh.empty()) problems.push_back(file + ": " + key + ": missing zh");
      if (t.en.empty()) problems.push_back(file + ": " + key + ": missing en");
      if (auto it = origin.find(key); it != origin.end()) {
        problems.push_back(file + ": " + key + ": duplicate of the key in " + it->second);
        continue;
      }
      origin.emplace(key, file);
      out.emplace(key, std::move(t));
    }
  }
  return problems;
}

const Text& tr(std::string_view key) {
  const auto& t = tables().texts;
  if (auto it = t.find(key); it != t.end()) return it->second;
  // Unknown keys are remembered so the returned reference stays valid.
  static std::mutex mu;
  static std::map<std::string, Text, std::less<>> missing;
  std::lock_guard lock(mu);
  auto it = missing.find(key);
  if (it == missing.end())
    it = missing.emplace(std::string(key), Text{std::string(key), std::string(key)}).first;
  return it->second;
}

std::vector<std::string> string_table_problems() { return tables().problems; }

Text plain(std::string s) { return Text{s, std::move(s)}; }

Text trf(std::string_view key, std::initializer_list<TextArg> args) {
  return trf(key, std::vector<TextArg>(args));
}

namespace {

void replace_all(std::string& s, std::string_view name, std::string_view value) {
  std::string pattern;
  pattern.reserve(name.size() + 2);
  pattern.append(1, '{').append(name).append(1, '}');
  for (size_t pos = s.find(pattern); pos != std::string::npos; pos = s.find(pattern, pos + value.size()))
    s.replace(pos, pattern.size(), value);
}

}  // namespace

std::string fill(std::string pattern, std::initializer_list<Placeholder> vars) {
  for (const auto& [name, value] : vars) replace_all(pattern, name, value);
  return pattern;
}

Text fill(const Text& t, std::initializer_list<Placeholder> vars) {
  return Text{fill(t.zh, vars), fill(t.en, vars)};
}

Text trf(std::string_view key, const std::vector<TextArg>& args) {
  Text out = tr(key);
  for (const auto& a : args) {
    replace_all(out.zh, a.name, a.value.zh);
    replace_all(out.en, a.name, a.value.en);
  }
  return out;
}

}  // namespace kiosk
