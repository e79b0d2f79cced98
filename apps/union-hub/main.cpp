// union-hub: the union's service hub. `serve` runs the HTTP(S) server; the
// other commands are the admin's and staff's tools until the console exists.
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/base/clock.hpp"
#include "sync/hub/hub_server.hpp"

namespace {

using kiosk::hub::HubDb;
using nlohmann::json;

const char* kUsage =
    "union-hub " KIOSK_VERSION "\n"
    "Usage (every command takes --data-dir DIR, default $UNION_HUB_DATA_DIR or ./hub-data):\n"
    "  union-hub serve [--bind ADDR] [--port N] --cert PEM --key PEM\n"
    "                  [--allow-plain-http] [--services a,b,...] [--port-file F] [--threads N] [--quiet]\n"
    "      Serve the /v1 protocol. Plain HTTP only with --allow-plain-http on a loopback --bind.\n"
    "  union-hub kiosk add --name NAME [--valid-hours H]   one-time enrollment code for a kiosk\n"
    "  union-hub kiosk list                                 kiosks with their last heartbeat\n"
    "  union-hub kiosk revoke ID                            refuse this kiosk from now on\n"
    "  union-hub request list [--kiosk ID] [--state received|handled] [--limit N]\n"
    "  union-hub request show ID\n"
    "  union-hub request resolve ID --note TEXT             handled; the note goes to the kiosk\n"
    "  --json on any admin command prints JSON.\n";

struct Args {
  std::vector<std::string> words;
  std::map<std::string, std::string> opts;  // --key value (flags map to "1")
  bool has(const std::string& k) const { return opts.count(k) != 0; }
  std::string get(const std::string& k, const std::string& def = {}) const {
    auto it = opts.find(k);
    return it == opts.end() ? def : it->second;
  }
};

Args parse_args(int argc, char** argv) {
  static const std::vector<std::string> flags = {"--allow-plain-http", "--json", "--quiet"};
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string w = argv[i];
    if (w.rfind("--", 0) == 0) {
      auto eq = w.find('=');
      if (eq != std::string::npos) {
        a.opts[w.substr(0, eq)] = w.substr(eq + 1);
      } else if (std::find(flags.begin(), flags.end(), w) != flags.end() || i + 1 >= argc) {
        a.opts[w] = "1";
      } else {
        a.opts[w] = argv[++i];
      }
    } else {
      a.words.push_back(w);
    }
  }
  return a;
}

std::string fmt_time(int64_t ms) {
  if (ms <= 0) return "-";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

int fail(const kiosk::Error& e) {
  std::cerr << "union-hub: " << e.message.en;
  if (!e.detail.empty()) std::cerr << " (" << e.detail << ")";
  std::cerr << "\n  " << e.message.zh << "\n";
  return 1;
}

std::unique_ptr<HubDb> open_db(const std::string& dir, int& rc) {
  ::mkdir(dir.c_str(), 0700);
  auto db = HubDb::open(dir + "/hub.db");
  if (!db) {
    rc = fail(db.error());
    return nullptr;
  }
  return std::move(*db);
}

kiosk::hub::HubServer* g_server = nullptr;

int serve(const Args& a, const std::string& dir) {
  kiosk::hub::HubOptions o;
  o.data_dir = dir;
  o.bind = a.get("--bind", "127.0.0.1");
  o.port = std::stoi(a.get("--port", "8443"));
  o.cert_file = a.get("--cert");
  o.key_file = a.get("--key");
  o.allow_plain_http = a.has("--allow-plain-http");
  o.quiet = a.has("--quiet");
  o.threads = std::stoi(a.get("--threads", "64"));
  if (a.has("--services")) {
    o.services.clear();
    std::stringstream ss(a.get("--services"));
    std::string s;
    while (std::getline(ss, s, ',')) if (!s.empty()) o.services.insert(s);
  }
  ::mkdir(dir.c_str(), 0700);
  // Signals are taken by one thread so that SIGTERM stops the server cleanly.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto server = kiosk::hub::HubServer::create(o);
  if (!server) return fail(server.error());
  g_server = server->get();
  std::cerr << "union-hub: listening on " << (g_server->tls() ? "https://" : "http://") << o.bind
            << ":" << g_server->port() << "\n";
  if (a.has("--port-file")) {
    std::string tmp = a.get("--port-file") + ".tmp";
    { std::ofstream(tmp) << g_server->port() << "\n"; }
    std::rename(tmp.c_str(), a.get("--port-file").c_str());
  }
  std::thread sig([set] {
    int s = 0;
    sigwait(&set, &s);
    if (g_server) g_server->stop();
  });
  sig.detach();
  g_server->run();
  std::cerr << "union-hub: stopped\n";
  return 0;
}

int kiosk_cmd(const Args& a, HubDb& db) {
  const std::string sub = a.words.size() > 1 ? a.words[1] : "";
  const bool js = a.has("--json");
  if (sub == "add") {
    std::string name = a.get("--name");
    if (name.empty() && a.words.size() > 2) name = a.words[2];
    if (name.empty()) { std::cerr << "union-hub kiosk add: --name is required\n"; return 2; }
    int64_t hours = std::stoll(a.get("--valid-hours", "168"));
    auto c = db.add_kiosk(name, kiosk::unix_now_ms(), hours * 3600 * 1000);
    if (!c) return fail(c.error());
    if (js) {
      std::cout << json{{"kiosk_id", std::to_string(c->kiosk_id)}, {"name", name},
                        {"code", c->code}, {"expires_ms", c->expires_ms}}.dump() << "\n";
    } else {
      std::cout << "kiosk " << c->kiosk_id << " \"" << name << "\"\n"
                << "enrollment code: " << c->code << "  (one use, valid until "
                << fmt_time(c->expires_ms) << ")\n"
                << "on the kiosk: union-kiosk enroll --hub URL --code " << c->code << "\n";
    }
    return 0;
  }
  if (sub == "list") {
    auto ks = db.list_kiosks();
    if (!ks) return fail(ks.error());
    if (js) {
      json arr = json::array();
      for (const auto& k : *ks) {
        json hb = json::parse(k.heartbeat_json, nullptr, false);
        arr.push_back(json{{"kiosk_id", std::to_string(k.id)}, {"name", k.name},
                           {"enrolled_ms", k.enrolled_ms}, {"revoked_ms", k.revoked_ms},
                           {"last_seen_ms", k.last_seen_ms},
                           {"last_heartbeat_ms", k.last_heartbeat_ms},
                           {"heartbeat", hb.is_discarded() ? json(nullptr) : hb},
                           {"requests", k.requests}});
      }
      std::cout << arr.dump() << "\n";
      return 0;
    }
    for (const auto& k : *ks) {
      std::string state = k.revoked_ms ? "revoked" : k.enrolled_ms ? "enrolled" : "code issued";
      std::cout << k.id << "  " << k.name << "  [" << state << "]  requests " << k.requests
                << "\n    last heartbeat " << fmt_time(k.last_heartbeat_ms);
      json hb = json::parse(k.heartbeat_json, nullptr, false);
      if (hb.is_object())
        std::cout << ": app " << hb.value("app_version", "") << ", content "
                  << hb.value("content_version", "") << ", queue " << hb.value("queue_depth", 0)
                  << " (oldest " << hb.value("oldest_queued_age_s", 0) << " s), quarantined "
                  << hb.value("quarantined", 0) << ", free disk "
                  << hb.value("free_disk_bytes", int64_t{0}) / (1024 * 1024) << " MiB, up "
                  << hb.value("uptime_s", int64_t{0}) << " s, last error \""
                  << hb.value("last_sync_error", "") << "\"";
      std::cout << "\n";
    }
    return 0;
  }
  if (sub == "revoke") {
    if (a.words.size() < 3) { std::cerr << "union-hub kiosk revoke ID\n"; return 2; }
    auto st = db.revoke_kiosk(std::stoll(a.words[2]), kiosk::unix_now_ms());
    if (!st) return fail(st.error());
    std::cout << "kiosk " << a.words[2] << " revoked\n";
    return 0;
  }
  std::cerr << kUsage;
  return 2;
}

json request_json(const kiosk::hub::HubRequest& r, bool with_body) {
  json j{{"id", r.id}, {"kiosk_id", std::to_string(r.kiosk_id)}, {"kiosk_seq", r.kiosk_seq},
         {"ticket", r.ticket}, {"service_id", r.service_id},
         {"content_version", r.content_version}, {"created_at_ms", r.created_at_ms},
         {"received_at_ms", r.received_at_ms}, {"state", r.state},
         {"staff_note", r.staff_note}, {"handled_at_ms", r.handled_at_ms},
         {"out_of_order", r.out_of_order}};
  if (with_body) {
    json b = json::parse(r.body, nullptr, false);
    j["answers"] = b.is_object() ? b.value("answers", json::object()) : json::object();
  }
  return j;
}

int request_cmd(const Args& a, HubDb& db) {
  const std::string sub = a.words.size() > 1 ? a.words[1] : "";
  const bool js = a.has("--json");
  if (sub == "list") {
    kiosk::hub::RequestFilter f;
    if (a.has("--kiosk")) f.kiosk_id = std::stoll(a.get("--kiosk"));
    if (a.has("--state")) f.state = a.get("--state");
    f.limit = std::stoi(a.get("--limit", js ? "0" : "100"));
    auto rs = db.list_requests(f);
    if (!rs) return fail(rs.error());
    if (js) {
      json arr = json::array();
      for (const auto& r : *rs) arr.push_back(request_json(r, false));
      std::cout << arr.dump() << "\n";
      return 0;
    }
    for (const auto& r : *rs)
      std::cout << r.id << "  kiosk " << r.kiosk_id << " #" << r.kiosk_seq << "  " << r.ticket
                << "  " << r.service_id << "  " << r.state << "  " << fmt_time(r.created_at_ms)
                << "\n";
    return 0;
  }
  if (sub == "show" || sub == "resolve") {
    if (a.words.size() < 3) { std::cerr << kUsage; return 2; }
    const std::string id = a.words[2];
    if (sub == "resolve") {
      std::string note = a.get("--note");
      if (note.size() > 600) { std::cerr << "union-hub: --note is limited to 200 characters\n"; return 2; }
      auto st = db.resolve_request(id, note, kiosk::unix_now_ms());
      if (!st) return fail(st.error());
    }
    auto r = db.find_request(id);
    if (!r) { std::cerr << "union-hub: no request " << id << "\n"; return 1; }
    if (js) {
      std::cout << request_json(*r, sub == "show").dump() << "\n";
    } else if (sub == "show") {
      std::cout << request_json(*r, true).dump(2) << "\n";
    } else {
      std::cout << "request " << r->id << " (" << r->ticket << ") handled\n";
    }
    return 0;
  }
  std::cerr << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse_args(argc, argv);
  if (a.words.empty() || a.has("--help") || a.has("-h")) {
    std::cout << kUsage;
    return a.words.empty() && !a.has("--help") ? 2 : 0;
  }
  std::string dir = a.get("--data-dir");
  if (dir.empty()) {
    const char* env = std::getenv("UNION_HUB_DATA_DIR");
    dir = env && *env ? env : "hub-data";
  }
  try {
    if (a.words[0] == "serve") return serve(a, dir);
    int rc = 0;
    auto db = open_db(dir, rc);
    if (!db) return rc;
    if (a.words[0] == "kiosk") return kiosk_cmd(a, *db);
    if (a.words[0] == "request") return request_cmd(a, *db);
  } catch (const std::exception& e) {  // std::stoi on a bad number
    std::cerr << "union-hub: bad argument (" << e.what() << ")\n";
    return 2;
  }
  std::cerr << kUsage;
  return 2;
}
