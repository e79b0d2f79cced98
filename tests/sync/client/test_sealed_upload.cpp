// The kiosk side of sealed answers, on the wire: enroll against a loopback
// server that answers as the hub's contract says (box_public_key,
// hash_key), then upload, and read what the kiosk actually sent. The
// server is a recorder of the kiosk's bytes, not a hub: the hub's own
// handling of answers_sealed is tested with the hub.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/base/base64url.hpp"
#include "kiosk/install/install.hpp"
#include "kiosk/store/seal.hpp"
#include "sync/client/enrollment.hpp"
#include "sync/client/sync_client.hpp"
#include "tests/kiosk/store/testkit.hpp"
#include "tests/sync/support/raw_http.hpp"

using namespace kiosk;
using namespace kiosk::sync;
using namespace kiosk::test;
using nlohmann::json;

namespace {

// Answers POST /v1/enroll with `enroll_reply` and POST /v1/requests with
// "accepted" for every item, recording each request body.
struct Recorder {
  int listen_fd = -1;
  int port = 0;
  std::string enroll_reply;
  std::mutex mu;
  std::vector<std::string> bodies;
  std::atomic<bool> stop{false};
  std::thread thread;

  explicit Recorder(std::string reply) : enroll_reply(std::move(reply)) {
    listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listen_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(listen_fd, 8) == 0);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread = std::thread([this] {
      while (!stop) {
        int c = ::accept(listen_fd, nullptr, nullptr);
        if (c < 0) return;
        serve(c);
        ::close(c);
      }
    });
  }
  ~Recorder() {
    stop = true;
    ::shutdown(listen_fd, SHUT_RDWR);
    ::close(listen_fd);
    thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }

  void serve(int c) {
    std::string req;
    char buf[8192];
    size_t head_end;
    while ((head_end = req.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      req.append(buf, static_cast<size_t>(n));
    }
    size_t length = 0;
    std::string lower = req.substr(0, head_end);
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (auto p = lower.find("content-length:"); p != std::string::npos) length = std::stoul(lower.substr(p + 15));
    while (req.size() < head_end + 4 + length) {
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      req.append(buf, static_cast<size_t>(n));
    }
    const std::string body = req.substr(head_end + 4, length);
    std::string reply;
    if (req.rfind("POST /v1/enroll", 0) == 0) {
      reply = enroll_reply;
    } else if (req.rfind("POST /v1/requests", 0) == 0) {
      {
        std::lock_guard l(mu);
        bodies.push_back(body);
      }
      json results = json::array();
      const json batch = json::parse(body, nullptr, false);
      if (batch.is_object() && batch.contains("requests"))
        for (const auto& item : batch["requests"])
          results.push_back(json{{"id", item["id"]}, {"result", "accepted"}});
      reply = json{{"results", results}, {"hub_time_ms", 1}}.dump();
    } else {
      reply = R"({"changes": [], "cursor": "", "more": false})";
    }
    const std::string out = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                            "Content-Length: " + std::to_string(reply.size()) + "\r\n\r\n" + reply;
    synctest::send_all(c, out);
  }
};

std::string reply_with_keys(const std::string& box_pk, const std::string& hash_key) {
  json j{{"kiosk_id", "k-9"}, {"kiosk_name", "九号机"}, {"token", "tok-9"}};
  if (!box_pk.empty()) j["box_public_key"] = base64url_encode(box_pk);
  if (!hash_key.empty()) j["hash_key"] = base64url_encode(hash_key);
  return j.dump();
}

}  // namespace

TEST_CASE("queued before enrollment, enrolled, uploaded: every item is answers_sealed, opened by the hub key only") {
  TempDir dir;
  const BoxKeyPair& hub = test_hub_keys();
  Recorder rec(reply_with_keys(hub.public_key, std::string(32, '\x11')));
  auto in = Install::open(dir.path());
  REQUIRE(in.ok());
  std::vector<std::string> ids;
  std::vector<json> sent_answers;
  {
    auto store = in->open_store();
    REQUIRE(store.ok());
    for (int i = 0; i < 3; ++i) {
      NewRequest r = make_request("legal", "F");
      r.plan.answers["name"] = "欧阳震华" + std::to_string(i);
      sent_answers.push_back(r.plan.answers);
      ids.push_back((*store)->submit(r, 1'800'000'000'000 + i)->id);
    }
  }
  REQUIRE(file_exists(dir.file("local-box.key")));
  auto e = enroll_kiosk(*in, rec.url(), "ABCDE-FGHJK", "", true);
  REQUIRE_MESSAGE(e.ok(), (e.ok() ? "" : e.error().detail));
  CHECK(e->box_public_key == hub.public_key);
  CHECK(in->hub_box_public_key() == hub.public_key);
  CHECK(in->hash_key() == std::string(32, '\x11'));
  CHECK_FALSE(file_exists(dir.file("local-box.key")));

  auto store = in->open_store();
  REQUIRE(store.ok());
  auto hs = in->hub();
  REQUIRE(hs.ok());
  SyncClient client(**store, *hs);
  CycleReport r = client.upload_all();
  CAPTURE(r.error);
  CAPTURE(r.detail);
  CHECK(r.uploaded_all);
  CHECK(r.accepted == 3);
  std::vector<std::string> bodies;
  {
    std::lock_guard l(rec.mu);
    bodies = rec.bodies;
  }
  REQUIRE(bodies.size() == 1);
  CHECK(bodies[0].find("欧阳震华") == std::string::npos);
  auto items = json::parse(bodies[0])["requests"];
  REQUIRE(items.size() == 3);
  for (size_t i = 0; i < items.size(); ++i) {
    CAPTURE(i);
    CHECK_FALSE(items[i].contains("answers"));
    auto box = base64url_decode(items[i]["answers_sealed"].get<std::string>());
    REQUIRE(box);
    auto plain = open_box(hub, *box);
    REQUIRE(plain);
    CHECK(json::parse(*plain) == sent_answers[i]);
  }
  CHECK((*store)->find(ids[0])->state == RequestState::Delivered);
}

TEST_CASE("an older hub (no keys in the enroll reply): requests stay queued, sealed to the kiosk's own key") {
  TempDir dir;
  Recorder rec(reply_with_keys("", ""));
  auto in = Install::open(dir.path());
  REQUIRE(in.ok());
  REQUIRE(enroll_kiosk(*in, rec.url(), "ABCDE-FGHJK", "", true).ok());
  CHECK_FALSE(in->hub_box_public_key());
  auto store = in->open_store();
  REQUIRE(store.ok());
  REQUIRE((*store)->submit(make_request(), 1'800'000'000'000).ok());
  auto hs = in->hub();
  REQUIRE(hs.ok());
  SyncClient client(**store, *hs);
  CycleReport r = client.upload_all();
  CHECK(r.accepted == 0);
  std::lock_guard l(rec.mu);
  CHECK(rec.bodies.empty());  // nothing the hub could not open was sent
  CHECK((*store)->stats().queued == 1);
  CHECK(file_exists(dir.file("local-box.key")));
}

TEST_CASE("an enroll reply whose box key is not 32 bytes is bad_response, nothing recorded") {
  TempDir dir;
  json j{{"kiosk_id", "k-9"}, {"token", "tok-9"}, {"box_public_key", base64url_encode(std::string(16, 'k'))}};
  Recorder rec(j.dump());
  auto in = Install::open(dir.path());
  REQUIRE(in.ok());
  auto e = enroll_kiosk(*in, rec.url(), "ABCDE-FGHJK", "", true);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().kind == ErrorKind::BadResponse);
  CHECK_FALSE(file_exists(dir.file("hub-box.pub")));
  CHECK_FALSE(file_exists(dir.file("device-token")));
}
