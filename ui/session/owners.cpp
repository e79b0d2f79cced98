// The session's small owners: editing, card gate, request lookup, idle timer.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "ui/session/card_gate.hpp"
#include "ui/session/editing.hpp"
#include "ui/session/idle_timer.hpp"
#include "ui/session/request_lookup.hpp"
#include "ui/session/session.hpp"

namespace kiosk::ui {

// --- Editing ---

std::string* Editing::text() {
  if (field.empty()) return nullptr;
  return &scratch[field];
}

const std::string* Editing::text() const {
  if (field.empty()) return nullptr;
  auto it = scratch.find(field);
  return it == scratch.end() ? nullptr : &it->second;
}

void Editing::begin(const std::string& field_id, const std::string& initial,
                    KeyboardLayout layout) {
  end();
  field = field_id;
  if (!scratch.count(field_id)) scratch[field_id] = initial;
  keyboard.layout = layout;
  keyboard.pinyin_mode = layout == KeyboardLayout::Pinyin;
}

void Editing::end() {
  ui::scrub(keyboard.composing);
  keyboard.clear();
  field.clear();
}

void Editing::scrub() {
  for (auto& [id, text] : scratch) ui::scrub(text);
  scratch.clear();
  end();
  keyboard = KeyboardState{};
}

// --- CardGate ---

void CardGate::ask(const std::string& service) {
  then_service = service;
  message = Text{};
  verdict.clear();
}

void CardGate::accept(const MemberIdentity& m, const std::string& verdict_code) {
  forget_identity();
  member = m;
  message = Text{};
  verdict = verdict_code;
}

void CardGate::refuse(const std::string& verdict_code, const Text& why) {
  verdict = verdict_code;
  message = why;
}

void CardGate::forget_identity() {
  if (member) {
    ui::scrub_member(*member);
  }
  member.reset();
}

void CardGate::scrub() {
  forget_identity();
  message = Text{};
  verdict.clear();
  then_service.clear();
}

// --- RequestLookup ---

void RequestLookup::forget_result() {
  ui::scrub(result.ticket);
  ui::scrub(result.staff_note);
  result = CheckResult{};
}

void RequestLookup::restart() {
  ui::scrub(input);
  forget_result();
}

void RequestLookup::scrub() { restart(); }

std::string normalise_ticket(std::string_view typed) {
  std::string key;
  for (char c : typed) {
    if (c == ' ') continue;
    key.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (key.find('-') != std::string::npos) return key;
  size_t letters = 0;
  while (letters < key.size() && key[letters] >= 'A' && key[letters] <= 'Z') ++letters;
  if (letters > 0 && letters < key.size()) key = key.substr(0, letters) + "-" + key.substr(letters);
  return key;
}

// --- IdleTimer ---

IdleTimer::Step IdleTimer::step(double now, int timeout_s, int countdown_s, bool timing,
                                bool personal) const {
  if (prompting) return now - prompt_since_s >= countdown_s ? Step::Wipe : Step::None;
  if (!timing || now - last_input_s < timeout_s) return Step::None;
  // Nothing personal on screen: straight back to the notices.
  return personal ? Step::Prompt : Step::Wipe;
}

void IdleTimer::prompt(double now) {
  prompting = true;
  prompt_since_s = now;
}

void IdleTimer::dismiss(double now) {
  prompting = false;
  last_input_s = now;
}

int IdleTimer::seconds_left(double now, int countdown_s) const {
  return std::max(0, static_cast<int>(std::ceil(countdown_s - (now - prompt_since_s))));
}

std::optional<double> IdleTimer::next_change(double now, int timeout_s, int countdown_s,
                                             bool timing) const {
  if (prompting) {
    const double since = now - prompt_since_s;
    return std::min(prompt_since_s + std::floor(since) + 1.0, prompt_since_s + countdown_s);
  }
  if (!timing) return std::nullopt;
  return last_input_s + timeout_s;
}

}  // namespace kiosk::ui
