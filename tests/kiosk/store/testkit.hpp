// Helpers for the store tests: private temp directories, raw SQLite access
// (to look at a file the way a recovery technician would), request builders.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/store/store.hpp"

namespace kiosk::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);
bool file_exists(const std::string& path);

// Raw SQLite on a file, outside RequestStore.
void sql_exec(const std::string& db_path, const std::string& sql);
// First column of the first row as text ("" if none); throws on error.
std::string sql_text(const std::string& db_path, const std::string& sql);
int64_t sql_int(const std::string& db_path, const std::string& sql);

// A request for `service` with a few answers; optional places and duplicate keys.
NewRequest make_request(const std::string& service = "legal", const std::string& prefix = "F",
                        std::vector<Reservation> reservations = {},
                        std::vector<std::string> dedup_keys = {}, int answer_bytes = 0);

int64_t now_ms();

// A fixed box key pair standing in for the hub's: stores opened with
// sealed() seal every answer to it, and opened_answers() reads them back
// the way only the hub can.
const BoxKeyPair& test_hub_keys();
StoreOptions sealed(StoreOptions o = {});
// The answers of a record or row, opened with test_hub_keys(); nullopt when
// there are none or they are not sealed to it.
std::optional<nlohmann::json> opened_answers(const RequestRecord& r);

}  // namespace kiosk::test
