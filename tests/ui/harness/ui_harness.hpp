// Headless ImGui for the kiosk's screens: an ImGui context with no window
// and no renderer (as imgui's example_null), the real fonts (cached atlas),
// the real pinyin engine, content, request store and KioskApp. Taps go in
// as mouse events at the rectangles the widgets report to automation.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>
#include <functional>
#include <string>
#include <vector>

#include "imgui.h"
#include "kiosk/domain/content.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/store/seal.hpp"
#include "kiosk/store/store.hpp"
#include "ui/app/app.hpp"
#include "ui/session/session.hpp"
#include "ui/widgets/automation.hpp"
#include "ui/widgets/widgets.hpp"

namespace kiosk::ui::test {

// 2026-11-22 10:00 China Standard Time: the embedded content's slots,
// events and childcare signup are in the future then.
long long fixed_unix();

struct HarnessOptions {
  float width = 1920, height = 1080;
  Lang lang = Lang::Zh;
  int idle_timeout_s = 60;
  int idle_countdown_s = 15;
  bool hub_configured = false;
  // Demo mode, as `scripts/dev.sh run` starts the kiosk: the harness's cards
  // are signed with the card spec's demo key (demo_card below).
  bool demo = true;
  bool with_ime = true;
  bool large_text_start = false;
  // The clock starts this many days after fixed_unix() (content that has
  // aged: slots and events in the past).
  int days_later = 0;
  // Changes made to the embedded content before the kiosk starts on it.
  std::function<void(ContentBundle&)> edit_content;
};

class Harness {
 public:
  explicit Harness(HarnessOptions o = {});
  ~Harness();

  // One frame at the current time (fonts rebuilt first if the app asks for
  // another scale, as the platform does).
  void frame();
  // One frame that draws `draw` instead of the app (a screen the app shows
  // only in a state a test cannot reach in-process, such as a store fault).
  void draw_only(const std::function<void()>& draw);
  // Frames until the arming delay after a screen change has passed.
  void settle();
  void advance(double seconds);  // moves the clock, then draws a frame

  bool has(const std::string& id) const;
  const automation::Target* target(const std::string& id) const;
  // Tap the centre of target `id` (down one frame, up the next); fails the
  // test if the target is not on screen.
  void tap(const std::string& id);
  // Home from a service: taps nav.home and, when the kiosk asks whether to
  // discard what was entered, says yes.
  void leave_to_home();
  void tap_at(float x, float y);
  // A finger down on target `id`, moved by (dx, dy) over a few frames, then
  // lifted where it ended.
  void drag(const std::string& id, float dx, float dy);
  std::string screen() const { return automation::screen(); }

  // Type on the on-screen keyboard: ASCII characters tap kbd.key.<c>.
  void type_keys(const std::string& keys);
  // Type pinyin and choose the candidate with this text (e.g. "张伟").
  void type_pinyin(const std::string& pinyin, const std::string& hanzi);

  // Every text the widgets drew in the last frame.
  const std::vector<DrawnText>& drawn() const { return drawn_; }
  bool drew(const std::string& needle) const;
  // Characters of drawn text that the font they were drawn in lacks.
  std::vector<std::string> missing_glyphs() const;

  KioskApp& app() { return *app_; }
  const Session& session() const { return app_->session(); }
  RequestStore& store() { return *store_; }
  // A stored request's answers, opened with the kiosk's own box key (the
  // harness kiosk is not enrolled): what the hub would read. nullopt when
  // the row holds none or they do not open.
  std::optional<nlohmann::json> open_answers(const RequestRecord& r) const;
  const ContentBundle& content() const { return content_; }
  const std::filesystem::path& dir() const { return dir_; }
  double now() const { return now_; }

 private:
  void build_fonts(float scale);

  HarnessOptions opt_;
  std::filesystem::path dir_;
  ContentBundle content_;
  std::unique_ptr<RequestStore> store_;
  BoxKeyPair local_box_;
  std::unique_ptr<ImeEngine> ime_;
  std::unique_ptr<KioskApp> app_;
  ImGuiContext* ctx_ = nullptr;
  float font_scale_ = 0;
  double now_ = 100.0;
  std::vector<DrawnText> drawn_;
};

// A member card signed with the spec's demo key (trusted by the embedded content).
std::string demo_card(const std::string& name, const std::string& sub, long long exp_offset_s = 86400 * 365);

}  // namespace kiosk::ui::test
