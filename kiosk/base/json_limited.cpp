#include "kiosk/base/json_limited.hpp"

#include <vector>

namespace kiosk {
namespace {

using json = nlohmann::json;

// Builds the document as nlohmann's own DOM parser does, but stops at the
// first open bracket past the depth limit or the first repeated key.
class LimitedDom : public nlohmann::json_sax<json> {
 public:
  explicit LimitedDom(const JsonLimits& limits) : limits_(limits) {}

  bool null() override { return put(json(nullptr)); }
  bool boolean(bool v) override { return put(json(v)); }
  bool number_integer(number_integer_t v) override { return put(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return put(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return put(json(v)); }
  bool string(string_t& v) override { return put(json(std::move(v))); }
  bool binary(binary_t& v) override { return put(json::binary(std::move(v))); }

  bool start_object(std::size_t) override { return open(json::object()); }
  bool key(string_t& k) override {
    json& obj = *stack_.back();
    if (limits_.reject_duplicate_keys && obj.contains(k)) {
      fail(JsonRefusal::DuplicateKey, "key \"" + printable(k) + "\" twice in one object");
      return false;
    }
    pending_key_ = std::move(k);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_array() override { return close(); }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) override {
    if (!failed_) fail(JsonRefusal::Syntax, "not JSON at byte " + std::to_string(position));
    return false;
  }

  JsonParse result() {
    JsonParse out;
    if (failed_) {
      out.refusal = refusal_;
      out.why = why_;
    } else {
      out.value = std::move(root_);
    }
    return out;
  }

 private:
  // Keys are named in the reason only when they are short plain ASCII.
  static std::string printable(const std::string& k) {
    if (k.size() > 32) return "...";
    for (unsigned char c : k)
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return "...";
    return k;
  }

  void fail(JsonRefusal r, std::string why) {
    failed_ = true;
    refusal_ = r;
    why_ = std::move(why);
  }

  json* place(json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    json& slot = parent[pending_key_];
    slot = std::move(v);
    return &slot;
  }

  bool put(json&& v) {
    place(std::move(v));
    return true;
  }

  bool open(json&& container) {
    if (stack_.size() >= limits_.max_depth) {
      fail(JsonRefusal::TooDeep, "nested deeper than " + std::to_string(limits_.max_depth));
      return false;
    }
    stack_.push_back(place(std::move(container)));
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  const JsonLimits& limits_;
  json root_;
  std::vector<json*> stack_;
  std::string pending_key_;
  bool failed_ = false;
  JsonRefusal refusal_ = JsonRefusal::Syntax;
  std::string why_;
};

}  // namespace

JsonParse parse_json_limited(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    JsonParse out;
    out.refusal = JsonRefusal::TooLarge;
    out.why = "over " + std::to_string(limits.max_bytes) + " bytes";
    return out;
  }
  LimitedDom dom(limits);
  // strict: trailing text after the document is a syntax error too.
  json::sax_parse(text.begin(), text.end(), &dom, nlohmann::detail::input_format_t::json, true);
  return dom.result();
}

}  // namespace kiosk
