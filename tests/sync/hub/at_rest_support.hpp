// Helpers of the at-rest tests (test_hub_at_rest*.cpp): items for every
// service with values found nowhere else, sealing as a kiosk does, and
// the search of a data dir's raw bytes.
#pragma once
#include <doctest/doctest.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>
#include "kiosk/base/base64url.hpp"
#include "kiosk/base/clock.hpp"
#include "kiosk/base/hash.hpp"
#include "sync/client/transport.hpp"
#include "sync/hub/hub_db.hpp"
#include "sync/hub/hub_keys.hpp"
#include "sync/hub/hub_server.hpp"
#include "sync/protocol/protocol.hpp"
#include "tests/sync/support/in_process_hub.hpp"
#include "tests/sync/support/support.hpp"

namespace kiosk::atrest {

using namespace kiosk::sync;
using nlohmann::json;
namespace fs = std::filesystem;
using kiosk::hub::HubKey;


inline constexpr int64_t kNow = 1'795'000'000'000;  // 2026-11-17, before the content's slots
inline const std::set<std::string> kServices = {"legal", "hardship", "mixer", "childcare"};

inline std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

inline std::string uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "0190a3b4-0000-7000-8000-%012d", n);
  return buf;
}

inline WireRequest item(int n, const std::string& service, json answers, int64_t created = kNow) {
  WireRequest w;
  w.id = uuid(n);
  w.ticket = "F-" + std::to_string(1000 + n);
  w.service_id = service;
  w.content_version = "v1";
  w.created_at_ms = created;
  w.answers = std::move(answers);
  return w;
}

// What a kiosk does with the key from its enrollment reply.
inline std::string seal_to(const HubKey& pk, const std::string& clear) {
  std::string out(clear.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(reinterpret_cast<unsigned char*>(out.data()),
                  reinterpret_cast<const unsigned char*>(clear.data()), clear.size(), pk.data());
  return base64url_encode(out);
}

inline WireRequest sealed(WireRequest w, const HubKey& pk) {
  w.answers_sealed = seal_to(pk, w.answers.dump());
  w.answers = json::object();
  return w;
}

inline UploadBatch batch(std::vector<WireRequest> items) {
  UploadBatch b;
  b.requests = std::move(items);
  return b;
}

inline std::shared_ptr<const ContentBundle> content() {
  static std::shared_ptr<const ContentBundle> c = [] {
    ContentLoad l = load_embedded_content();
    REQUIRE(l.bundle);
    return std::make_shared<const ContentBundle>(std::move(*l.bundle));
  }();
  return c;
}

inline std::shared_ptr<const hub::HubKeys> keys_in(const std::string& dir) {
  auto k = hub::load_or_create_keys(dir);
  REQUIRE(k.ok());
  return std::make_shared<const hub::HubKeys>(*k);
}

// Each service, with names, numbers, phones and free text found nowhere else.
struct Distinctive {
  std::vector<std::string> values;
  std::vector<WireRequest> items;
};

inline Distinctive distinctive_requests(int64_t created) {
  Distinctive d;
  json legal = synctest::valid_answers("legal", 0, created);
  legal["name"] = "欧阳翠花";
  legal["phone"] = "13987654321";
  legal["employer"] = "吉林省蓝鲸重工机械厂";
  legal["description"] = "拖欠工资七个月零三天共计八万四千四百元整 zebra-quokka-417";
  json hardship = synctest::valid_answers("hardship", 0, created);
  hardship["name"] = "诸葛铁柱";
  hardship["id_number"] = "220102198803154317";
  hardship["phone"] = "15643219876";
  hardship["employer"] = "松原市紫罗兰纺织有限公司";
  hardship["description"] = "妻子罹患尿毒症每周透析三次 walrus-mango-982";
  json mixer{{"event", "M-202612"}, {"member_card", "CN-22-01-774411"}, {"name", "司马春燕"},
             {"gender", "f"}, {"birth_year", 1993}, {"phone", "18644332211"},
             {"employer", "四平市琥珀光电科技公司"}, {"single_declaration", true}, {"consent", true}};
  json childcare{{"member_card", "22010098765"}, {"guardian_name", "上官秋月"},
                 {"guardian_phone", "13755667788"}, {"child_name", "上官小葵"},
                 {"child_id", "220102201706110528"}, {"child_gender", "f"},
                 {"school", "长春市朝阳区青桐实验小学"}, {"grade", "g3"}, {"health_notes", "哮喘需随身携带喷雾剂"},
                 {"allergies", "芒果与虾蟹过敏"}, {"emergency_name", "欧阳建国"},
                 {"emergency_phone", "13611223344"}, {"class", "C-2027W-B"},
                 {"guardian_consent", true}, {"consent", true}};
  d.values = {"欧阳翠花", "13987654321", "吉林省蓝鲸重工机械厂", "zebra-quokka-417",
              "拖欠工资七个月零三天", "诸葛铁柱", "220102198803154317", "15643219876",
              "松原市紫罗兰纺织有限公司", "walrus-mango-982", "妻子罹患尿毒症", "司马春燕",
              "CN-22-01-774411", "18644332211", "四平市琥珀光电科技公司", "上官秋月",
              "13755667788", "上官小葵", "220102201706110528", "青桐实验小学",
              "哮喘需随身携带喷雾剂", "芒果与虾蟹过敏", "欧阳建国", "13611223344", "22010098765"};
  d.items = {item(1, "legal", legal, created), item(2, "hardship", hardship, created),
             item(3, "mixer", mixer, created), item(4, "childcare", childcare, created)};
  return d;
}

// Every value not in any file below `dir`, read as raw bytes.
inline void check_nothing_clear(const std::string& dir, const std::vector<std::string>& values) {
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    ++files;
    const std::string raw = bytes_of(e.path().string());
    for (const auto& v : values) {
      INFO(e.path().string() << " holds " << v);
      CHECK(raw.find(v) == std::string::npos);
    }
  }
  CHECK(files >= 4);  // hub.db and the three keys at least
}

// The options a test starts a hub on `dir` with: plain HTTP on loopback, any
// port, quiet. HubServer::create on them makes or checks the keys and
// repairs the data dir's modes.
inline hub::HubOptions plain_hub_options(const std::string& dir) {
  hub::HubOptions o;
  o.data_dir = dir;
  o.port = 0;
  o.allow_plain_http = true;
  o.quiet = true;
  return o;
}

inline bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}


}  // namespace kiosk::atrest
