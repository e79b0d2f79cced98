// Shared by the core tests: the embedded bundle, a booking ledger double and
// answers that pass, to be spoiled one field at a time.
#pragma once
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>

#include "assets/embedded.hpp"
#include "kiosk/domain/content.hpp"
#include "kiosk/base/hash.hpp"
#include "kiosk/domain/form.hpp"
#include "kiosk/domain/id_hash.hpp"

namespace kiosk::test {

// The embedded bundle's files by name, to be edited by a test before loading.
inline ContentFiles embedded_content_files() {
  ContentFiles files;
  for (const auto& [name, data] : assets::embedded_files())
    if (name.rfind("content/", 0) == 0) files.emplace(std::string(name.substr(8)), std::string(data));
  return files;
}

inline const ContentBundle& bundle() {
  static const ContentBundle b = [] {
    auto load = load_embedded_content();
    REQUIRE(load.bundle);
    // Its schedule rules as they stand on the day the tests are set on.
    return expand_schedules(*load.bundle, Date{2026, 11, 22});
  }();
  return b;
}

inline const Service& service(const std::string& id) {
  const Service* s = bundle().service(id);
  REQUIRE(s);
  return *s;
}

// What the request store would know: bookings queued here and dedup keys.
class MemoryLedger : public BookingLedger {
 public:
  std::map<std::string, int> bookings;
  std::set<std::string> keys;
  int local_bookings(const std::string& k) const override {
    auto it = bookings.find(k);
    return it == bookings.end() ? 0 : it->second;
  }
  bool has_dedup_key(const std::string& k) const override { return keys.count(k) > 0; }
  std::string secret = "test ledger secret";
  std::string dedup_hash(const std::string& subject) const override {
    return hmac_sha256_hex(secret, sha256_hex(subject, HexCase::Upper), HexCase::Upper);
  }
};

inline MemberIdentity demo_member() {
  return MemberIdentity{"CN-22-01", "22010012345", "张伟", "长春市第一机床厂工会", "member"};
}

inline RuleContext context(const BookingLedger* ledger = nullptr, bool member = false) {
  RuleContext ctx;
  ctx.content = &bundle();
  ctx.today = Date{2026, 11, 22};
  ctx.ledger = ledger;
  ctx.id_hash_key = std::string(kDemoIdHashKey);  // the built-in bundle's attendance is hashed under it
  if (member) ctx.member = demo_member();
  return ctx;
}

inline Answers legal_answers() {
  return {{"slot", "S-20261201-PM"},
          {"category", "wage_arrears"},
          {"employer", "长春市宏达建筑劳务有限公司"},
          {"description", "公司拖欠我2026年8月至10月的工资共计15600元，多次催要未果。"},
          {"arbitration_filed", "no"},
          {"name", "张伟"},
          {"phone", "+86 138 1234 5678"},
          {"consent", true}};
}

inline Answers hardship_answers() {
  return {{"name", "李秀英"},
          {"id_number", "11010519491231002x"},
          {"phone", "13912345678"},
          {"employer", "长春市环卫服务中心"},
          {"kind", "illness"},
          {"household_size", "3"},
          {"income_per_head", 850},
          {"description", "丈夫今年确诊尿毒症，每周透析三次，医药费负担很重。"},
          {"sensitive_consent", true},
          {"consent", true}};
}

inline Answers mixer_answers() {
  return {{"event", "M-202612"},
          {"member_card", "22010012345"},
          {"name", "张伟"},
          {"gender", "m"},
          {"birth_year", 1994},
          {"phone", "13812345678"},
          {"employer", "长春市第一机床厂"},
          {"single_declaration", true},
          {"consent", true}};
}

inline Answers childcare_answers(const std::string& child_id = "220102201706110528",
                                 const std::string& klass = "C-2027W-B") {
  return {{"member_card", "22010012345"},
          {"guardian_name", "张伟"},
          {"guardian_phone", "13812345678"},
          {"child_name", "张小雨"},
          {"child_id", child_id},
          {"child_gender", "f"},
          {"school", "长春市南关区东岭小学"},
          {"grade", "g3"},
          {"health_notes", ""},
          {"allergies", "花生过敏"},
          {"emergency_name", "王丽"},
          {"emergency_phone", "13698765432"},
          {"class", klass},
          {"guardian_consent", true},
          {"consent", true}};
}

inline bool has_error(const std::vector<FieldError>& errors, const std::string& field,
                      const std::string& code) {
  for (const auto& e : errors)
    if (e.field == field && e.code == code) {
      // Every error says what to fix in both languages, placeholders filled.
      CHECK_MESSAGE(e.message.complete(), code);
      CHECK_MESSAGE(e.message.zh.find('{') == std::string::npos, e.message.zh);
      CHECK_MESSAGE(e.message.en.find('{') == std::string::npos, e.message.en);
      CHECK_MESSAGE(e.message.zh.find("core.") == std::string::npos, code);
      return true;
    }
  return false;
}

inline std::string dump(const std::vector<FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.field + ":" + e.code + " " + e.message.en + "\n";
  return out;
}

}  // namespace kiosk::test
