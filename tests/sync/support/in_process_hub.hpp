// union-hub's server in this process on a loopback port (plain HTTP), for
// tests that drive it through the kiosk's own curl transport or raw sockets.
#pragma once
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "kiosk/base/clock.hpp"
#include "sync/client/transport.hpp"
#include "sync/hub/hub_server.hpp"
#include "sync/protocol/protocol.hpp"
#include "tests/sync/support/support.hpp"

namespace kiosk::synctest {

struct InProcessHub {
  TempDir tmp;
  std::unique_ptr<hub::HubServer> server;
  std::thread thread;
  std::string url;
  explicit InProcessHub(hub::HubOptions o = {}) {
    o.data_dir = tmp.path;
    o.port = 0;
    o.allow_plain_http = true;
    o.quiet = true;
    auto s = hub::HubServer::create(o);
    REQUIRE(s.ok());
    server = std::move(*s);
    url = "http://127.0.0.1:" + std::to_string(server->port());
    thread = std::thread([this] { server->run(); });
    for (int i = 0; i < 100; ++i) {
      sync::HubTransport t({url, "", true, ""}, {});
      if (t.get(sync::kPathHealth).kind == sync::NetKind::Ok) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~InProcessHub() {
    server->stop();
    thread.join();
  }
  int port() const { return server->port(); }
  std::string enroll_token(const std::string& name, int64_t* kiosk_id = nullptr) {
    auto code = server->db().add_kiosk(name, unix_now_ms(), 3600000);
    REQUIRE(code.ok());
    if (kiosk_id) *kiosk_id = code->kiosk_id;
    sync::HubTransport t({url, "", true, ""}, {});
    auto r = t.post(sync::kPathEnroll, sync::to_json(sync::EnrollRequest{code->code, "test"}));
    REQUIRE(r.status == 200);
    return sync::parse_enroll_response(r.body)->token;
  }
};

}  // namespace kiosk::synctest
