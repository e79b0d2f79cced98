// The checks of a content bundle, shared by content_check.cpp (entries,
// services) and schedule_check.cpp (rules): each problem names the file and
// the JSON path of the field.
#pragma once
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/date.hpp"
#include "kiosk/base/utf8.hpp"
#include "kiosk/domain/content.hpp"

namespace kiosk::content_detail {

inline std::string at(const std::string& path, std::string_view key) { return path + "." + std::string(key); }
inline std::string idx(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

inline bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

inline bool valid_time(const std::string& t) {
  return t.size() == 5 && t[2] == ':' && std::isdigit(static_cast<unsigned char>(t[0])) &&
         std::isdigit(static_cast<unsigned char>(t[1])) &&
         std::isdigit(static_cast<unsigned char>(t[3])) &&
         std::isdigit(static_cast<unsigned char>(t[4])) && t.substr(0, 2) < "24" && t[3] < '6';
}

inline bool valid_member_number(const std::string& s) {
  if (s.size() < 6 || s.size() > 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-')) return false;
  return true;
}

class Checker {
 public:
  explicit Checker(std::vector<ContentProblem>& out) : out_(out) {}

  void problem(const std::string& file, const std::string& path, std::string message) {
    out_.push_back({file, path, std::move(message)});
  }

  void text(const std::string& file, const std::string& path, const Text& t, bool required = true) {
    if (!required && t.zh.empty() && t.en.empty()) return;
    if (t.zh.empty()) problem(file, at(path, "zh"), "missing Chinese text");
    if (t.en.empty()) problem(file, at(path, "en"), "missing English text");
    if (!utf8_length(t.zh)) problem(file, at(path, "zh"), "not valid UTF-8");
    if (!utf8_length(t.en)) problem(file, at(path, "en"), "not valid UTF-8");
  }

  // Ids: well-formed and unique within their collection.
  void id(const std::string& file, const std::string& path, const std::string& id,
          std::set<std::string>& seen) {
    if (!valid_id(id))
      problem(file, at(path, "id"), "id \"" + id + "\" must be 1-64 letters, digits, '-' or '_'");
    else if (!seen.insert(id).second)
      problem(file, at(path, "id"), "duplicate id \"" + id + "\"");
  }

  std::optional<Date> date(const std::string& file, const std::string& path, const std::string& s,
                           bool required = true) {
    if (s.empty() && !required) return std::nullopt;
    auto d = Date::parse(s);
    if (!d) problem(file, path, "\"" + s + "\" is not a valid date YYYY-MM-DD");
    return d;
  }

  void capacity(const std::string& file, const std::string& path, int capacity, int booked) {
    if (capacity <= 0) problem(file, at(path, "capacity"), "capacity must be greater than 0");
    if (booked < 0) problem(file, at(path, "booked"), "booked must not be negative");
  }

  void ages(const std::string& file, const std::string& path, int min_age, int max_age) {
    if (min_age < 0 || min_age > 120) problem(file, at(path, "min_age"), "min_age must be 0-120");
    if (max_age < 0 || max_age > 120) problem(file, at(path, "max_age"), "max_age must be 0-120");
    if (min_age > max_age) problem(file, at(path, "min_age"), "min_age is greater than max_age");
  }

  void service(const Service& s, const std::string& p, const ContentBundle& b);
  void field(const Service& s, const Field& f, const std::string& p);
  void policy(const Service& s, const std::string& p);

 private:
  std::vector<ContentProblem>& out_;
};

// The rules of a bundle, as strictly as its entries.
void check_schedules(Checker& c, const ContentBundle& b);

}  // namespace kiosk::content_detail
