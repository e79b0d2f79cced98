// Content bundle: lookups, and the two places a bundle comes from (a
// directory pushed by the hub, or the files compiled into the binary).
#include "kiosk/domain/content.hpp"

#include <dirent.h>

#include <fstream>
#include <sstream>

#include "assets/embedded.hpp"

namespace kiosk {
namespace {

template <class T>
const T* find_by_id(const std::vector<T>& v, const std::string& id) {
  for (const auto& x : v)
    if (x.id == id) return &x;
  return nullptr;
}

bool ends_with_json(std::string_view name) {
  return name.size() > 5 && name.substr(name.size() - 5) == ".json";
}

constexpr std::pair<FieldType, std::string_view> kFieldTypes[] = {
    {FieldType::Text, "text"},
    {FieldType::Name, "name"},
    {FieldType::Phone, "phone"},
    {FieldType::IdNumber, "id_number"},
    {FieldType::Date, "date"},
    {FieldType::Number, "number"},
    {FieldType::SingleChoice, "single_choice"},
    {FieldType::MultiChoice, "multi_choice"},
    {FieldType::Consent, "consent"},
    {FieldType::MemberCard, "member_card"},
    {FieldType::SlotPick, "slot_pick"},
    {FieldType::EventPick, "event_pick"},
    {FieldType::ClassPick, "class_pick"},
};

}  // namespace

const Field* Service::field(const std::string& id) const { return find_by_id(fields, id); }
const Service* ContentBundle::service(const std::string& id) const { return find_by_id(services, id); }
const DutySlot* ContentBundle::slot(const std::string& id) const { return find_by_id(slots, id); }
const MixerEvent* ContentBundle::event(const std::string& id) const { return find_by_id(events, id); }
const ChildcarePeriod* ContentBundle::period(const std::string& id) const { return find_by_id(periods, id); }
const ChildcareClass* ContentBundle::klass(const std::string& id) const { return find_by_id(classes, id); }

std::string to_string(FieldType t) {
  for (const auto& [type, name] : kFieldTypes)
    if (type == t) return std::string(name);
  return "?";
}

std::optional<FieldType> parse_field_type(std::string_view s) {
  for (const auto& [type, name] : kFieldTypes)
    if (name == s) return type;
  return std::nullopt;
}

const std::vector<std::string>& content_file_names() {
  static const std::vector<std::string> names = {
      "manifest.json",   "services.json",   "slots.json",   "events.json",
      "childcare.json",  "attendance.json", "notices.json", "card_keys.json"};
  return names;
}

std::string describe(const ContentProblem& p) {
  std::string out = p.file.empty() ? "(bundle)" : p.file;
  if (!p.path.empty()) out += ": " + p.path;
  return out + ": " + p.message;
}

std::vector<const Notice*> notices_on(const ContentBundle& b, const std::string& today_iso) {
  // ISO dates order as strings; the checker has made sure they are dates.
  std::vector<const Notice*> out;
  for (const auto& n : b.notices)
    if ((n.from.empty() || n.from <= today_iso) && (n.until.empty() || today_iso <= n.until))
      out.push_back(&n);
  return out;
}

ContentLoad load_content_dir(const std::string& dir) {
  ContentFiles files;
  DIR* d = opendir(dir.c_str());
  if (!d) {
    ContentLoad out;
    out.problems.push_back({"", "", "cannot read the content directory " + dir});
    return out;
  }
  std::vector<std::string> names;
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name[0] != '.' && ends_with_json(name)) names.push_back(name);
  }
  closedir(d);
  for (const auto& name : names) {
    std::ifstream in(dir + "/" + name, std::ios::binary);
    std::ostringstream ss;
    if (in) ss << in.rdbuf();
    if (!in || in.bad()) {
      ContentLoad out;
      out.problems.push_back({name, "", "cannot read the file"});
      return out;
    }
    files.emplace(name, ss.str());
  }
  return load_content(files);
}

ContentLoad load_embedded_content() {
  ContentFiles files;
  for (const auto& [name, data] : assets::embedded_files()) {
    constexpr std::string_view kPrefix = "content/";
    if (name.substr(0, kPrefix.size()) != kPrefix) continue;
    const auto rel = name.substr(kPrefix.size());
    if (rel.find('/') != std::string_view::npos || !ends_with_json(rel)) continue;
    files.emplace(std::string(rel), std::string(data));
  }
  return load_content(files);
}

}  // namespace kiosk
