// RequestStore's private state, shared by store_open.cpp and store.cpp.
#pragma once
#include <mutex>
#include <string>
#include <unordered_map>

#include <sqlite3.h>

#include "kiosk/core/store.hpp"

namespace kiosk {

namespace store_detail {

// One SQLite connection and its cached prepared statements, keyed by the SQL
// literal's address (every query is a string constant).
struct Connection {
  sqlite3* db = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> cache;
  ~Connection();
  sqlite3_stmt* prepare(const char* sql, Error* err);
};

}  // namespace store_detail

struct RequestStore::Impl {
  store_detail::Connection conn;
  sqlite3*& db = conn.db;
  std::string path;
  StoreOptions opts;
  bool read_only = false;
  int64_t last_purge_ms = 0;  // mark_delivered purges expired answers at most hourly
  // The UI thread and the sync thread share one store; SQLite statements are not
  // re-entrant, so every method holds this for its whole transaction.
  std::mutex mu;
};

}  // namespace kiosk
