#include <doctest/doctest.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kiosk/base/hash.hpp"
#include "assets/embedded.hpp"
#include "kiosk/domain/content.hpp"
#include "tests/kiosk/domain/test_support.hpp"
#include "kiosk/domain/id_hash.hpp"
#include "kiosk/domain/validate.hpp"

using namespace kiosk;
using nlohmann::json;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ContentFiles embedded_files() { return kiosk::test::embedded_content_files(); }

const ContentBundle& bundle() {
  static const ContentBundle b = [] {
    auto load = load_embedded_content();
    for (const auto& p : load.problems) MESSAGE(describe(p));
    REQUIRE(load.bundle);
    return *load.bundle;
  }();
  return b;
}

std::vector<std::string> described(const ContentLoad& l) {
  std::vector<std::string> out;
  for (const auto& p : l.problems) out.push_back(describe(p));
  return out;
}

}  // namespace

TEST_CASE("the embedded bundle checks clean") {
  auto load = load_embedded_content();
  for (const auto& p : load.problems) MESSAGE(describe(p));
  CHECK(load.problems.empty());
  REQUIRE(load.bundle);
  CHECK(load.bundle->version == "2026.12.03-1");
  // Every file under content/ is read: all of them are listed in the manifest.
  std::set<std::string> embedded;
  for (const auto& [name, data] : assets::embedded_files())
    if (name.rfind("content/", 0) == 0) embedded.insert(std::string(name.substr(8)));
  for (const auto& n : content_file_names()) CHECK_MESSAGE(embedded.count(n), n);
}

TEST_CASE("the four services, their prefixes and pages") {
  const auto& b = bundle();
  REQUIRE(b.services.size() == 4);
  const std::pair<const char*, const char*> want[] = {
      {"legal", "F"}, {"hardship", "K"}, {"mixer", "L"}, {"childcare", "T"}};
  for (const auto& [id, prefix] : want) {
    const Service* s = b.service(id);
    REQUIRE_MESSAGE(s, id);
    CHECK(s->ticket_prefix == prefix);
    CHECK(s->name.complete());
    // Every page's fields exist, and every field is on exactly one page.
    std::multiset<std::string> on_pages;
    for (const auto& p : s->pages)
      for (const auto& f : p.fields) {
        CHECK_MESSAGE(s->field(f), id << "." << f);
        on_pages.insert(f);
      }
    for (const auto& f : s->fields) CHECK_MESSAGE(on_pages.count(f.id) == 1, id << "." << f.id);
    CHECK(on_pages.size() == s->fields.size());
    for (const auto& f : s->fields) CHECK_MESSAGE(f.label.complete(), id << "." << f.id);
  }
  CHECK(b.service("mixer")->policy.members_only);
  CHECK(b.service("childcare")->policy.members_only);
  CHECK_FALSE(b.service("legal")->policy.members_only);
  CHECK(b.service("childcare")->policy.min_attendance_ratio == doctest::Approx(0.7));
  CHECK(b.service("hardship")->policy.sensitive_consent_field == "sensitive_consent");
}

TEST_CASE("legal form as DOMAIN.md describes it") {
  const Service* s = bundle().service("legal");
  REQUIRE(s);
  const Field* cat = s->field("category");
  REQUIRE(cat);
  std::set<std::string> ids;
  for (const auto& c : cat->choices) ids.insert(c.id);
  CHECK(ids == std::set<std::string>{"wage_arrears", "dismissal", "labour_contract", "social_insurance",
                                     "work_injury", "other"});
  const Field* case_no = s->field("arbitration_case_no");
  REQUIRE(case_no);
  REQUIRE(case_no->show_if);
  CHECK(case_no->show_if->field == "arbitration_filed");
  CHECK(s->field("description")->max_length.value_or(0) > 0);
  CHECK(s->field("slot")->type == FieldType::SlotPick);
}

// Slots, mixers and childcare periods come from rules: test_schedule.cpp.
TEST_CASE("attendance of summer 2026: the documented test child attended under 70%") {
  const auto& b = bundle();
  REQUIRE(b.period("P-2026S"));
  const std::string low = *child_id_hash(kDemoIdHashKey, "220102201805200238");
  bool found = false;
  for (const auto& a : b.attendance)
    if (a.child_id_sha256 == low && a.period == "P-2026S") {
      found = true;
      CHECK(a.days_attended * 10 < a.days_total * 7);
    }
  CHECK(found);
}

TEST_CASE("notices and the trusted demo key of the member-card spec") {
  const auto& b = bundle();
  CHECK(b.notices.size() >= 5);
  CHECK(b.notices.size() <= 8);
  const json vectors = json::parse(read_file(std::string(KIOSK_TEST_DATA) + "/specs/member-card-vectors.json"));
  REQUIRE(b.trusted_keys.size() == 1);
  CHECK(b.trusted_keys[0].kid == "demo-2026");
  CHECK(b.trusted_keys[0].public_key_b64url == vectors["trusted_keys"]["demo-2026"].get<std::string>());
  CHECK(b.revoked_members == vectors["revoked"].get<std::vector<std::string>>());
}

TEST_CASE("golden bad bundles are refused, naming the file and the field") {
  const std::string dir = std::string(KIOSK_CORE_FIXTURES) + "/bad_bundles";
  DIR* d = opendir(dir.c_str());
  REQUIRE(d);
  std::vector<std::string> names;
  while (const dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n.size() > 5 && n.substr(n.size() - 5) == ".json") names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  REQUIRE(names.size() >= 30);
  const ContentFiles good = embedded_files();
  for (const auto& n : names) {
    SUBCASE(n.c_str()) {
      const json fx = json::parse(read_file(dir + "/" + n));
      ContentFiles files = good;
      const std::string file = fx["file"];
      if (fx.contains("patch"))
        files[file] = json::parse(files.at(file)).patch(fx["patch"]).dump(1);
      else if (fx.contains("raw"))
        files[file] = fx["raw"].get<std::string>();
      else
        files.erase(file);
      const ContentLoad load = load_content(files);
      CHECK_FALSE(load.bundle);
      const auto got = described(load);
      for (const auto& want : fx["expect"]) {
        const bool has = std::find(got.begin(), got.end(), want.get<std::string>()) != got.end();
        CHECK_MESSAGE(has, want.get<std::string>());
      }
      for (const auto& p : load.problems) CHECK_FALSE(p.file.empty());
    }
  }
}

TEST_CASE("load_content never throws and never accepts garbage") {
  const ContentFiles good = embedded_files();
  std::mt19937 rng(20261122);
  for (int round = 0; round < 200; ++round) {
    ContentFiles files = good;
    auto it = files.begin();
    std::advance(it, rng() % files.size());
    std::string& text = it->second;
    switch (round % 4) {
      case 0:  // truncated in transit
        text.resize(rng() % text.size());
        break;
      case 1:  // a byte flipped
        text[rng() % text.size()] ^= static_cast<char>(1 + rng() % 255);
        break;
      case 2:  // a value of the wrong type somewhere
      case 3: {
        json j = json::parse(text);
        std::vector<json*> nodes;
        std::function<void(json&)> walk = [&](json& n) {
          nodes.push_back(&n);
          if (n.is_structured())
            for (auto& c : n) walk(c);
        };
        walk(j);
        json* victim = nodes[rng() % nodes.size()];
        const json replacements[] = {json(7), json("x"), json::array(), json::object(), json(nullptr), json(-1.5)};
        *victim = replacements[rng() % 6];
        text = j.dump();
        break;
      }
    }
    ContentLoad load;
    CHECK_NOTHROW(load = load_content(files));
    CHECK((load.bundle.has_value() == load.problems.empty()));
    if (round % 4 == 0 && it->second.size() + 10 < good.at(it->first).size()) CHECK_FALSE(load.bundle);
  }
  CHECK_FALSE(load_content({}).bundle);
  CHECK(load_content({}).problems.size() == 1);
  CHECK_FALSE(load_content({{"manifest.json", "null"}}).bundle);
}

TEST_CASE("load_content_dir reads the *.json of a directory") {
  char tmpl[] = "/tmp/kiosk-content-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  const std::string dir = tmpl;
  for (const auto& [name, text] : embedded_files()) std::ofstream(dir + "/" + name) << text;
  std::ofstream(dir + "/README.txt") << "ignored: not json";
  auto load = load_content_dir(dir);
  CHECK(load.problems.empty());
  REQUIRE(load.bundle);
  CHECK(load.bundle->services.size() == 4);

  // A stray file the manifest does not list means a mixed bundle: refused.
  std::ofstream(dir + "/extra.json") << "{}";
  load = load_content_dir(dir);
  CHECK_FALSE(load.bundle);
  CHECK(described(load) == std::vector<std::string>{"extra.json: file not listed in manifest.json files"});

  for (const auto& [name, text] : embedded_files()) unlink((dir + "/" + name).c_str());
  unlink((dir + "/extra.json").c_str());
  unlink((dir + "/README.txt").c_str());
  rmdir(dir.c_str());
  load = load_content_dir(dir);
  CHECK_FALSE(load.bundle);
  REQUIRE(load.problems.size() == 1);
  CHECK(load.problems[0].message.find("cannot read the content directory") == 0);
}

TEST_CASE("notices shown on a day") {
  const auto& b = bundle();
  auto ids = [&](const std::string& day) {
    std::vector<std::string> out;
    for (const auto* n : notices_on(b, day)) out.push_back(n->id);
    return out;
  };
  const auto today = ids("2026-11-22");
  CHECK(std::find(today.begin(), today.end(), "N-CHILDCARE-WINTER") != today.end());
  CHECK(std::find(today.begin(), today.end(), "N-12351") != today.end());
  const auto later = ids("2027-01-09");
  CHECK(std::find(later.begin(), later.end(), "N-CHILDCARE-WINTER") == later.end());
  CHECK(std::find(later.begin(), later.end(), "N-12351") != later.end());
  CHECK(ids("2027-01-08").size() > later.size());
}

TEST_CASE("field types round-trip through their names") {
  for (auto t : {FieldType::Text, FieldType::Name, FieldType::Phone, FieldType::IdNumber, FieldType::Date,
                 FieldType::Number, FieldType::SingleChoice, FieldType::MultiChoice, FieldType::Consent,
                 FieldType::MemberCard, FieldType::SlotPick, FieldType::EventPick, FieldType::ClassPick})
    CHECK(parse_field_type(to_string(t)) == t);
  CHECK_FALSE(parse_field_type("textarea"));
}
