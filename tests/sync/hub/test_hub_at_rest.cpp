// Issue 10, hub side: a stolen hub disk reads nothing personal. The hub's
// keys (made once, 0600, refused when bad), the enrollment reply that hands
// kiosks the box public key and the hash key, sealed uploads opened and
// checked like clear ones, answers stored only under at-rest.key (the
// migration seals old rows), the data directory made private at start, and
// every byte of the data directory searched for what was uploaded.
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

using namespace kiosk;
using namespace kiosk::sync;
using nlohmann::json;
namespace fs = std::filesystem;
using kiosk::hub::HubKey;

namespace {

constexpr int64_t kNow = 1'795'000'000'000;  // 2026-11-17, before the content's slots
const std::set<std::string> kServices = {"legal", "hardship", "mixer", "childcare"};

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "0190a3b4-0000-7000-8000-%012d", n);
  return buf;
}

WireRequest item(int n, const std::string& service, json answers, int64_t created = kNow) {
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
std::string seal_to(const HubKey& pk, const std::string& clear) {
  std::string out(clear.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(reinterpret_cast<unsigned char*>(out.data()),
                  reinterpret_cast<const unsigned char*>(clear.data()), clear.size(), pk.data());
  return base64url_encode(out);
}

WireRequest sealed(WireRequest w, const HubKey& pk) {
  w.answers_sealed = seal_to(pk, w.answers.dump());
  w.answers = json::object();
  return w;
}

UploadBatch batch(std::vector<WireRequest> items) {
  UploadBatch b;
  b.requests = std::move(items);
  return b;
}

std::shared_ptr<const ContentBundle> content() {
  static std::shared_ptr<const ContentBundle> c = [] {
    ContentLoad l = load_embedded_content();
    REQUIRE(l.bundle);
    return std::make_shared<const ContentBundle>(std::move(*l.bundle));
  }();
  return c;
}

std::shared_ptr<const hub::HubKeys> keys_in(const std::string& dir) {
  auto k = hub::load_or_create_keys(dir);
  REQUIRE(k.ok());
  return std::make_shared<const hub::HubKeys>(*k);
}

// Each service, with names, numbers, phones and free text found nowhere else.
struct Distinctive {
  std::vector<std::string> values;
  std::vector<WireRequest> items;
};

Distinctive distinctive_requests(int64_t created) {
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
void check_nothing_clear(const std::string& dir, const std::vector<std::string>& values) {
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

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("hub keys: made once, 0600 in a 0700 dir, the same bytes at every later start") {
  synctest::TempDir d;
  const std::string kd = d.path + "/keys";
  auto first = hub::load_or_create_keys(kd);
  REQUIRE(first.ok());
  CHECK(mode_of(kd) == 0700);
  std::map<std::string, std::string> bytes;
  for (const char* f : {"box.key", "at-rest.key", "hash.key"}) {
    const std::string p = kd + "/" + f;
    CHECK(mode_of(p) == 0600);
    bytes[f] = bytes_of(p);
    CHECK(bytes[f].size() == 32);
  }
  CHECK(bytes["box.key"] != bytes["at-rest.key"]);
  CHECK(bytes["at-rest.key"] != bytes["hash.key"]);
  // The box public key is the one of box.key's secret.
  HubKey pk{};
  crypto_scalarmult_base(pk.data(), reinterpret_cast<const unsigned char*>(bytes["box.key"].data()));
  CHECK(pk == first->box_public);

  // A server started twice on the same dir: the same keys, no new files.
  for (int round = 0; round < 2; ++round) {
    hub::HubOptions o;
    o.data_dir = d.path;
    o.port = 0;
    o.allow_plain_http = true;
    o.quiet = true;
    auto s = hub::HubServer::create(o);
    REQUIRE(s.ok());
  }
  for (const char* f : {"box.key", "at-rest.key", "hash.key"}) CHECK(bytes_of(kd + "/" + f) == bytes[f]);
  auto again = hub::load_or_create_keys(kd);
  REQUIRE(again.ok());
  CHECK(again->at_rest == first->at_rest);
  CHECK(again->hash == first->hash);
  int entries = 0;
  for (const auto& e : fs::directory_iterator(kd)) { (void)e; ++entries; }
  CHECK(entries == 3);
}

TEST_CASE("hub keys: a key file of the wrong size or readable by others is refused, never remade") {
  synctest::TempDir d;
  const std::string kd = d.path + "/keys";
  REQUIRE(hub::load_or_create_keys(kd).ok());
  const std::string rest = kd + "/at-rest.key";
  const std::string kept = bytes_of(rest);

  ::chmod(rest.c_str(), 0644);
  auto exposed = hub::load_or_create_keys(kd);
  REQUIRE_FALSE(exposed.ok());
  CHECK(exposed.error().kind == ErrorKind::KeyFileExposed);
  CHECK(exposed.error().field == rest);
  CHECK(contains(exposed.error().message.en, "at-rest.key"));
  CHECK(bytes_of(rest) == kept);
  // The server does not start on it either (the repair of the data dir
  // below the keys does not make it 0600 first); the message names the file.
  hub::HubOptions o;
  o.data_dir = d.path;
  o.port = 0;
  o.allow_plain_http = true;
  o.quiet = true;
  auto s = hub::HubServer::create(o);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == ErrorKind::KeyFileExposed);
  CHECK(contains(s.error().message.en, "at-rest.key"));
  CHECK(mode_of(rest) == 0644);
  CHECK(bytes_of(rest) == kept);

  // A key dir of its own (--key-dir): the same.
  synctest::TempDir other;
  const std::string kd2 = other.path + "/elsewhere";
  REQUIRE(hub::load_or_create_keys(kd2).ok());
  ::chmod((kd2 + "/hash.key").c_str(), 0640);
  CHECK(hub::load_or_create_keys(kd2).error().kind == ErrorKind::KeyFileExposed);
  o.key_dir = kd2;
  CHECK(hub::HubServer::create(o).error().kind == ErrorKind::KeyFileExposed);
  o.key_dir.clear();

  ::chmod(rest.c_str(), 0600);
  { std::ofstream(rest, std::ios::binary | std::ios::trunc) << std::string(31, 'k'); }
  ::chmod(rest.c_str(), 0600);
  auto short_key = hub::load_or_create_keys(kd);
  REQUIRE_FALSE(short_key.ok());
  CHECK(short_key.error().kind == ErrorKind::KeyFileRead);
  CHECK(bytes_of(rest).size() == 31);  // not regenerated
  auto refused = hub::HubServer::create(o);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::KeyFileRead);
  CHECK(contains(refused.error().message.en, "wrong size"));

  { std::ofstream(rest, std::ios::binary | std::ios::trunc) << std::string(33, 'k'); }
  CHECK(hub::load_or_create_keys(kd).error().kind == ErrorKind::KeyFileRead);
  fs::remove(rest);
  fs::create_symlink(kd + "/hash.key", rest);
  CHECK(hub::load_or_create_keys(kd).error().kind == ErrorKind::KeyFileExposed);
}

TEST_CASE("hub: start makes the data dir 0700 and every file in it 0600 (db, wal, shm, logs, keys)") {
  synctest::TempDir d;
  {
    hub::HubOptions o;
    o.data_dir = d.path;
    o.port = 0;
    o.allow_plain_http = true;
    o.quiet = true;
    auto s = hub::HubServer::create(o);
    REQUIRE(s.ok());
  }
  ::chmod(d.path.c_str(), 0755);
  ::chmod((d.path + "/keys").c_str(), 0755);
  ::chmod((d.path + "/hub.db").c_str(), 0644);  // (a key file 0644 is refused: see above)
  { std::ofstream(d.path + "/hub.db-wal"); }
  { std::ofstream(d.path + "/hub.log") << "x"; }
  fs::create_directories(d.path + "/old/deeper");
  { std::ofstream(d.path + "/old/deeper/notes.txt") << "y"; }
  for (const char* f : {"hub.db-wal", "hub.log", "old/deeper/notes.txt"})
    ::chmod((d.path + "/" + f).c_str(), 0644);
  ::chmod((d.path + "/old").c_str(), 0755);
  REQUIRE(mode_of(d.path + "/hub.db") == 0644);

  hub::HubOptions o;
  o.data_dir = d.path;
  o.port = 0;
  o.allow_plain_http = true;
  o.quiet = true;
  auto s = hub::HubServer::create(o);
  REQUIRE(s.ok());
  CHECK(mode_of(d.path) == 0700);
  CHECK(mode_of(d.path + "/keys") == 0700);
  CHECK(mode_of(d.path + "/old") == 0700);
  CHECK(mode_of(d.path + "/old/deeper") == 0700);
  for (const auto& e : fs::recursive_directory_iterator(d.path)) {
    if (!e.is_regular_file()) continue;
    INFO(e.path().string());
    CHECK(mode_of(e.path().string()) == 0600);
  }
}

TEST_CASE("hub: the enrollment reply carries box_public_key and hash_key, the key files' own") {
  synctest::InProcessHub h;
  auto code = h.server->db().add_kiosk("K", unix_now_ms(), 3600000);
  REQUIRE(code.ok());
  HubTransport t({h.url, "", true, ""}, {});
  auto r = t.post(kPathEnroll, to_json(EnrollRequest{code->code, "test"}));
  REQUIRE(r.status == 200);
  const json reply = json::parse(r.body);
  REQUIRE(reply.contains("box_public_key"));
  REQUIRE(reply.contains("hash_key"));
  const std::string pk_text = reply["box_public_key"], hk_text = reply["hash_key"];
  CHECK(is_base64url(pk_text));
  CHECK(pk_text.find('=') == std::string::npos);
  auto pk = base64url_decode(pk_text);
  auto hk = base64url_decode(hk_text);
  REQUIRE(pk);
  REQUIRE(hk);
  CHECK(pk->size() == 32);
  CHECK(*hk == bytes_of(h.tmp.path + "/keys/hash.key"));
  const std::string sk = bytes_of(h.tmp.path + "/keys/box.key");
  unsigned char derived[32];
  crypto_scalarmult_base(derived, reinterpret_cast<const unsigned char*>(sk.data()));
  CHECK(std::string(reinterpret_cast<const char*>(derived), 32) == *pk);
  // The reply still parses for a kiosk that knows nothing of the keys.
  CHECK(parse_enroll_response(r.body).ok());
}

TEST_CASE("hub: sealed answers are opened, checked like clear ones, stored sealed; unopenable ones rejected") {
  synctest::InProcessHub h;
  const std::string token = h.enroll_token("S");
  HubTransport t({h.url, "", true, token}, {});
  auto keys = keys_in(h.tmp.path + "/keys");
  const int64_t now = unix_now_ms();
  WireRequest good = item(1, "hardship", synctest::valid_answers("hardship", 1, now), now);
  WireRequest bad_phone = item(2, "hardship", synctest::valid_answers("hardship", 2, now), now);
  bad_phone.answers["phone"] = "12345";
  WireRequest clear_bad = bad_phone;
  clear_bad.id = uuid(3);
  HubKey stranger_pk{}, stranger_sk{};
  crypto_box_keypair(stranger_pk.data(), stranger_sk.data());
  WireRequest to_stranger = sealed(item(4, "hardship", synctest::valid_answers("hardship", 4, now), now), stranger_pk);
  WireRequest garbage = item(5, "hardship", json::object(), now);
  garbage.answers_sealed = "not*base64url!";
  WireRequest not_json = item(6, "hardship", json::object(), now);
  not_json.answers_sealed = seal_to(keys->box_public, "[[[[");
  UploadBatch b = batch({sealed(good, keys->box_public), sealed(bad_phone, keys->box_public), clear_bad,
                         to_stranger, garbage, not_json});
  // Both at once: an item no kiosk sends.
  json body = json::parse(to_json(b));
  json both = body["requests"][0];
  both["id"] = uuid(7);
  both["answers"] = good.answers;
  body["requests"].push_back(both);
  auto up = t.post(kPathRequests, body.dump());
  REQUIRE(up.status == 200);
  auto res = parse_upload_response(up.body);
  REQUIRE(res.ok());
  REQUIRE(res->results.size() == 7);
  CHECK(res->results[0].result == ItemResult::Accepted);
  CHECK(res->results[1].result == ItemResult::Rejected);
  CHECK(res->results[1].reason == "invalid_answer:phone:phone_invalid");
  CHECK(res->results[2].reason == res->results[1].reason);  // the same check, sealed or not
  CHECK(res->results[3].reason == "sealed_unopenable");
  CHECK(res->results[4].reason == "sealed_unopenable");
  CHECK(res->results[5].reason == "invalid");
  CHECK(res->results[6].reason == "invalid");

  // Resent sealed again (another nonce) and sent in clear: the same request.
  auto again = parse_upload_response(
      t.post(kPathRequests, to_json(batch({sealed(good, keys->box_public), good}))).body);
  REQUIRE(again.ok());
  CHECK(again->results[0].result == ItemResult::Duplicate);
  CHECK(again->results[1].result == ItemResult::Duplicate);

  auto stored = h.server->db().find_requests(good.id);
  REQUIRE(stored.ok());
  REQUIRE(stored->size() == 1);
  const json held = json::parse(stored->front().body);
  CHECK(held["answers"] == good.answers);
  CHECK_FALSE(held.contains("answers_sealed"));
  CHECK(h.server->db().count_requests() == 1);

  // In the file: no clear body, a sealed one that holds no answer.
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2((h.tmp.path + "/hub.db").c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, "SELECT body IS NULL, typeof(body_sealed), body_sealed, body_hash FROM requests",
                             -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int(st, 0) == 1);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 1))) == "blob");
  const std::string blob(static_cast<const char*>(sqlite3_column_blob(st, 2)), sqlite3_column_bytes(st, 2));
  CHECK_FALSE(contains(blob, "13812345678"));
  CHECK_FALSE(contains(blob, good.answers["name"].get<std::string>()));
  // Not a plain hash of the body either (which a guess could be checked against).
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) !=
        sha256_hex(to_json(good), HexCase::Lower));
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

TEST_CASE("hub db: a stored body opens only in its own row and only with its key") {
  synctest::TempDir d;
  hub::HubDbOptions o;
  o.content = content();
  o.keys = keys_in(d.path + "/keys");
  auto db = hub::HubDb::open(d.path + "/hub.db", o);
  REQUIRE(db.ok());
  auto c = (*db)->add_kiosk("A", kNow, 3600000);
  REQUIRE((*db)->enroll(c->code, kNow, "1").ok());
  auto c2 = (*db)->add_kiosk("B", kNow, 3600000);
  REQUIRE((*db)->enroll(c2->code, kNow, "2").ok());
  REQUIRE((*db)->ingest(c->kiosk_id, batch({item(1, "legal", synctest::valid_answers("legal", 1, kNow))}),
                        kServices, kNow)->results[0].result == ItemResult::Accepted);
  REQUIRE((*db)->ingest(c2->kiosk_id, batch({item(2, "hardship", synctest::valid_answers("hardship", 2, kNow))}),
                        kServices, kNow)->results[0].result == ItemResult::Accepted);
  db->reset();
  // Swap the two rows' sealed bodies: neither opens any more.
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open((d.path + "/hub.db").c_str(), &raw) == SQLITE_OK);
  REQUIRE(sqlite3_exec(raw,
                       "CREATE TEMP TABLE t AS SELECT kiosk_id, body_sealed FROM requests;"
                       "UPDATE requests SET body_sealed=(SELECT body_sealed FROM t WHERE t.kiosk_id<>requests.kiosk_id);",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
  auto reopened = hub::HubDb::open(d.path + "/hub.db", o);
  REQUIRE(reopened.ok());
  auto r = (*reopened)->find_request(c->kiosk_id, uuid(1));
  REQUIRE(r);
  CHECK(r->unopenable);
  CHECK(r->body.empty());
  // Without keys: rows are listed, nothing is shown, nothing is ingested.
  auto keyless = hub::HubDb::open(d.path + "/hub.db");
  REQUIRE(keyless.ok());
  CHECK((*keyless)->list_requests({})->size() == 2);
  CHECK((*keyless)->find_request(c2->kiosk_id, uuid(2))->body.empty());
  CHECK_FALSE((*keyless)->ingest(c->kiosk_id, batch({item(3, "legal", synctest::valid_answers("legal", 3, kNow))}),
                                 kServices, kNow).ok());
}

TEST_CASE("hub db: the migration to schema 3 seals every clear row and leaves none of it in the files") {
  synctest::TempDir d;
  const std::string path = d.path + "/hub.db";
  const std::string secret_name = "慕容雪莲", secret_phone = "13244556677";
  json answers = synctest::valid_answers("hardship", 0, kNow);
  answers["name"] = secret_name;
  answers["phone"] = secret_phone;
  WireRequest old = item(1, "hardship", answers);
  const std::string old_body = to_json(old);
  {
    // A version-2 file as the hub wrote it before: bodies in clear.
    auto v2 = hub::HubDb::open(path);  // made at 3, then taken back to 2's shape below
    REQUIRE(v2.ok());
    v2->reset();
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    const std::string sql =
        "DROP TABLE requests;"
        "CREATE TABLE requests (id TEXT NOT NULL, kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),"
        " kiosk_seq INTEGER NOT NULL, ticket TEXT NOT NULL, service_id TEXT NOT NULL,"
        " content_version TEXT NOT NULL, created_at_ms INTEGER NOT NULL, received_at_ms INTEGER NOT NULL,"
        " body_hash TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'received',"
        " staff_note TEXT NOT NULL DEFAULT '', handled_at_ms INTEGER NOT NULL DEFAULT 0,"
        " out_of_order INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kiosk_id, id));"
        "CREATE INDEX requests_kiosk ON requests(kiosk_id, kiosk_seq);"
        "CREATE INDEX requests_id ON requests(id);"
        "INSERT INTO kiosks(name, created_ms, token_hash, enrolled_ms, next_seq) VALUES('A', 1, 'ta', 1, 2);";
    REQUIRE(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw,
                               "INSERT INTO requests VALUES(?, 1, 1, 'F-0001', 'hardship', 'v1', ?, 6, ?, ?,"
                               " 'received', '', 0, 0)",
                               -1, &st, nullptr) == SQLITE_OK);
    sqlite3_bind_text(st, 1, old.id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, kNow);
    const std::string h = sha256_hex(old_body, HexCase::Lower);
    sqlite3_bind_text(st, 3, h.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, old_body.c_str(), -1, SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
    REQUIRE(sqlite3_exec(raw, "PRAGMA user_version=2;", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  REQUIRE(contains(bytes_of(path) + bytes_of(path + "-wal"), secret_name));

  // Without the keys the migration does not run (it could not seal).
  auto refused = hub::HubDb::open(path);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::KeyFileRead);

  hub::HubDbOptions o;
  o.content = content();
  o.keys = keys_in(d.path + "/keys");
  auto db = hub::HubDb::open(path, o);
  REQUIRE(db.ok());
  auto r = (*db)->find_request(1, old.id);
  REQUIRE(r);
  CHECK(r->body == old_body);
  CHECK(json::parse(r->body)["answers"]["name"] == secret_name);
  // The same request sent again is still a duplicate (the hash was re-keyed).
  auto again = (*db)->ingest(1, batch({old}), kServices, kNow);
  REQUIRE(again.ok());
  CHECK(again->results[0].result == ItemResult::Duplicate);
  db->reset();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    INFO(suffix);
    const std::string raw = bytes_of(path + suffix);
    CHECK_FALSE(contains(raw, secret_name));
    CHECK_FALSE(contains(raw, secret_phone));
  }
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &st, nullptr);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int(st, 0) == 3);
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

TEST_CASE("union-hub: nothing uploaded to each service is found in any byte of the data dir") {
  synctest::TempDir d;
  synctest::HubProcess hub(d.path);
  hub.start();
  const std::string code = hub.add_kiosk("byte check");
  HubTransport enroll({hub.url(), "", true, ""}, {});
  auto er = enroll.post(kPathEnroll, to_json(EnrollRequest{code, "test"}));
  REQUIRE(er.status == 200);
  const json reply = json::parse(er.body);
  auto pk_bytes = base64url_decode(reply["box_public_key"].get<std::string>());
  REQUIRE(pk_bytes);
  HubKey pk{};
  std::copy(pk_bytes->begin(), pk_bytes->end(), pk.begin());
  HubTransport t({hub.url(), "", true, reply["token"].get<std::string>()}, {});

  Distinctive dv = distinctive_requests(kNow);
  // Half in clear (an older kiosk), half sealed; every one accepted.
  std::vector<WireRequest> items;
  for (size_t i = 0; i < dv.items.size(); ++i) {
    items.push_back(dv.items[i]);
    WireRequest s = sealed(dv.items[i], pk);
    s.id = uuid(100 + static_cast<int>(i));
    items.push_back(s);
  }
  auto up = t.post(kPathRequests, to_json(batch(items)));
  REQUIRE(up.status == 200);
  auto res = parse_upload_response(up.body);
  REQUIRE(res.ok());
  for (const auto& o : res->results) {
    INFO(o.id << " " << o.reason);
    CHECK(o.result == ItemResult::Accepted);
  }
  // A staff note and a status pull, as a working day has them.
  CHECK(hub.resolve(uuid(1), "已联系") == 0);
  // The admin sees the answers...
  auto show = synctest::run({synctest::hub_binary(), "--data-dir", d.path, "request", "show", uuid(103), "--json"});
  REQUIRE(show.code == 0);
  CHECK(json::parse(show.out)["answers"]["child_name"] == "上官小葵");
  auto list = synctest::run({synctest::hub_binary(), "--data-dir", d.path, "request", "list", "--json"});
  REQUIRE(list.code == 0);
  const json listed = json::parse(list.out);
  CHECK(listed.size() == 8);
  for (const auto& v : dv.values) CHECK_FALSE(contains(list.out, v));
  // ...and with the hub stopped, not one value is anywhere in its files.
  hub.stop();
  check_nothing_clear(d.path, dv.values);
  // Started again (and stopped uncleanly this time): still nothing.
  hub.start();
  hub.kill9();
  check_nothing_clear(d.path, dv.values);
}

TEST_CASE("union-hub cli: `request show` opens the answers, `request list` shows none") {
  synctest::TempDir d;
  hub::HubDbOptions o;
  o.content = content();
  o.keys = keys_in(d.path + "/keys");
  {
    auto db = hub::HubDb::open(d.path + "/hub.db", o);
    REQUIRE(db.ok());
    auto c = (*db)->add_kiosk("A", kNow, 3600000);
    REQUIRE((*db)->enroll(c->code, kNow, "1").ok());
    json a = synctest::valid_answers("hardship", 0, kNow);
    a["name"] = "东方明珠";
    REQUIRE((*db)->ingest(c->kiosk_id, batch({sealed(item(1, "hardship", a), o.keys->box_public)}), kServices,
                          kNow)->results[0].result == ItemResult::Accepted);
  }
  auto show = synctest::run({synctest::hub_binary(), "--data-dir", d.path, "request", "show", uuid(1)});
  CHECK(show.code == 0);
  CHECK(contains(show.out, "东方明珠"));
  auto list = synctest::run({synctest::hub_binary(), "--data-dir", d.path, "request", "list"});
  CHECK(list.code == 0);
  CHECK(contains(list.out, uuid(1)));
  CHECK_FALSE(contains(list.out, "东方明珠"));
  CHECK_FALSE(contains(list.out, "13812345678"));
  // With another at-rest key (a wrong backup restored): refused, said so.
  synctest::TempDir other;
  auto wrong = synctest::run({synctest::hub_binary(), "--data-dir", d.path, "--key-dir", other.path + "/k",
                              "request", "show", uuid(1), "--json"});
  CHECK(wrong.code == 3);
  CHECK_FALSE(contains(wrong.out, "东方明珠"));
}

TEST_CASE("union-hub attendance hash: CSV or JSON in, keyed hashes out, bad entries named by number") {
  synctest::TempDir d;
  auto keys = keys_in(d.path + "/keys");
  const std::string csv = d.path + "/att.csv";
  {
    std::ofstream f(csv);
    f << "id_number,period,days_attended,days_total\n"
      << "# the spring term\n"
      << "220102201706110528,P-2026S,11,30\n"
      << " 22010220190708109x , P-2026S , 27 , 30 \r\n";
  }
  auto r = synctest::run({synctest::hub_binary(), "--data-dir", d.path, "attendance", "hash", "--in", csv});
  REQUIRE(r.code == 0);
  const json out = json::parse(r.out);
  REQUIRE(out["attendance"].size() == 2);
  const auto h1 = hub::child_id_hash(keys->hash, "220102201706110528");
  const auto h2 = hub::child_id_hash(keys->hash, "22010220190708109X");
  REQUIRE(h1);
  REQUIRE(h2);
  CHECK(out["attendance"][0]["child_id_sha256"] == *h1);
  CHECK(out["attendance"][1]["child_id_sha256"] == *h2);
  CHECK(out["attendance"][1]["days_attended"] == 27);
  CHECK(out["attendance"][0]["period"] == "P-2026S");
  // Keyed: neither the plain SHA-256 the content used to hold, nor the number.
  CHECK(*h1 != sha256_hex("220102201706110528", HexCase::Upper));
  CHECK_FALSE(contains(r.out, "220102201706110528"));
  // HMAC-SHA256 under hash.key, upper-case hex, as specified.
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, keys->hash.data(), keys->hash.size());
  const std::string id = "22010220190708109X";
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(id.data()), id.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  std::string upper(hex);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(*h2 == upper);

  // JSON in, --out file: the same hashes, the file the admin's alone.
  const std::string js = d.path + "/att.json", dest = d.path + "/attendance.json";
  {
    std::ofstream f(js);
    f << json{{"attendance", json::array({json{{"id_number", "220102201706110528"}, {"period", "P-2026S"},
                                               {"days_attended", 11}, {"days_total", 30}}})}}.dump();
  }
  auto w = synctest::run({synctest::hub_binary(), "--data-dir", d.path, "attendance", "hash", "--in", js,
                          "--out", dest});
  REQUIRE(w.code == 0);
  CHECK(json::parse(bytes_of(dest))["attendance"][0]["child_id_sha256"] == *h1);
  CHECK(mode_of(dest) == 0600);

  // A wrong check digit: refused, the entry named by its number only.
  { std::ofstream(csv) << "220102201706110528,P-2026S,11,30\n220102201706110529,P-2026S,1,30\n"; }
  auto bad = synctest::run({synctest::hub_binary(), "--data-dir", d.path, "--json", "attendance", "hash",
                            "--in", csv});
  CHECK(bad.code == 1);
  CHECK(contains(bad.out, "2"));
  CHECK_FALSE(contains(bad.out, "220102201706110529"));
  { std::ofstream(csv) << "220102201706110528,P-2026S,31,30\n"; }
  CHECK(synctest::run({synctest::hub_binary(), "--data-dir", d.path, "attendance", "hash", "--in", csv}).code == 1);
  { std::ofstream(csv) << "220102201706110528,P-2026S,11\n"; }
  CHECK(synctest::run({synctest::hub_binary(), "--data-dir", d.path, "attendance", "hash", "--in", csv}).code == 1);
  CHECK(synctest::run({synctest::hub_binary(), "--data-dir", d.path, "attendance", "count"}).code == 2);
}
