// See ui_harness.hpp.
#include <algorithm>
#include "tests/ui/harness/ui_harness.hpp"

#include <doctest/doctest.h>

#include <random>

#include "imgui_internal.h"
#include "kiosk/card/issue.hpp"
#include "kiosk/base/date.hpp"
#include "kiosk/domain/id_hash.hpp"
#include "ui/text/fonts.hpp"
#include "ui/text/pinyin.hpp"
#include "ui/widgets/keyboard.hpp"

namespace kiosk::ui::test {
namespace {

long long g_unix = 0;
long long clock_now() { return g_unix; }

}  // namespace

long long fixed_unix() {
  return Date{2026, 11, 22}.days_since_epoch() * 86400LL + 2 * 3600;  // 10:00 UTC+8
}

Harness::Harness(HarnessOptions o) : opt_(o) {
  g_unix = fixed_unix() + opt_.days_later * 86400LL;
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() /
         ("kiosk-ui-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir_);
  ContentLoad load = load_embedded_content();
  REQUIRE_MESSAGE(load.bundle.has_value(), "embedded content does not load");
  content_ = std::move(*load.bundle);
  if (opt_.edit_content) opt_.edit_content(content_);
  StoreOptions so;
  local_box_ = *make_box_keypair();
  so.local_box = local_box_;  // answers sealed, as on a kiosk not enrolled yet
  auto st = RequestStore::open((dir_ / "requests.db").string(), so);
  REQUIRE(st.ok());
  store_ = std::move(st.value());

  ctx_ = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.LogFilename = nullptr;
  io.DisplaySize = ImVec2(opt_.width, opt_.height);
  io.DeltaTime = 1.0f / 60.0f;
  build_fonts(opt_.large_text_start ? 1.5f : 1.0f);

  if (opt_.with_ime) {
    auto engine = GooglePinyinEngine::open(KIOSK_BINARY_DIR "/union-kiosk-pinyin");
    REQUIRE_MESSAGE(engine, "the pinyin decoder did not start (build union-kiosk-pinyin)");
    if (engine) {
      // As the platform does: only candidates the atlas can draw.
      engine->set_displayable([](const std::string& s) {
        ImFont* f = ImGui::GetIO().Fonts->Fonts[0];
        const char* p = s.data();
        const char* end = p + s.size();
        while (p < end) {
          unsigned c = 0;
          int n = ImTextCharFromUtf8(&c, p, end);
          if (n <= 0) return false;
          if (!f->FindGlyphNoFallback(static_cast<ImWchar>(c))) return false;
          p += n;
        }
        return true;
      });
      ime_ = std::move(engine);
    }
  }

  AppDeps deps;
  deps.store = store_.get();
  deps.content = &content_;
  deps.ime = ime_.get();
  deps.data_dir = dir_.string();
  deps.idle_timeout_s = opt_.idle_timeout_s;
  deps.idle_countdown_s = opt_.idle_countdown_s;
  deps.start_lang = opt_.lang;
  deps.large_text = opt_.large_text_start;
  deps.hub_configured = opt_.hub_configured;
  deps.demo = opt_.demo;
  deps.id_hash_key = opt_.demo ? std::string(kiosk::kDemoIdHashKey) : std::string();  // as the shell's Install does
  deps.now_unix = &clock_now;
  app_ = std::make_unique<KioskApp>(std::move(deps));
  automation::set_enabled(true);
  set_text_capture(&drawn_);
  frame();
}

Harness::~Harness() {
  set_text_capture(nullptr);
  app_.reset();
  ime_.reset();
  ImGui::DestroyContext(ctx_);
  store_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void Harness::build_fonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  AtlasRequest req = kiosk_atlas_request(scale, GlyphSet{}, false);
  const std::string cache = std::string(KIOSK_BINARY_DIR) + "/test-cache/atlas";
  std::filesystem::create_directories(cache);
  AtlasReport rep = build_font_atlas(*io.Fonts, req, cache);
  REQUIRE_MESSAGE(rep.fonts_found, "Noto Sans CJK not found (fonts-noto-cjk)");
  font_scale_ = scale;
}

void Harness::frame() {
  if (app_ && app_->text_scale() != font_scale_) build_fonts(app_->text_scale());
  drawn_.clear();
  ImGuiIO& io = ImGui::GetIO();
  io.DeltaTime = 1.0f / 60.0f;
  ImGui::NewFrame();
  app_->frame(now_);
  ImGui::Render();
  keyboard_frame_end(ime_.get());
}

void Harness::draw_only(const std::function<void()>& draw) {
  drawn_.clear();
  ImGuiIO& io = ImGui::GetIO();
  io.DeltaTime = 1.0f / 60.0f;
  ImGui::NewFrame();
  draw();
  ImGui::Render();
}

void Harness::settle() {
  now_ += 0.5;
  frame();
}

void Harness::advance(double seconds) {
  now_ += seconds;
  frame();
}

const automation::Target* Harness::target(const std::string& id) const {
  for (const auto& t : automation::targets())
    if (t.id == id) return &t;
  return nullptr;
}

bool Harness::has(const std::string& id) const { return target(id) != nullptr; }

void Harness::leave_to_home() {
  tap("nav.home");
  if (screen() == "leave_confirm") tap("leave.confirm");
}

void Harness::tap_at(float x, float y) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(x, y);
  io.MouseDown[0] = true;
  app_->on_user_input(now_);
  frame();
  now_ += 0.05;
  io.MouseDown[0] = false;
  app_->on_user_input(now_);
  frame();
  now_ += 0.05;
  frame();
}

void Harness::drag(const std::string& id, float dx, float dy) {
  now_ += 0.5;
  frame();
  const automation::Target* t = target(id);
  REQUIRE_MESSAGE(t != nullptr, "no target '" << id << "' on screen " << screen());
  const ImVec2 from(t->x + t->w * 0.5f, t->y + t->h * 0.5f);
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = from;
  io.MouseDown[0] = true;
  app_->on_user_input(now_);
  frame();
  for (int i = 1; i <= 6; ++i) {
    now_ += 0.03;
    io.MousePos = ImVec2(from.x + dx * i / 6.0f, from.y + dy * i / 6.0f);
    app_->on_user_input(now_);
    frame();
  }
  io.MouseDown[0] = false;
  app_->on_user_input(now_);
  frame();
  now_ += 0.05;
  frame();
}

void Harness::tap(const std::string& id) {
  // A person's pace: the screen has settled before the next tap.
  now_ += 0.5;
  frame();
  // Below or above the fold: use the page's "down" / "up" buttons, as a
  // worker would.
  for (int i = 0; i < 12 && !target(id) && has("form.scroll.down"); ++i) {
    const automation::Target* d = target("form.scroll.down");
    tap_at(d->x + d->w * 0.5f, d->y + d->h * 0.5f);
    now_ += 0.5;
    frame();
  }
  for (int i = 0; i < 12 && !target(id) && has("form.scroll.up"); ++i) {
    const automation::Target* u = target("form.scroll.up");
    tap_at(u->x + u->w * 0.5f, u->y + u->h * 0.5f);
    now_ += 0.5;
    frame();
  }
  const automation::Target* t = target(id);
  REQUIRE_MESSAGE(t != nullptr, "no target '" << id << "' on screen " << screen());
  const float x = t->x + t->w * 0.5f, y = t->y + t->h * 0.5f;
  REQUIRE_MESSAGE((x >= 0 && y >= 0 && x < opt_.width && y < opt_.height),
                  "target '" << id << "' is off screen");
  tap_at(x, y);
}

void Harness::type_keys(const std::string& keys) {
  now_ += 0.5;  // the screen has settled (new screens ignore taps at first)
  frame();
  for (char c : keys) {
    const automation::Target* t = target(std::string("kbd.key.") + c);
    if (!t) frame();
    t = target(std::string("kbd.key.") + c);
    REQUIRE_MESSAGE(t != nullptr, "no key '" << c << "' on screen " << screen());
    tap_at(t->x + t->w * 0.5f, t->y + t->h * 0.5f);
  }
}

void Harness::type_pinyin(const std::string& pinyin, const std::string& hanzi) {
  type_keys(pinyin);
  now_ += 0.5;
  frame();
  std::string id;
  for (const auto& t : automation::targets())
    if (t.id.rfind("kbd.cand.", 0) == 0 && t.label == hanzi) id = t.id;
  REQUIRE_MESSAGE(!id.empty(), "no candidate " << hanzi << " for " << pinyin);
  tap(id);
}

bool Harness::drew(const std::string& needle) const {
  for (const auto& d : drawn_)
    if (d.text.find(needle) != std::string::npos) return true;
  return false;
}

std::vector<std::string> Harness::missing_glyphs() const {
  std::vector<std::string> out;
  for (const auto& d : drawn_) {
    if (!d.font) continue;
    const char* p = d.text.data();
    const char* end = p + d.text.size();
    while (p < end) {
      unsigned c = 0;
      int n = ImTextCharFromUtf8(&c, p, end);
      if (n <= 0) break;
      if (c != '\n' && c != ' ' && !d.font->FindGlyphNoFallback(static_cast<ImWchar>(c)))
        out.push_back(std::string(p, p + n) + " in \"" + d.text + "\"");
      p += n;
    }
  }
  return out;
}

std::optional<nlohmann::json> Harness::open_answers(const RequestRecord& r) const {
  if (r.answers_sealed.empty()) return std::nullopt;
  auto plain = open_box(local_box_, r.answers_sealed);
  if (!plain) return std::nullopt;
  auto j = nlohmann::json::parse(*plain, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::string demo_card(const std::string& name, const std::string& sub, long long exp_offset_s) {
  std::array<uint8_t, 32> seed{};
  seed.fill(0x11);
  auto key = card::issuer_key_from_seed("demo-2026", seed);
  REQUIRE(key.ok());
  card::MemberCardClaims c;
  c.iss = "CN-22-01";
  c.sub = sub;
  c.name = name;
  c.org = "长春市第一机床厂工会";
  c.exp = fixed_unix() + exp_offset_s;
  // Issued before it expires (spec 1.1: iat after exp is malformed).
  c.iat = std::min<long long>(fixed_unix() - 3600, c.exp - 86400);
  auto text = card::issue_member_card(c, *key);
  REQUIRE(text.ok());
  return *text;
}

}  // namespace kiosk::ui::test
