// The form engine: visibility, per-field validation and normalisation, and
// check_request, which turns a worker's answers into a RequestPlan.
#include "kiosk/domain/form.hpp"
#include "kiosk/base/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "kiosk/base/strings.hpp"
#include "kiosk/domain/validate.hpp"

namespace kiosk {
namespace {

using nlohmann::json;

std::string fmt_num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

FieldError error(const Field& f, std::string code, std::string_view key,
                 std::vector<TextArg> args = {}) {
  args.insert(args.begin(), TextArg{"field", f.label});
  return FieldError{f.id, std::move(code), trf(key, args)};
}

bool is_pick(FieldType t) {
  return t == FieldType::SlotPick || t == FieldType::EventPick || t == FieldType::ClassPick;
}

std::optional<Date> resolve_date(const std::optional<std::string>& bound, const Date& today) {
  if (!bound) return std::nullopt;
  if (*bound == "today") return today;
  return Date::parse(*bound);
}

// Text of a string answer, or nullopt (wrong type reported) when not a string.
std::optional<std::string> string_answer(const Field& f, const json& v, std::vector<FieldError>& errors) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();  // digits typed as a number
  errors.push_back(error(f, "wrong_type", "core.field.wrong_type"));
  return std::nullopt;
}

std::optional<json> check_number(const Field& f, const json& v, std::vector<FieldError>& errors) {
  double x = 0;
  if (v.is_number()) {
    x = v.get<double>();
  } else if (v.is_string()) {
    const std::string s = trim(fold_fullwidth(v.get<std::string>()));
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    x = std::strtod(s.c_str(), &end);
    const bool plain = s.find_first_not_of("0123456789.-+") == std::string::npos;
    if (!plain || end != s.c_str() + s.size()) {
      errors.push_back(error(f, "number_invalid", "core.number.invalid"));
      return std::nullopt;
    }
  } else {
    errors.push_back(error(f, "wrong_type", "core.field.wrong_type"));
    return std::nullopt;
  }
  if (!std::isfinite(x)) {
    errors.push_back(error(f, "number_invalid", "core.number.invalid"));
    return std::nullopt;
  }
  if (f.integer && x != std::floor(x)) {
    errors.push_back(error(f, "number_not_integer", "core.number.not_integer"));
    return std::nullopt;
  }
  if (f.min && x < *f.min) {
    errors.push_back(error(f, "number_too_small", "core.number.too_small", {{"min", plain(fmt_num(*f.min))}}));
    return std::nullopt;
  }
  if (f.max && x > *f.max) {
    errors.push_back(error(f, "number_too_large", "core.number.too_large", {{"max", plain(fmt_num(*f.max))}}));
    return std::nullopt;
  }
  if ((f.integer || x == std::floor(x)) && std::fabs(x) < 9e15) return json(static_cast<int64_t>(x));
  return json(x);
}

// Lengths apply to what the worker typed, in characters (a Chinese character is one).
bool check_length(const Field& f, const std::string& s, std::vector<FieldError>& errors) {
  const auto n = utf8_length(s);
  if (!n) {
    errors.push_back(error(f, "text_invalid", "core.text.invalid"));
    return false;
  }
  if (f.min_length && *n < *f.min_length) {
    errors.push_back(error(f, "too_short", "core.text.too_short",
                           {{"min", plain(std::to_string(*f.min_length))}, {"count", plain(std::to_string(*n))}}));
    return false;
  }
  if (f.max_length && *n > *f.max_length) {
    errors.push_back(error(f, "too_long", "core.text.too_long",
                           {{"max", plain(std::to_string(*f.max_length))}, {"count", plain(std::to_string(*n))}}));
    return false;
  }
  return true;
}

std::optional<json> check_string_field(const Field& f, const std::string& raw, const RuleContext& ctx,
                                       std::vector<FieldError>& errors) {
  switch (f.type) {
    case FieldType::Text: {
      if (!utf8_length(raw) || has_control_chars(raw, /*allow_newline=*/true)) {
        errors.push_back(error(f, "text_invalid", "core.text.invalid"));
        return std::nullopt;
      }
      std::string s = trim(raw);
      if (!check_length(f, s, errors)) return std::nullopt;
      return json(s);
    }
    case FieldType::Name: {
      std::string name;
      switch (check_person_name(raw, &name)) {
        case NameProblem::None:
          break;
        case NameProblem::Empty:
          return std::nullopt;
        case NameProblem::TooLong:
          errors.push_back(error(f, "name_too_long", "core.name.too_long"));
          return std::nullopt;
        case NameProblem::MixedScripts:
          errors.push_back(error(f, "name_mixed", "core.name.mixed"));
          return std::nullopt;
        case NameProblem::Characters:
          errors.push_back(error(f, "name_invalid", "core.name.invalid"));
          return std::nullopt;
      }
      if (!check_length(f, name, errors)) return std::nullopt;
      return json(name);
    }
    case FieldType::Phone: {
      auto m = normalize_mobile(raw);
      if (!m) {
        errors.push_back(error(f, "phone_invalid", "core.phone.invalid"));
        return std::nullopt;
      }
      return json(*m);
    }
    case FieldType::IdNumber: {
      std::string id;
      for (char c : fold_fullwidth(raw))
        if (c != ' ' && c != '-') id += c;  // the UI groups digits for reading
      IdNumberInfo info;
      const auto n = utf8_length(id).value_or(0);
      switch (check_id_number(id, ctx.today, &info)) {
        case IdProblem::None:
          break;
        case IdProblem::Length:
          errors.push_back(error(f, "id_length", "core.id.length", {{"count", plain(std::to_string(n))}}));
          return std::nullopt;
        case IdProblem::Characters:
          errors.push_back(error(f, "id_characters", "core.id.characters"));
          return std::nullopt;
        case IdProblem::BirthDate:
          errors.push_back(error(f, "id_birth_date", "core.id.birth_date"));
          return std::nullopt;
        case IdProblem::FutureBirth:
          errors.push_back(error(f, "id_future_birth", "core.id.future_birth"));
          return std::nullopt;
        case IdProblem::Checksum:
          errors.push_back(error(f, "id_checksum", "core.id.checksum"));
          return std::nullopt;
      }
      if (id[17] == 'x') id[17] = 'X';
      return json(id);
    }
    case FieldType::Date: {
      const auto d = Date::parse(trim(fold_fullwidth(raw)));
      if (!d) {
        errors.push_back(error(f, "date_invalid", "core.date.invalid"));
        return std::nullopt;
      }
      if (auto lo = resolve_date(f.date_not_before, ctx.today); lo && *d < *lo) {
        errors.push_back(error(f, "date_too_early", "core.date.too_early", {{"date", plain(lo->iso())}}));
        return std::nullopt;
      }
      if (auto hi = resolve_date(f.date_not_after, ctx.today); hi && *d > *hi) {
        errors.push_back(error(f, "date_too_late", "core.date.too_late", {{"date", plain(hi->iso())}}));
        return std::nullopt;
      }
      return json(d->iso());
    }
    case FieldType::SingleChoice: {
      for (const auto& c : f.choices)
        if (c.id == raw) return json(raw);
      errors.push_back(error(f, "choice_invalid", "core.choice.invalid"));
      return std::nullopt;
    }
    case FieldType::MemberCard: {
      const std::string sub = trim(raw);
      if (!ctx.member) {
        errors.push_back(error(f, "member_card_unverified", "core.field.member_card_unverified"));
        return std::nullopt;
      }
      if (sub != ctx.member->sub) {
        errors.push_back(error(f, "member_card_mismatch", "core.field.member_card_mismatch"));
        return std::nullopt;
      }
      return json(sub);
    }
    default:
      return json(raw);  // picks: resolved by the service rules
  }
}

bool unanswered(const json* v) {
  if (!v || v->is_null()) return true;
  if (v->is_string()) return trim(v->get<std::string>()).empty();
  if (v->is_array()) return v->empty();
  return false;
}

}  // namespace

bool field_visible(const Field& f, const Answers& answers) {
  if (!f.show_if) return true;
  if (!answers.is_object()) return false;
  auto it = answers.find(f.show_if->field);
  if (it == answers.end()) return false;
  auto matches = [&](const json& v) {
    std::string s;
    if (v.is_string())
      s = v.get<std::string>();
    else if (v.is_boolean())
      s = v.get<bool>() ? "true" : "false";
    else if (v.is_number())
      s = v.dump();
    else
      return false;
    for (const auto& want : f.show_if->any_of)
      if (s == want) return true;
    return false;
  };
  if (it->is_array()) {
    for (const auto& v : *it)
      if (matches(v)) return true;
    return false;
  }
  return matches(*it);
}

std::optional<json> normalize_answer(const Service& s, const Field& f, const Answers& answers,
                                     const RuleContext& ctx, std::vector<FieldError>& errors) {
  (void)s;
  const json* v = nullptr;
  if (answers.is_object())
    if (auto it = answers.find(f.id); it != answers.end()) v = &*it;

  if (f.type == FieldType::Consent) {
    const bool given = v && ((v->is_boolean() && v->get<bool>()) || (v->is_string() && *v == "true"));
    if (v && !v->is_null() && !v->is_boolean() && !v->is_string()) {
      errors.push_back(error(f, "wrong_type", "core.field.wrong_type"));
      return std::nullopt;
    }
    if (!given) {
      if (f.required) errors.push_back(error(f, "consent_required", "core.field.consent_required"));
      return std::nullopt;
    }
    return json(true);
  }

  if (unanswered(v)) {
    if (!f.required) return std::nullopt;
    if (f.type == FieldType::MemberCard)
      errors.push_back(error(f, "member_card_required", "core.field.member_card_required"));
    else if (f.type == FieldType::SingleChoice || f.type == FieldType::MultiChoice || is_pick(f.type))
      errors.push_back(error(f, "required", "core.field.choose"));
    else
      errors.push_back(error(f, "required", "core.field.required"));
    return std::nullopt;
  }

  if (f.type == FieldType::Number) return check_number(f, *v, errors);

  if (f.type == FieldType::MultiChoice) {
    json::array_t picked;
    const json list = v->is_array() ? *v : json::array({*v});
    for (const auto& e : list) {
      bool ok = e.is_string();
      if (ok) {
        ok = false;
        for (const auto& c : f.choices) ok = ok || c.id == e.get<std::string>();
      }
      if (!ok) {
        errors.push_back(error(f, "choice_invalid", "core.choice.invalid"));
        return std::nullopt;
      }
      if (std::find(picked.begin(), picked.end(), e) == picked.end()) picked.push_back(e);
    }
    // Keep the content's order, so equal selections compare equal.
    json::array_t ordered;
    for (const auto& c : f.choices)
      if (std::find(picked.begin(), picked.end(), json(c.id)) != picked.end()) ordered.push_back(c.id);
    return json(ordered);
  }

  auto raw = string_answer(f, *v, errors);
  if (!raw) return std::nullopt;
  return check_string_field(f, *raw, ctx, errors);
}

std::vector<FieldError> validate_field(const Service& s, const Field& f, const Answers& answers,
                                       const RuleContext& ctx) {
  std::vector<FieldError> errors;
  if (!field_visible(f, answers)) return errors;
  auto value = normalize_answer(s, f, answers, ctx, errors);
  if (value && is_pick(f.type)) {
    // A pick is checked against content and capacity at once, so the pick
    // list can say "full" before the worker goes on.
    json one = json::object();
    one[f.id] = *value;
    for (auto& e : check_service_rules(s, one, ctx, nullptr))
      if (e.field == f.id) errors.push_back(std::move(e));
  }
  return errors;
}

std::vector<FieldError> validate_page(const Service& s, const Page& p, const Answers& answers,
                                      const RuleContext& ctx) {
  std::vector<FieldError> errors;
  json normalized = json::object();
  for (const auto& fid : p.fields) {
    const Field* f = s.field(fid);
    if (!f || !field_visible(*f, answers)) continue;
    auto more = validate_field(s, *f, answers, ctx);
    errors.insert(errors.end(), more.begin(), more.end());
  }
  if (!errors.empty()) return errors;
  // Cross-field rules (a child's age against the class, last period's
  // attendance) are reported as soon as their inputs are answered: on this
  // page when they concern its fields or an earlier page's, whose own check
  // could not see the answers given here.
  for (const auto& f : s.fields) {
    if (!field_visible(f, answers)) continue;
    std::vector<FieldError> ignored;
    if (auto v = normalize_answer(s, f, answers, ctx, ignored); v && ignored.empty()) normalized[f.id] = *v;
  }
  std::vector<std::string> asked;  // fields of this page and the pages before it
  for (const auto& page : s.pages) {
    asked.insert(asked.end(), page.fields.begin(), page.fields.end());
    if (page.id == p.id) break;
  }
  for (auto& e : check_service_rules(s, normalized, ctx, nullptr))
    if (std::find(asked.begin(), asked.end(), e.field) != asked.end()) errors.push_back(std::move(e));
  return errors;
}

std::optional<FieldError> unknown_answer_key(const Service& s, const Answers& answers) {
  if (!answers.is_object()) return std::nullopt;
  for (const auto& [key, value] : answers.items()) {
    (void)value;
    if (s.field(key)) continue;
    bool is_plain = !key.empty() && key.size() <= 64;
    for (unsigned char c : key)
      is_plain = is_plain && (std::isalnum(c) || c == '_' || c == '-' || c == '.');
    const std::string named = is_plain ? key : std::string();
    return FieldError{named, "unknown_field", trf("core.field.unknown", {{"key", plain(is_plain ? named : "?")}})};
  }
  return std::nullopt;
}

FormCheck check_request(const Service& s, const Answers& answers, const RuleContext& ctx) {
  FormCheck out;
  if (auto unknown = unknown_answer_key(s, answers)) {
    out.errors.push_back(std::move(*unknown));
    return out;
  }
  RequestPlan plan;
  plan.answers = json::object();
  for (const auto& f : s.fields) {
    if (!field_visible(f, answers)) continue;  // hidden answers are dropped, never stored
    if (auto v = normalize_answer(s, f, answers, ctx, out.errors)) plan.answers[f.id] = std::move(*v);
  }
  if (!out.errors.empty()) return out;
  out.errors = check_service_rules(s, plan.answers, ctx, &plan);
  if (out.errors.empty()) out.plan = std::move(plan);
  return out;
}

void prefill_from_card(const Service& s, const MemberIdentity& m, Answers& answers) {
  if (!answers.is_object()) answers = json::object();
  for (const auto& f : s.fields) {
    const std::string* value = f.prefill == "card.name" ? &m.name
                               : f.prefill == "card.sub" ? &m.sub
                               : f.prefill == "card.org" ? &m.org
                                                         : nullptr;
    if (!value || value->empty()) continue;
    auto it = answers.find(f.id);
    if (it == answers.end() || unanswered(&*it)) answers[f.id] = *value;
  }
}

}  // namespace kiosk
