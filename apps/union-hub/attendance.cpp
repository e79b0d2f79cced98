#include "apps/union-hub/attendance.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/base/exit_codes.hpp"
#include "kiosk/base/failure_output.hpp"
#include "kiosk/base/json_limited.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/base/utf8.hpp"
#include "kiosk/domain/validate.hpp"

namespace kiosk::hubcli {

using nlohmann::json;

namespace {

constexpr size_t kMaxInputBytes = 16u << 20;

struct Entry {
  std::string id_number, period;
  int64_t days_attended = -1, days_total = -1;
};

Error bad_input(const std::string& why) {
  return Error{ErrorKind::BadField, trf("hub.cli.attendance_bad_input", {{"why", plain(why)}}), "",
               why};
}

Error bad_entry(size_t n, const std::string& why) {
  return bad_input("entry " + std::to_string(n) + ": " + why);
}

std::optional<int64_t> whole(const std::string& s) {
  const std::string t = trim(s);
  if (t.empty() || t.size() > 6 || t.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(t);
}

Expected<std::vector<Entry>> read_csv(const std::string& text) {
  std::vector<Entry> out;
  std::istringstream in(text);
  std::string line;
  size_t n = 0;
  bool first = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string t = trim(line);
    const bool header = first && t.rfind("id_number", 0) == 0;
    first = false;
    if (t.empty() || t[0] == '#' || header) continue;
    ++n;
    std::vector<std::string> cols;
    std::stringstream ss(t);
    std::string c;
    while (std::getline(ss, c, ',')) cols.push_back(trim(c));
    if (cols.size() != 4) return bad_entry(n, "4 columns needed: id_number,period,days_attended,days_total");
    Entry e;
    e.id_number = cols[0];
    e.period = cols[1];
    auto att = whole(cols[2]);
    auto tot = whole(cols[3]);
    if (!att || !tot) return bad_entry(n, "days must be whole numbers");
    e.days_attended = *att;
    e.days_total = *tot;
    out.push_back(std::move(e));
  }
  return out;
}

Expected<std::vector<Entry>> read_json(const std::string& text) {
  JsonLimits lim;
  lim.max_depth = 4;
  lim.max_bytes = kMaxInputBytes;
  JsonParse p = parse_json_limited(text, lim);
  if (!p.value) return bad_input("not JSON: " + p.why);
  const json* list = &*p.value;
  if (list->is_object()) {
    auto it = list->find("attendance");
    if (it == list->end()) return bad_input("no \"attendance\" list");
    list = &*it;
  }
  if (!list->is_array()) return bad_input("not a list");
  std::vector<Entry> out;
  size_t n = 0;
  for (const auto& j : *list) {
    ++n;
    if (!j.is_object()) return bad_entry(n, "not an object");
    Entry e;
    auto str = [&](const char* k, std::string& v) {
      auto it = j.find(k);
      if (it == j.end() || !it->is_string()) return false;
      v = it->get<std::string>();
      return true;
    };
    auto num = [&](const char* k, int64_t& v) {
      auto it = j.find(k);
      if (it == j.end() || !it->is_number_integer()) return false;
      v = it->get<int64_t>();
      return true;
    };
    for (const auto& [k, v] : j.items()) {
      (void)v;
      if (k != "id_number" && k != "period" && k != "days_attended" && k != "days_total")
        return bad_entry(n, "unknown key");
    }
    if (!str("id_number", e.id_number) || !str("period", e.period) ||
        !num("days_attended", e.days_attended) || !num("days_total", e.days_total))
      return bad_entry(n, "id_number, period (text), days_attended, days_total (numbers) needed");
    out.push_back(std::move(e));
  }
  return out;
}

// The entries as attendance.json holds them; the first bad one refuses all.
Expected<json> hashed(const std::vector<Entry>& entries, const hub::HubKey& key) {
  json arr = json::array();
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    const size_t n = i + 1;
    auto h = hub::child_id_hash(key, e.id_number);
    if (!h)
      return Error{ErrorKind::BadField, trf("hub.cli.attendance_bad_id", {{"line", plain(std::to_string(n))}}),
                   "", "entry " + std::to_string(n) + ": not a valid ID number"};
    const auto chars = utf8_length(e.period);
    if (!chars || *chars == 0 || *chars > 64 || has_control_chars(e.period, false))
      return bad_entry(n, "period must be 1-64 characters");
    if (e.days_total < 1 || e.days_total > 366 || e.days_attended < 0 ||
        e.days_attended > e.days_total)
      return bad_entry(n, "days: 0 <= days_attended <= days_total, 1 <= days_total <= 366");
    arr.push_back(json{{"child_id_sha256", *h}, {"period", e.period},
                       {"days_attended", e.days_attended}, {"days_total", e.days_total}});
  }
  return json{{"attendance", std::move(arr)}};
}

int fail(Out& o, const Error& e, int code) { return print_failure(o.out, o.err, o.json, e, code); }

}  // namespace

int attendance_command(const std::string& sub, const Args& a, const hub::HubKey& hash_key,
                       std::istream& in, Out& o) {
  if (sub != "hash" || !a.words.empty()) return usage_error(o, "attendance hash [--in FILE] [--out FILE]");
  std::string text;
  if (a.has("--in") && a.get("--in") != "-") {
    std::ifstream f(a.get("--in"), std::ios::binary);
    if (!f) return fail(o, bad_input("cannot open --in"), kExitRefused);
    text.assign(std::istreambuf_iterator<char>(f), {});
  } else {
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  if (text.size() > kMaxInputBytes) return fail(o, bad_input("larger than 16 MiB"), kExitRefused);
  const std::string start = trim(text);
  auto entries = !start.empty() && (start[0] == '[' || start[0] == '{') ? read_json(text) : read_csv(text);
  std::fill(text.begin(), text.end(), '\0');
  if (!entries) return fail(o, entries.error(), kExitRefused);
  auto doc = hashed(*entries, hash_key);
  for (auto& e : *entries) std::fill(e.id_number.begin(), e.id_number.end(), '\0');
  if (!doc) return fail(o, doc.error(), kExitRefused);
  const std::string body = doc->dump(1, ' ', false) + "\n";
  if (!a.has("--out") || a.get("--out") == "-") {
    o.out << body;
    return kExitOk;
  }
  const std::string out = a.get("--out");
  const std::string tmp = out + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const bool ok = fd >= 0 && ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) &&
                  ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok || std::rename(tmp.c_str(), out.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return fail(o, Error{ErrorKind::Io, trf("hub.cli.attendance_bad_input", {{"why", plain("--out")}}),
                         "--out", "cannot write"},
                kExitCannotWork);
  }
  const Text t = trf("hub.cli.attendance_written", {{"count", plain(std::to_string((*doc)["attendance"].size()))}});
  if (o.json) o.out << json{{"ok", true}, {"count", (*doc)["attendance"].size()}}.dump() << "\n";
  else o.err << t.zh << "\n" << t.en << "\n";
  return kExitOk;
}

}  // namespace kiosk::hubcli
