// Reading one file of a content bundle, collecting problems with their JSON
// paths instead of throwing (content_parse.cpp, schedule_parse.cpp).
#pragma once
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/domain/content.hpp"

namespace kiosk::content_detail {

using nlohmann::json;

inline std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
inline std::string index(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// Reads values out of one file, collecting problems instead of throwing.
class Reader {
 public:
  Reader(std::string file, std::vector<ContentProblem>& problems)
      : file_(std::move(file)), problems_(problems) {}

  void problem(const std::string& path, std::string message) {
    problems_.push_back({file_, path, std::move(message)});
  }

  // An object with only the keys listed (a misspelt key is a problem, not silence).
  bool object(const json& j, const std::string& path, std::initializer_list<std::string_view> keys) {
    if (!j.is_object()) {
      problem(path, "must be a JSON object");
      return false;
    }
    for (const auto& [k, v] : j.items()) {
      bool known = false;
      for (auto key : keys) known = known || key == k;
      if (!known) problem(join(path, k), "unknown key");
    }
    return true;
  }

  const json* member(const json& obj, std::string_view key, const std::string& path, bool required) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) problem(join(path, key), "missing");
      return nullptr;
    }
    return &*it;
  }

  std::string str(const json& obj, std::string_view key, const std::string& path, bool required) {
    const json* v = member(obj, key, path, required);
    if (!v) return {};
    if (!v->is_string()) {
      problem(join(path, key), "must be a string");
      return {};
    }
    return v->get<std::string>();
  }

  Text text(const json& obj, std::string_view key, const std::string& path, bool required) {
    const json* v = member(obj, key, path, required);
    Text t;
    if (!v) return t;
    const std::string p = join(path, key);
    if (!object(*v, p, {"zh", "en"})) return t;
    t.zh = str(*v, "zh", p, false);
    t.en = str(*v, "en", p, false);
    return t;
  }

  std::optional<int> integer(const json& obj, std::string_view key, const std::string& path,
                             bool required) {
    const json* v = member(obj, key, path, required);
    if (!v) return std::nullopt;
    if (!v->is_number_integer() || v->get<int64_t>() < INT32_MIN || v->get<int64_t>() > INT32_MAX) {
      problem(join(path, key), "must be a whole number");
      return std::nullopt;
    }
    return static_cast<int>(v->get<int64_t>());
  }

  std::optional<double> number(const json& obj, std::string_view key, const std::string& path) {
    const json* v = member(obj, key, path, false);
    if (!v) return std::nullopt;
    if (!v->is_number()) {
      problem(join(path, key), "must be a number");
      return std::nullopt;
    }
    return v->get<double>();
  }

  bool boolean(const json& obj, std::string_view key, const std::string& path) {
    const json* v = member(obj, key, path, false);
    if (!v) return false;
    if (!v->is_boolean()) {
      problem(join(path, key), "must be true or false");
      return false;
    }
    return v->get<bool>();
  }

  template <class F>
  void array(const json& obj, std::string_view key, const std::string& path, bool required, F each) {
    const json* v = member(obj, key, path, required);
    if (!v) return;
    const std::string p = join(path, key);
    if (!v->is_array()) {
      problem(p, "must be a JSON array");
      return;
    }
    for (size_t i = 0; i < v->size(); ++i) each((*v)[i], index(p, i));
  }

  std::vector<std::string> strings(const json& obj, std::string_view key, const std::string& path,
                                   bool required) {
    std::vector<std::string> out;
    array(obj, key, path, required, [&](const json& e, const std::string& p) {
      if (e.is_string())
        out.push_back(e.get<std::string>());
      else
        problem(p, "must be a string");
    });
    return out;
  }

 private:
  std::string file_;
  std::vector<ContentProblem>& problems_;
};

// The rules of slots.json, events.json and childcare.json (schedule.hpp).
void read_slot_rules(Reader& r, const json& root, Schedules& s);
void read_event_rules(Reader& r, const json& root, Schedules& s);
void read_period_rules(Reader& r, const json& root, Schedules& s);

}  // namespace kiosk::content_detail
