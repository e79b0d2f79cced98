// Issue 10, hub side, through the real union-hub process: every byte of
// its data dir searched for what was uploaded to each service, `request
// show` and `request list`, and `attendance hash`.
#include "tests/sync/hub/at_rest_support.hpp"

using namespace kiosk;
using namespace kiosk::atrest;

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
  // A staff note (it may name the worker) and the kiosk's status pull.
  const std::string note = "请欧阳女士周三带劳动合同原件来 heron-fig-553";
  CHECK(hub.resolve(uuid(1), note) == 0);
  auto st = t.get(kPathStatus);
  REQUIRE(st.status == 200);
  auto page = parse_status_page(st.body);
  REQUIRE(page.ok());
  REQUIRE(page->changes.size() == 1);
  CHECK(page->changes[0].staff_note == note);
  // The admin sees the answers...
  auto show = synctest::run({synctest::hub_binary(), "--data-dir", d.path, "request", "show", uuid(103), "--json"});
  REQUIRE(show.code == 0);
  CHECK(json::parse(show.out)["answers"]["child_name"] == "上官小葵");
  auto list = synctest::run({synctest::hub_binary(), "--data-dir", d.path, "request", "list", "--json"});
  REQUIRE(list.code == 0);
  const json listed = json::parse(list.out);
  CHECK(listed.size() == 8);
  for (const auto& v : dv.values) CHECK_FALSE(contains(list.out, v));
  // ...and with the hub stopped, not one value (nor the note) is anywhere in its files.
  dv.values.push_back("heron-fig-553");
  dv.values.push_back("欧阳女士");
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
