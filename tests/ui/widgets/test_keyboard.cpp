// The on-screen keyboard driven the way a finger drives it: a headless ImGui
// context (fonts built, no renderer), clicks injected at the rectangles the
// keys report to automation.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <imgui.h>

#include <memory>
#include <optional>
#include <string>

#include "ui/text/fonts.hpp"
#include "ui/text/pinyin.hpp"
#include "ui/widgets/automation.hpp"
#include "ui/widgets/keyboard.hpp"

using namespace kiosk::ui;

namespace {

class Harness {
 public:
  explicit Harness(float width = 1920, float height = 1080) {
    ctx_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    io.DeltaTime = 1.0f / 60.0f;
    AtlasRequest req;
    add_ui_basics(req.body_glyphs);
    for (char32_t c : gb2312_level1()) req.body_glyphs.add(c);
    req.heading_glyphs = req.body_glyphs;
    static const std::string cache = "/tmp/kiosk-test-keyboard-atlas";
    build_font_atlas(*io.Fonts, req, cache);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(1));
    automation::set_enabled(true);
  }
  ~Harness() {
    automation::set_enabled(false);
    ImGui::DestroyContext(ctx_);
  }

  // One frame with the keyboard in a region like the screens give it.
  KeyboardResult frame() {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("screen", nullptr, ImGuiWindowFlags_NoDecoration);
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImGui::SetCursorScreenPos(ImVec2(16, ds.y - 480));
    ImGui::BeginChild("##kb", ImVec2(ds.x - 32, 460));
    KeyboardResult r{};
    if (draw) r = draw_keyboard(state, text, ime, scale, max_bytes, lang);
    ImGui::EndChild();
    ImGui::End();
    automation::end_frame("test");
    ImGui::Render();
    keyboard_frame_end(ime);
    result.changed |= r.changed;
    result.done |= r.done;
    return r;
  }

  std::optional<automation::Target> find(const std::string& id) {
    for (const auto& t : automation::targets())
      if (t.id == id) return t;
    return std::nullopt;
  }

  // Finger down on the key's centre, then up: the key acts on release.
  bool tap(const std::string& id) {
    frame();
    auto t = find(id);
    if (!t) return false;
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(t->x + t->w / 2, t->y + t->h / 2);
    frame();
    io.MouseDown[0] = true;
    frame();
    io.MouseDown[0] = false;
    frame();
    return true;
  }

  bool type(const std::string& keys) {
    for (char c : keys)
      if (!tap(std::string("kbd.key.") + c)) return false;
    return true;
  }

  // Taps the candidate `word`, paging forward until it shows.
  bool choose(const std::string& word) {
    for (int page = 0; page < 12; ++page) {
      frame();
      for (const auto& t : std::vector<automation::Target>(automation::targets()))
        if (t.id.rfind("kbd.cand.", 0) == 0 && t.label == word) return tap(t.id);
      if (!tap("kbd.cand.next")) return false;
    }
    return false;
  }

  KeyboardState state;
  std::string text;
  ImeEngine* ime = nullptr;
  float scale = 1.0f;
  size_t max_bytes = 256;
  kiosk::Lang lang = kiosk::Lang::Zh;
  bool draw = true;
  KeyboardResult result{};

 private:
  ImGuiContext* ctx_;
};

}  // namespace

TEST_CASE("phone pad: digits, delete, confirm, keys at least 60 px") {
  Harness h;
  h.state.layout = KeyboardLayout::Phone;
  h.frame();
  CHECK_FALSE(h.find("kbd.key.X"));
  for (const auto& t : automation::targets()) {
    CHECK(t.w >= 60);
    CHECK(t.h >= 60);
  }
  REQUIRE(h.type("13800138000"));
  CHECK(h.text == "13800138000");
  REQUIRE(h.tap("kbd.backspace"));
  CHECK(h.text == "1380013800");
  CHECK_FALSE(h.result.done);
  REQUIRE(h.tap("kbd.ok"));
  CHECK(h.result.done);
  CHECK(h.result.changed);
}

TEST_CASE("ID number pad has the X key") {
  Harness h;
  h.state.layout = KeyboardLayout::IdNumber;
  REQUIRE(h.type("11010519491231002X"));
  CHECK(h.text == "11010519491231002X");
}

TEST_CASE("number pad has a decimal point and respects max_bytes") {
  Harness h;
  h.state.layout = KeyboardLayout::Digits;
  h.max_bytes = 4;
  REQUIRE(h.type("12.57"));
  CHECK(h.text == "12.5");
}

TEST_CASE("letters: lower case, shift for one capital, space") {
  Harness h;
  h.state.layout = KeyboardLayout::Letters;
  h.state.pinyin_mode = false;
  REQUIRE(h.tap("kbd.shift"));
  REQUIRE(h.type("li"));
  REQUIRE(h.tap("kbd.space"));
  REQUIRE(h.tap("kbd.shift"));
  REQUIRE(h.type("lei"));
  CHECK(h.text == "Li Lei");
  CHECK_FALSE(h.find("kbd.cand.0"));
}

TEST_CASE("pinyin: 张伟 by taps alone, then delete is character-aware") {
  auto ime = GooglePinyinEngine::open(KIOSK_BINARY_DIR "/union-kiosk-pinyin");
  REQUIRE(ime);
  Harness h;
  h.ime = ime.get();
  REQUIRE(h.type("zhangwei"));
  CHECK(h.state.composing == "zhangwei");
  CHECK(h.text.empty());
  h.frame();
  REQUIRE(h.find("kbd.cand.0"));
  REQUIRE(h.choose("张伟"));
  CHECK(h.text == "张伟");
  CHECK(h.state.composing.empty());
  h.frame();
  CHECK_FALSE(h.find("kbd.cand.0"));
  // Delete removes one whole character, never half of its UTF-8 bytes.
  REQUIRE(h.tap("kbd.backspace"));
  CHECK(h.text == "张");
  // Backspace while composing edits the pinyin, not the text.
  REQUIRE(h.type("wx"));
  REQUIRE(h.tap("kbd.backspace"));
  CHECK(h.state.composing == "w");
  CHECK(h.text == "张");
}

TEST_CASE("pinyin: 长春市第一机床厂 by choosing pieces") {
  auto ime = GooglePinyinEngine::open(KIOSK_BINARY_DIR "/union-kiosk-pinyin");
  REQUIRE(ime);
  Harness h;
  h.ime = ime.get();
  REQUIRE(h.type("changchunshidiyijichuangchang"));
  REQUIRE(h.choose("长春市"));
  CHECK(h.text.empty());  // not complete yet
  CHECK(ime->fixed() == "长春市");
  REQUIRE(h.choose("第一"));
  REQUIRE(h.choose("机床"));
  REQUIRE(h.choose("厂"));
  CHECK(h.text == "长春市第一机床厂");
  CHECK(h.state.composing.empty());
}

TEST_CASE("pinyin: space takes the best candidate, mode key switches to letters") {
  auto ime = GooglePinyinEngine::open(KIOSK_BINARY_DIR "/union-kiosk-pinyin");
  REQUIRE(ime);
  Harness h;
  h.ime = ime.get();
  REQUIRE(h.type("gonghui"));
  REQUIRE(h.tap("kbd.space"));
  CHECK(h.text == "工会");
  REQUIRE(h.tap("kbd.mode"));
  CHECK_FALSE(h.state.pinyin_mode);
  REQUIRE(h.type("abc"));
  CHECK(h.text == "工会abc");
}

TEST_CASE("the engine forgets the composition once no keyboard is drawn") {
  auto ime = GooglePinyinEngine::open(KIOSK_BINARY_DIR "/union-kiosk-pinyin");
  REQUIRE(ime);
  Harness h;
  h.ime = ime.get();
  REQUIRE(h.type("zhang"));
  CHECK(!ime->composing().empty());
  h.state.clear();  // the session was wiped...
  h.draw = false;   // ...and the screen changed
  h.frame();
  CHECK(ime->composing().empty());
  CHECK(ime->candidates(0, 5).empty());
}

TEST_CASE("large text: keys grow to 1.5x and still fit") {
  Harness h;
  h.scale = 1.5f;
  h.state.layout = KeyboardLayout::Phone;
  h.frame();
  auto k = h.find("kbd.key.5");
  REQUIRE(k);
  CHECK(k->h >= 90);
  CHECK(keyboard_min_height(h.state, 1.5f) >= 4 * 90);
}
