// Issue 10, hub side: a stolen hub disk reads nothing personal. The hub's
// keys (made once, 0600, refused when bad), the enrollment reply that hands
// kiosks the box public key and the hash key, sealed uploads opened and
// checked like clear ones, answers stored only under at-rest.key (the
// migration seals old rows), the data directory made private at start.
// The real process and its admin commands: test_hub_at_rest_cli.cpp.
#include "tests/sync/hub/at_rest_support.hpp"

using namespace kiosk;
using namespace kiosk::atrest;

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
    auto s = hub::HubServer::create(plain_hub_options(d.path));
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
  hub::HubOptions o = plain_hub_options(d.path);
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
  // Lost (the others still there): refused, not remade.
  fs::remove(rest);
  auto lost = hub::load_or_create_keys(kd);
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().kind == ErrorKind::KeyFileRead);
  CHECK(contains(lost.error().message.en, "missing"));
  CHECK_FALSE(fs::exists(rest));
  fs::create_symlink(kd + "/hash.key", rest);
  CHECK(hub::load_or_create_keys(kd).error().kind == ErrorKind::KeyFileExposed);
}

TEST_CASE("hub: start makes the data dir 0700 and every file in it 0600 (db, wal, shm, logs, keys)") {
  synctest::TempDir d;
  {
    auto s = hub::HubServer::create(plain_hub_options(d.path));
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
  // A link in the data dir to a file elsewhere: neither followed nor changed.
  synctest::TempDir elsewhere;
  const std::string outside = elsewhere.path + "/not-the-hubs.txt";
  { std::ofstream(outside) << "z"; }
  ::chmod(outside.c_str(), 0644);
  fs::create_symlink(outside, d.path + "/link");

  auto s = hub::HubServer::create(plain_hub_options(d.path));
  REQUIRE(s.ok());
  CHECK(mode_of(d.path) == 0700);
  CHECK(mode_of(d.path + "/keys") == 0700);
  CHECK(mode_of(d.path + "/old") == 0700);
  CHECK(mode_of(d.path + "/old/deeper") == 0700);
  CHECK(mode_of(outside) == 0644);
  for (const auto& e : fs::recursive_directory_iterator(d.path)) {
    if (e.is_symlink() || !e.is_regular_file()) continue;
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

TEST_CASE("hub: sealed answers are opened, checked like clear ones, stored sealed, unopenable ones rejected") {
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
  // Not base64url at all: the wire format refuses it before the hub tries it.
  CHECK(res->results[4].reason == "invalid");
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
        "INSERT INTO kiosks(name, created_ms, token_hash, enrolled_ms, next_seq) VALUES('A', 1, 'ta', 1, 2);"
        "INSERT INTO changes(kiosk_id, request_id, state, staff_note, at_ms)"
        " VALUES(1, '0190a3b4-0000-7000-8000-000000000001', 'handled', '请慕容女士带户口本', 7);";
    REQUIRE(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw,
                               "INSERT INTO requests VALUES(?, 1, 1, 'F-0001', 'hardship', 'v1', ?, 6, ?, ?,"
                               " 'handled', '请慕容女士带户口本', 7, 0)",
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
  CHECK(r->staff_note == "请慕容女士带户口本");
  auto pulled = (*db)->changes_since(1, "", 10);
  REQUIRE(pulled.ok());
  REQUIRE(pulled->changes.size() == 1);
  CHECK(pulled->changes[0].staff_note == "请慕容女士带户口本");
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
    CHECK_FALSE(contains(raw, "慕容女士"));
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
