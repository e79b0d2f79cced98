#include "testkit.hpp"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kiosk::test {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/kiosk-store-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

bool file_exists(const std::string& path) {
  struct stat sb {};
  return ::stat(path.c_str(), &sb) == 0;
}

namespace {

struct Db {
  sqlite3* db = nullptr;
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK)
      throw std::runtime_error("open " + path);
    sqlite3_busy_timeout(db, 5000);
  }
  ~Db() { sqlite3_close_v2(db); }
};

}  // namespace

void sql_exec(const std::string& db_path, const std::string& sql) {
  Db d(db_path);
  char* msg = nullptr;
  if (sqlite3_exec(d.db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg ? msg : "?";
    sqlite3_free(msg);
    throw std::runtime_error("sql: " + m);
  }
}

std::string sql_text(const std::string& db_path, const std::string& sql) {
  Db d(db_path);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(d.db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("prepare: ") + sqlite3_errmsg(d.db));
  std::string out;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw std::runtime_error("step failed");
  return out;
}

int64_t sql_int(const std::string& db_path, const std::string& sql) {
  return std::stoll(sql_text(db_path, sql));
}

NewRequest make_request(const std::string& service, const std::string& prefix,
                        std::vector<Reservation> reservations,
                        std::vector<std::string> dedup_keys, int answer_bytes) {
  NewRequest r;
  r.service_id = service;
  r.ticket_prefix = prefix;
  r.content_version = "test-1";
  r.plan.answers = {{"name", "王小明"}, {"phone", "13812345678"}, {"topic", "wage_arrears"}};
  if (answer_bytes > 0) r.plan.answers["description"] = std::string(answer_bytes, 'x');
  r.plan.reservations = std::move(reservations);
  for (auto& k : dedup_keys) r.plan.dedup_keys.push_back({std::move(k)});
  return r;
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const BoxKeyPair& test_hub_keys() {
  static const BoxKeyPair k = *box_keypair_from_secret(std::string(32, '\x42'));
  return k;
}

StoreOptions sealed(StoreOptions o) {
  o.hub_box_public_key = test_hub_keys().public_key;
  return o;
}

std::optional<nlohmann::json> opened_answers(const RequestRecord& r) {
  if (r.answers_sealed.empty()) return std::nullopt;
  auto plain = open_box(test_hub_keys(), r.answers_sealed);
  if (!plain) return std::nullopt;
  auto j = nlohmann::json::parse(*plain, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

}  // namespace kiosk::test
