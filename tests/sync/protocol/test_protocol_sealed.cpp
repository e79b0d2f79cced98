// The wire's sealed fields: the hub's keys in the enroll reply
// (box_public_key, hash_key: base64url of exactly 32 bytes, both optional)
// and a request's answers as answers_sealed instead of answers.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "kiosk/base/base64url.hpp"
#include "kiosk/base/strings.hpp"
#include "sync/protocol/protocol.hpp"

using namespace kiosk;
using namespace kiosk::sync;
using nlohmann::json;

namespace {

std::string b64(const std::string& raw) { return base64url_encode(raw); }

json enroll_reply() { return json{{"kiosk_id", "k-1"}, {"kiosk_name", "一号机"}, {"token", "tok"}}; }

}  // namespace

TEST_CASE("enroll reply: box_public_key and hash_key decoded to 32 bytes each") {
  json j = enroll_reply();
  j["box_public_key"] = b64(std::string(32, '\x01'));
  j["hash_key"] = b64(std::string(32, '\x02'));
  auto e = parse_enroll_response(j.dump());
  REQUIRE(e.ok());
  CHECK(e->box_public_key == std::string(32, '\x01'));
  CHECK(e->hash_key == std::string(32, '\x02'));
  // And back: what the hub writes, the kiosk reads.
  auto again = parse_enroll_response(to_json(*e));
  REQUIRE(again.ok());
  CHECK(again->box_public_key == e->box_public_key);
  CHECK(again->hash_key == e->hash_key);
}

TEST_CASE("enroll reply from an older hub: no keys is fine") {
  auto e = parse_enroll_response(enroll_reply().dump());
  REQUIRE(e.ok());
  CHECK(e->box_public_key.empty());
  CHECK(e->hash_key.empty());
  CHECK(json::parse(to_json(*e)).contains("box_public_key") == false);
}

TEST_CASE("enroll reply: a key that is not base64url of exactly 32 bytes is refused") {
  for (const char* field : {"box_public_key", "hash_key"}) {
    for (const json& bad : {json(b64(std::string(31, 'a'))), json(b64(std::string(33, 'a'))), json(""),
                            json(b64(std::string(32, 'a')) + "="), json("+/+/"), json(42), json::array()}) {
      CAPTURE(field);
      CAPTURE(bad.dump());
      json j = enroll_reply();
      j[field] = bad;
      auto e = parse_enroll_response(j.dump());
      REQUIRE_FALSE(e.ok());
      CHECK(e.error().kind == ErrorKind::BadField);
      CHECK(e.error().field == field);
    }
  }
}

TEST_CASE("a sealed request travels as answers_sealed (base64url) and never as answers") {
  WireRequest w;
  w.id = "0193518c-c47c-7148-99d2-c7a703cb05e7";
  w.ticket = "F-0001";
  w.service_id = "legal";
  w.created_at_ms = 1;
  w.answers = json{{"name", "should not travel"}};
  w.answers_sealed = base64url_encode(std::string("\x00\xff sealed box bytes", 19));
  json j = json::parse(to_json(w));
  CHECK_FALSE(j.contains("answers"));
  CHECK(j["answers_sealed"] == w.answers_sealed);
  auto back = parse_wire_request(j);
  REQUIRE(back.ok());
  CHECK(back->answers_sealed == w.answers_sealed);

  WireRequest clear = w;
  clear.answers_sealed.clear();
  json c = json::parse(to_json(clear));
  CHECK(c["answers"]["name"] == "should not travel");
  CHECK_FALSE(c.contains("answers_sealed"));
}

TEST_CASE("answers_sealed: not base64url, empty, or next to answers is a bad field") {
  json base = {{"id", "0193518c-c47c-7148-99d2-c7a703cb05e7"}, {"ticket", "F-0001"}, {"service_id", "legal"},
               {"created_at_ms", 1}};
  for (const json& bad : {json("not base64!"), json(""), json(7), json::object()}) {
    json j = base;
    j["answers_sealed"] = bad;
    auto r = parse_wire_request(j);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().field == "answers_sealed");
  }
  json both = base;
  both["answers_sealed"] = base64url_encode("box");
  both["answers"] = json::object();
  CHECK_FALSE(parse_wire_request(both).ok());
}

TEST_CASE("every store failure a sync can report has words in both languages") {
  // tr() gives back the key itself when a string is missing: that must not
  // reach a technician's screen for any kind of store failure.
  for (ErrorKind k : {ErrorKind::Io, ErrorKind::DiskFull, ErrorKind::StoreBusy, ErrorKind::ReadOnly,
                      ErrorKind::StoreDamaged, ErrorKind::StoreTooNew, ErrorKind::StoreMissing}) {
    const std::string key = "sync.error." + store_failure_code(k);
    const Text& t = tr(key);
    CHECK_MESSAGE(t.zh != key, key);
    CHECK_MESSAGE(t.en != key, key);
  }
}
