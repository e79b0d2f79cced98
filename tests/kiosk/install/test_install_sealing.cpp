// Answers at rest: sealed to the hub's box key (or, before enrollment, to the
// kiosk's own), re-sealed when the hub's key arrives, and the data directory
// private (0700/0600). The last test reads every file of a data directory
// byte by byte for the personal data just submitted.
#include <doctest/doctest.h>
#include <dirent.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include <nlohmann/json.hpp>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/install/install.hpp"
#include "kiosk/store/seal.hpp"
#include "kiosk/store/submit.hpp"
#include "tests/kiosk/domain/test_support.hpp"
#include "tests/kiosk/store/testkit.hpp"

using namespace kiosk;
using namespace kiosk::test;
using nlohmann::json;

namespace {

int mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 07777);
}

Enrollment enrollment_with_keys(const std::string& box_pk, const std::string& hash_key) {
  Enrollment e{"https://hub.example", "", false, "k-7", "一号机", "tok-7", "", ""};
  e.hub_box_public_key = box_pk;
  e.hash_key = hash_key;
  return e;
}

// Every regular file under dir (recursively).
std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (!e.is_symlink() && e.is_regular_file()) out.push_back(e.path().string());
  return out;
}

}  // namespace

TEST_CASE("before enrollment: a local box key (0600), answers sealed to it, nothing uploadable") {
  TempDir dir;
  auto in = Install::open(dir.path());
  REQUIRE(in.ok());
  CHECK_FALSE(in->hub_box_public_key());
  CHECK_FALSE(in->hash_key());
  auto store = in->open_store();
  REQUIRE(store.ok());
  REQUIRE(file_exists(dir.file("local-box.key")));
  CHECK(mode_of(dir.file("local-box.key")) == 0600);
  auto sk = base64url_decode(read_file(dir.file("local-box.key")).substr(0, 43));
  REQUIRE(sk);
  const BoxKeyPair local = *box_keypair_from_secret(*sk);
  auto rec = (*store)->submit(make_request(), 1'800'000'000'000);
  REQUIRE(rec.ok());
  auto row = (*store)->find(rec->id);
  REQUIRE(row);
  CHECK_FALSE(row->answers);
  CHECK(row->sealed_to == base64url_encode(local.public_key));
  auto plain = open_box(local, row->answers_sealed);
  REQUIRE(plain);
  CHECK(json::parse(*plain) == make_request().plan.answers);
  auto batch = (*store)->claim_batch(10, 1 << 20, 1'800'000'000'001);
  REQUIRE(batch.ok());
  CHECK(batch->empty());  // stays queued until the hub's key is known
  CHECK((*store)->stats().queued == 1);
  // The same key next time: made once.
  store->reset();
  auto again = in->open_store();
  REQUIRE(again.ok());
  CHECK(base64url_decode(read_file(dir.file("local-box.key")).substr(0, 43)) == sk);
}

TEST_CASE("enrollment: hub-box.pub and hash.key 0600, queued rows re-sealed to the hub, local key deleted") {
  TempDir dir;
  auto in = Install::open(dir.path());
  REQUIRE(in.ok());
  std::vector<std::string> ids;
  {
    auto store = in->open_store();
    REQUIRE(store.ok());
    for (int i = 0; i < 3; ++i) ids.push_back((*store)->submit(make_request(), 1'800'000'000'000 + i)->id);
    // One already quarantined: its answers still need the hub's key to be read there.
    REQUIRE((*store)->quarantine(ids[2], "test", 1'800'000'000'010).ok());
  }
  REQUIRE(file_exists(dir.file("local-box.key")));
  const std::string hash_key(32, '\x07');
  REQUIRE(in->record_enrollment(enrollment_with_keys(test_hub_keys().public_key, hash_key)).ok());
  CHECK(mode_of(dir.file("hub-box.pub")) == 0600);
  CHECK(mode_of(dir.file("hash.key")) == 0600);
  CHECK(in->hub_box_public_key() == test_hub_keys().public_key);
  CHECK(in->hash_key() == hash_key);
  CHECK_FALSE(file_exists(dir.file("local-box.key")));  // nothing left that only it opens

  auto store = in->open_store();
  REQUIRE(store.ok());
  for (const auto& id : ids) {
    auto r = (*store)->find(id);
    REQUIRE(r);
    CHECK(r->sealed_to == base64url_encode(test_hub_keys().public_key));
    auto a = opened_answers(*r);
    REQUIRE(a);
    CHECK(*a == make_request().plan.answers);
  }
  auto batch = (*store)->claim_batch(10, 1 << 20, 1'800'000'000'100);
  REQUIRE(batch.ok());
  CHECK(batch->size() == 2);
  // New requests go straight to the hub's key; no local key is made again.
  auto rec = (*store)->submit(make_request(), 1'800'000'000'200);
  REQUIRE(rec.ok());
  CHECK(opened_answers(*(*store)->find(rec->id)));
  CHECK_FALSE(file_exists(dir.file("local-box.key")));
}

TEST_CASE("a store opened before enrollment seals to the hub once another connection adopted its key") {
  TempDir dir;
  auto in = Install::open(dir.path());
  REQUIRE(in.ok());
  auto ui_store = in->open_store();  // the touch UI, running since before enrollment
  REQUIRE(ui_store.ok());
  auto cli = Install::open(dir.path());
  REQUIRE(cli.ok());
  REQUIRE(cli->record_enrollment(enrollment_with_keys(test_hub_keys().public_key, "")).ok());
  CHECK_FALSE(file_exists(dir.file("local-box.key")));
  CHECK_FALSE(cli->hash_key());
  // Its local key is gone from the disk: a row sealed to it now would be lost.
  auto rec = (*ui_store)->submit(make_request(), 1'800'000'000'000);
  REQUIRE(rec.ok());
  CHECK(opened_answers(*(*ui_store)->find(rec->id)));
}

TEST_CASE("config.json's hub_box_public_key seals from the first request, enrollment's key wins") {
  TempDir dir;
  const BoxKeyPair installer = *make_box_keypair();
  write_file(dir.file("config.json"),
             json{{"hub_box_public_key", base64url_encode(installer.public_key)}}.dump());
  auto in = Install::open(dir.path());
  REQUIRE(in.ok());
  CHECK(in->hub_box_public_key() == installer.public_key);
  {
    auto store = in->open_store();
    REQUIRE(store.ok());
    auto rec = (*store)->submit(make_request(), 1);
    REQUIRE(rec.ok());
    CHECK(open_box(installer, (*store)->find(rec->id)->answers_sealed));
  }
  CHECK_FALSE(file_exists(dir.file("local-box.key")));
  REQUIRE(in->record_enrollment(enrollment_with_keys(test_hub_keys().public_key, "")).ok());
  CHECK(in->hub_box_public_key() == test_hub_keys().public_key);
  auto store = in->open_store();
  REQUIRE(store.ok());
  auto rec = (*store)->submit(make_request(), 2);
  REQUIRE(rec.ok());
  CHECK(opened_answers(*(*store)->find(rec->id)));
}

TEST_CASE("config.json: a hub_box_public_key that is not 32 bytes of base64url is refused") {
  for (const char* bad : {"\"abc\"", "\"AAAA\"", "42", "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\""}) {
    CAPTURE(bad);
    TempDir dir;
    write_file(dir.file("config.json"), std::string(R"({"hub_box_public_key": )") + bad + "}");
    auto in = Install::open(dir.path());
    REQUIRE_FALSE(in.ok());
    CHECK(in.error().kind == ErrorKind::ConfigBadValue);
    CHECK(in.error().field == "hub_box_public_key");
  }
}

TEST_CASE("record_enrollment: a hub key that is not 32 bytes is refused, nothing half-written") {
  TempDir dir;
  auto in = Install::open(dir.path());
  REQUIRE(in.ok());
  CHECK_FALSE(in->record_enrollment(enrollment_with_keys(std::string(31, 'k'), "")).ok());
  CHECK_FALSE(file_exists(dir.file("hub-box.pub")));
  CHECK_FALSE(file_exists(dir.file("config.json")));
}

TEST_CASE("a data dir made 0755 with 0644 files (db, wal, logs, token) is 0700/0600 after start") {
  TempDir parent;
  const std::string root = parent.file("kiosk");
  {
    auto in = Install::open(root);
    REQUIRE(in.ok());
    auto store = in->open_store();
    REQUIRE(store.ok());
    REQUIRE((*store)->submit(make_request(), 1).ok());
  }
  // What an older kiosk (or a careless installer) left.
  REQUIRE(::chmod(root.c_str(), 0755) == 0);
  std::filesystem::create_directories(root + "/content/bundle");
  write_file(root + "/content/bundle/services.json", "{}");
  write_file(root + "/kiosk.log", "2026-11-22 INFO started\n");
  write_file(root + "/device-token", "tok\n");
  write_file(root + "/config.json", "{}");
  for (const char* d : {"/content", "/content/bundle"}) REQUIRE(::chmod((root + d).c_str(), 0755) == 0);
  for (const char* f : {"/requests.db", "/content/bundle/services.json", "/kiosk.log", "/device-token",
                        "/config.json", "/local-box.key"})
    REQUIRE(::chmod((root + f).c_str(), 0644) == 0);
  // A link out of the data dir is neither followed nor changed.
  write_file(parent.file("outside"), "x");
  REQUIRE(::chmod(parent.file("outside").c_str(), 0644) == 0);
  std::filesystem::create_symlink(parent.file("outside"), root + "/link");

  auto in = Install::open(root);
  REQUIRE(in.ok());
  auto store = in->open_store();
  REQUIRE(store.ok());
  CHECK(mode_of(root) == 0700);
  CHECK(mode_of(root + "/content") == 0700);
  CHECK(mode_of(root + "/content/bundle") == 0700);
  REQUIRE(file_exists(root + "/requests.db-wal"));
  for (const auto& f : files_under(root)) {
    CAPTURE(f);
    CHECK(mode_of(f) == 0600);
  }
  CHECK(mode_of(parent.file("outside")) == 0644);
}

TEST_CASE("every service submitted: no name, ID number, phone or free text in any file of the data dir") {
  TempDir dir;
  // The kiosk's log goes to a file in the data dir here, so it is read too.
  std::mutex log_mu;
  std::ofstream log_file(dir.file("kiosk.log"), std::ios::app);
  log::set_sink([&](std::string_view line) {
    std::lock_guard l(log_mu);
    log_file << line << "\n";
    log_file.flush();
  });
  log::set_min_level(log::Level::Debug);

  Answers legal = legal_answers();
  legal["name"] = "欧阳震华";
  legal["phone"] = "13911112222";
  legal["employer"] = "长春市秘密建筑劳务有限公司";
  legal["description"] = "老板拖欠工资九个月，这段话只属于申请人ZQX";
  Answers hardship = hardship_answers();
  hardship["name"] = "司马迁移";
  hardship["phone"] = "13922223333";
  hardship["description"] = "母亲住院透析，这段话只属于困难申请人ZQY";
  Answers mixer = mixer_answers();
  mixer["name"] = "上官婉儿";
  mixer["phone"] = "13933334444";
  mixer["employer"] = "长春市秘密机床厂";
  Answers childcare = childcare_answers();
  childcare["guardian_name"] = "皇甫嵩林";
  childcare["guardian_phone"] = "13944445555";
  childcare["child_name"] = "诸葛小亮";
  childcare["allergies"] = "芒果过敏只属于这个孩子";
  childcare["emergency_name"] = "令狐冲天";
  childcare["emergency_phone"] = "13955556666";
  const std::vector<std::string> secrets = {
      "欧阳震华", "13911112222", "长春市秘密建筑劳务有限公司", "拖欠工资九个月", "ZQX",
      "司马迁移", "13922223333", "11010519491231002", "透析", "ZQY",
      "上官婉儿", "13933334444", "长春市秘密机床厂",
      "皇甫嵩林", "13944445555", "诸葛小亮", "220102201706110528", "芒果过敏", "令狐冲天", "13955556666"};

  std::map<std::string, std::string> tickets;
  {
    auto in = Install::open(dir.path());
    REQUIRE(in.ok());
    REQUIRE(in->record_enrollment(enrollment_with_keys(test_hub_keys().public_key, std::string(32, 'h'))).ok());
    auto store = in->open_store();
    REQUIRE(store.ok());
    for (const auto& [service_id, answers] :
         std::vector<std::pair<std::string, Answers>>{
             {"legal", legal}, {"hardship", hardship}, {"mixer", mixer}, {"childcare", childcare}}) {
      CAPTURE(service_id);
      SubmitInput si;
      si.service_id = service_id;
      si.answers = answers;
      si.today = Date{2026, 11, 22};
      si.now_ms = 1'795'000'000'000;
      if (service_id == "mixer" || service_id == "childcare") si.member = demo_member();
      auto r = submit_request(**store, bundle(), si);
      REQUIRE(r.ok());
      REQUIRE_MESSAGE(r->accepted(), dump(r->errors));
      tickets[service_id] = r->record->ticket;
      // What the hub will open is exactly what was submitted (normalised by the form engine).
      auto opened = opened_answers(*(*store)->find(r->record->id));
      REQUIRE(opened);
      CHECK(*opened == *r->record->answers);
    }
    // Still open, WAL not checkpointed: the -wal and -shm are read as they are.
    for (const auto& f : files_under(dir.path())) {
      const std::string bytes = read_file(f);
      for (const auto& s : secrets) CHECK_MESSAGE(bytes.find(s) == std::string::npos, f << " holds " << s);
    }
  }
  log::set_sink(nullptr);
  log_file.close();
  auto files = files_under(dir.path());
  CHECK(files.size() >= 4);  // requests.db, config.json, device-token, keys, kiosk.log
  for (const auto& f : files) {
    const std::string bytes = read_file(f);
    for (const auto& s : secrets) CHECK_MESSAGE(bytes.find(s) == std::string::npos, f << " holds " << s);
  }
  CHECK(read_file(dir.file("kiosk.log")).find(tickets["legal"]) != std::string::npos);  // the log was written
}
