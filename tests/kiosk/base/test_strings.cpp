#include <doctest/doctest.h>

#include <dirent.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "kiosk/base/strings.hpp"

using namespace kiosk;

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("the embedded string tables merge without problems") {
  const auto problems = string_table_problems();
  for (const auto& p : problems) MESSAGE(p);
  CHECK(problems.empty());
}

TEST_CASE("every core.* key used by the core sources is in the tables, in both languages") {
  // The core is kiosk/base, domain, store and install: every .cpp under kiosk/.
  std::set<std::string> keys;
  const std::regex key_re("\"(core\\.[a-z_]+\\.[a-z_]+)\"");
  for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(KIOSK_SOURCE_DIR) + "/kiosk")) {
    if (e.path().extension() != ".cpp") continue;
    const std::string src = read_file(e.path().string());
    for (std::sregex_iterator it(src.begin(), src.end(), key_re), end; it != end; ++it)
      keys.insert((*it)[1]);
  }
  CHECK(keys.size() >= 40);
  for (const auto& k : keys) {
    const Text& t = tr(k);
    CHECK_MESSAGE(t.zh != k, k);
    CHECK_MESSAGE(t.complete(), k);
  }
}

TEST_CASE("tr of an unknown key returns the key, stably") {
  const Text& a = tr("core.no_such.key");
  CHECK(a.zh == "core.no_such.key");
  CHECK(a.en == "core.no_such.key");
  CHECK(&tr("core.no_such.key") == &a);
}

TEST_CASE("trf fills placeholders per language") {
  const Text t = trf("core.field.required", {{"field", Text{"姓名", "Name"}}});
  CHECK(t.zh == "请填写“姓名”。");
  CHECK(t.en == "Please fill in \"Name\".");
  const Text u = trf("core.text.too_long", {{"field", Text{"简要情况", "Short description"}},
                                            {"max", plain("300")},
                                            {"count", plain("301")}});
  CHECK(u.zh.find("300") != std::string::npos);
  CHECK(u.zh.find("301") != std::string::npos);
  CHECK(u.en.find("{") == std::string::npos);
}

TEST_CASE("merge_string_tables reports duplicates, missing languages and bad files") {
  std::map<std::string, Text, std::less<>> out;
  const auto problems = merge_string_tables(
      {{"strings/a.json", R"({"x.one": {"zh": "一", "en": "one"}, "x.two": {"zh": "二"}})"},
       {"strings/b.json", R"({"x.one": {"zh": "一", "en": "one"}, "x.three": {"en": "three"}})"},
       {"strings/c.json", "not json"},
       {"strings/d.json", "[1, 2]"}},
      out);
  auto has = [&](const std::string& s) {
    for (const auto& p : problems)
      if (p == s) return true;
    return false;
  };
  CHECK(has("strings/a.json: x.two: missing en"));
  CHECK(has("strings/b.json: x.three: missing zh"));
  CHECK(has("strings/b.json: x.one: duplicate of the key in strings/a.json"));
  CHECK(has("strings/c.json: not a JSON object"));
  CHECK(has("strings/d.json: not a JSON object"));
  CHECK(problems.size() == 5);
  CHECK(out.at("x.one").en == "one");
}

TEST_CASE("English strings use ASCII punctuation (the CJK font draws … “ ” full width)") {
  const std::string dir = std::string(KIOSK_SOURCE_DIR) + "/assets/strings";
  DIR* d = opendir(dir.c_str());
  REQUIRE(d);
  int files = 0;
  const std::regex en_re("\"en\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() < 5 || name.substr(name.size() - 5) != ".json") continue;
    ++files;
    const std::string src = read_file(dir + "/" + name);
    for (std::sregex_iterator it(src.begin(), src.end(), en_re), end; it != end; ++it) {
      const std::string en = (*it)[1];
      for (const char* wide : {"…", "“", "”", "，", "。", "：", "（", "）"})
        CHECK_MESSAGE(en.find(wide) == std::string::npos, name << ": " << en);
    }
  }
  closedir(d);
  CHECK(files >= 5);
}
