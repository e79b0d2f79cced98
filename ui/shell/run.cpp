// run_touch_ui: wires the core, the scanner, the sync thread, the fonts and
// the pinyin engine to KioskApp inside the SDL/GL window, and runs the
// event loop. The loop sleeps in SDL_WaitEvent while nothing changes: after
// an event it draws a few frames (ImGui needs two or three to settle), then
// none at all until the next event, timer or message from a worker thread.
#include <imgui.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "kiosk/base/clock.hpp"
#include "kiosk/base/exit_codes.hpp"
#include "kiosk/base/failure_output.hpp"
#include "kiosk/base/log.hpp"
#include "kiosk/base/strings.hpp"
#include "kiosk/install/install.hpp"
#include "kiosk/store/store.hpp"
#include "kiosk/store/submit.hpp"
#include "ui/app/app.hpp"
#include "ui/platform/frame_stats.hpp"
#include "ui/platform/style.hpp"
#include "ui/platform/window.hpp"
#include "ui/screens/fault_screen.hpp"
#include "ui/shell/options.hpp"
#include "ui/shell/peripherals.hpp"
#include "ui/shell/run.hpp"
#include "ui/text/fonts.hpp"
#include "ui/text/pinyin.hpp"
#include "ui/widgets/automation.hpp"
#include "ui/widgets/keyboard.hpp"

namespace kiosk::ui {

namespace {

// Frames drawn after anything happens: ImGui settles layout and hover/active
// state over two or three frames.
constexpr int kSettleFrames = 3;
// While something moves (countdown, camera preview) the loop polls at most this often.
constexpr double kAnimationStepS = 1.0 / 30.0;

double unix_s() { return static_cast<double>(unix_now_ms()) / 1000.0; }

// The fonts and style for a UI scale, rebuilt when large text is switched.
struct FontState {
  float scale = 0;
  bool high_contrast = false;
  bool styled = false;
  GlyphSet body_glyphs;
};

void build_fonts(PlatformWindow& window, FontState& fs, float scale, const GlyphSet& extra,
                 const UiOptions& opt, const std::string& cache_dir) {
  AtlasRequest req = kiosk_atlas_request(scale, extra, opt.gb2312_level2);
  AtlasReport rep = build_font_atlas(*ImGui::GetIO().Fonts, req, opt.atlas_cache ? cache_dir : "");
  window.upload_font_atlas(*ImGui::GetIO().Fonts);
  fs.scale = scale;
  fs.body_glyphs = req.body_glyphs;
  log::event(rep.fonts_found ? log::Level::Info : log::Level::Error, "ui", "font atlas",
             {{"from_cache", rep.from_cache ? "yes" : "no"},
              {"ms", static_cast<int64_t>(rep.build_ms)},
              {"glyphs", rep.glyphs},
              {"width", rep.tex_width},
              {"height", rep.tex_height},
              {"note", rep.note}});
}

class LoopSink final : public InputSink {
 public:
  LoopSink(KioskApp* app, Peripherals& peripherals) : app_(app), peripherals_(peripherals) {}
  void on_user_input() override {
    input = true;
    if (app_) app_->on_user_input(monotonic_s());
  }
  void on_text(const char* utf8) override { peripherals_.feed_text(utf8, monotonic_s()); }
  void on_enter() override { peripherals_.feed_enter(monotonic_s()); }
  void on_quit() override { quit = true; }
  void on_display_changed() override { input = true; }
  bool input = false;
  bool quit = false;

 private:
  KioskApp* app_;
  Peripherals& peripherals_;
};

}  // namespace

int run_touch_ui(const std::string& data_dir, const UiOptions& opt) {
  const double t_start = monotonic_s();
  // Start-up phases, logged once with the first frame (ms since main).
  auto since = [&] { return static_cast<int64_t>((monotonic_s() - t_start) * 1000.0); };
  int64_t ms_content = 0, ms_store = 0, ms_window = 0, ms_fonts = 0, ms_ime = 0, ms_app = 0;

  auto opened = Install::open(data_dir);
  if (!opened) {
    // A bad config file must not stop the kiosk: defaults, and say which key.
    log::event(log::Level::Error, "ui", "config rejected, using defaults",
               {{"code", opened.error().name()}, {"field", opened.error().field}});
  }
  const Install install = opened ? std::move(*opened) : Install::defaults(data_dir);
  if (auto st = install.ensure_dir(); !st)
    log::event(log::Level::Error, "ui", "data dir unusable", {{"detail", st.error().detail}});
  const DataDir& dd = install.dir();

  KioskConfig config = install.config();
  if (opt.idle_timeout_s) config.idle_timeout_s = *opt.idle_timeout_s;
  if (opt.idle_countdown_s) config.idle_countdown_s = *opt.idle_countdown_s;
  if (!opt.scan_source.empty()) config.scan_source = opt.scan_source;

  auto active = install.active_content();
  if (!active) {
    log::event(log::Level::Error, "ui", "no content", {{"code", active.error().name()}});
    return print_failure(std::cout, std::cerr, false, active.error(), kExitCannotWork);
  }
  ms_content = since();
  log::event(log::Level::Info, "ui", "content",
             {{"source", active->source}, {"version", active->bundle.version}});
  if (!active->rejected.empty())
    log::event(log::Level::Warn, "ui", "pushed content rejected, using embedded",
               {{"problems", static_cast<int>(active->rejected.size())}});
  // Trust the installer's extra card keys too.
  for (const auto& k : config.extra_trusted_keys) active->bundle.trusted_keys.push_back(k);
  for (const auto& m : config.extra_revoked_members) active->bundle.revoked_members.push_back(m);

  auto store = install.open_store();
  std::optional<Error> store_error;
  if (store) {
    // What the heartbeat reports as shown, without loading the bundle again.
    (void)(*store)->set_setting(kSettingContentVersion, active->bundle.version);
  } else {
    store_error = store.error();
    log::event(log::Level::Error, "ui", "request store unusable",
               {{"code", store.error().name()}, {"detail", store.error().detail}});
  }

  ms_store = since();
  WindowOptions wo;
  wo.windowed = opt.windowed;
  wo.width = opt.width;
  wo.height = opt.height;
  std::string werr;
  auto window = PlatformWindow::open(wo, &werr);
  if (!window) {
    log::event(log::Level::Error, "ui", "no display", {{"detail", werr}});
    return print_failure(std::cout, std::cerr, false,
                         Error{ErrorKind::NoDisplay, fill(tr("platform.no_display"), {{"detail", werr}}), "", werr},
                         kExitCannotWork);
  }
  ms_window = since();
  log::event(log::Level::Info, "ui", "window",
             {{"width", window->width()}, {"height", window->height()},
              {"kiosk", window->kiosk() ? "yes" : "no"},
              {"window_manager", window->window_manager() ? "yes" : "no"},
              {"gl", window->gl_renderer()}});
  if (!opt.automation_file.empty()) automation::set_enabled(true);

  // Characters beyond the embedded tables: a pushed bundle and the kiosk's name.
  GlyphSet extra;
  if (active->source == "data-dir") add_directory_text(extra, dd.content_dir());
  extra.add_utf8(config.kiosk_name);
  const std::string cache_dir = install.root() + "/cache";
  FontState fonts;
  build_fonts(*window, fonts, opt.large_text ? 1.5f : 1.0f, extra, opt, cache_dir);

  ms_fonts = since();
  std::unique_ptr<GooglePinyinEngine> ime = GooglePinyinEngine::open();
  if (ime) {
    // Only candidates the atlas can draw; the set is copied so a rebuild at
    // another scale (same glyphs) never leaves a dangling reference.
    ime->set_displayable([glyphs = fonts.body_glyphs](const std::string& s) {
      return glyphs.contains_all_utf8(s);
    });
  } else {
    log::event(log::Level::Error, "ui", "pinyin engine unavailable");
  }

  ms_ime = since();
  std::unique_ptr<KioskApp> app;
  if (store) {
    AppDeps deps;
    deps.store = store->get();
    deps.content = &active->bundle;
    deps.ime = ime.get();
    deps.data_dir = install.root();
    deps.idle_timeout_s = config.idle_timeout_s;
    deps.idle_countdown_s = config.idle_countdown_s;
    deps.start_lang = opt.lang.value_or(Lang::Zh);
    deps.large_text = opt.large_text;
    deps.hub_configured = !config.hub_url.empty();
    deps.demo = opt.demo || config.demo;
    if (deps.demo) log::event(log::Level::Warn, "ui", "demo mode: demo card keys are trusted");
    deps.id_hash_key = install.id_hash_key(deps.demo);
    app = std::make_unique<KioskApp>(std::move(deps));
  }

  Peripherals peripherals(install, config.scan_source, store ? true : false);
  ms_app = since();
  FrameStats stats(opt.stats_file);
  LoopSink sink(app.get(), peripherals);
  int settle = kSettleFrames;
  bool first_frame = true;
  std::unique_ptr<AtlasPrewarm> prewarm;

  while (!sink.quit) {
    double now = monotonic_s();
    // How long nothing needs doing: zero while frames are settling.
    double timeout = -1;
    auto until = [&](double t_abs) {
      double dt = std::max(0.0, t_abs - now);
      if (timeout < 0 || dt < timeout) timeout = dt;
    };
    if (settle > 0) {
      timeout = 0;
    } else {
      if (app && app->animating(now)) until(now + kAnimationStepS);
      if (app) {
        if (auto w = app->next_wakeup_s(now)) until(*w);
      }
      if (auto w = peripherals.next_wakeup_s(now)) until(*w);
    }
    sink.input = false;
    int events = window->pump(timeout, sink);
    if (sink.quit) break;
    if (events > 0 || timeout != 0) stats.wakeup();
    now = monotonic_s();
    if (sink.input) settle = kSettleFrames;

    if (app && peripherals.deliver(*app, *window, now)) settle = std::max(settle, kSettleFrames);
    if (app && app->animating(now)) settle = std::max(settle, 1);
    if (app) {
      if (auto w = app->next_wakeup_s(now); w && *w <= now) settle = std::max(settle, 1);
    }
    if (settle == 0) continue;

    // Large text or contrast switched in the last frame: fonts and style follow.
    const float want_scale = app ? app->text_scale() : 1.0f;
    const bool want_hc = app ? app->high_contrast() : false;
    if (want_scale != fonts.scale) {
      build_fonts(*window, fonts, want_scale, extra, opt, cache_dir);
      fonts.styled = false;
    }
    if (!fonts.styled || want_hc != fonts.high_contrast) {
      apply_platform_style(want_scale, want_hc);
      fonts.high_contrast = want_hc;
      fonts.styled = true;
    }

    const double t0 = monotonic_s();
    window->begin_frame();
    if (app) {
      app->frame(now);
    } else {
      // The body names the actual fault: a damaged file, a full disk or a
      // read-only one call for different help from the technician.
      const std::string code = store_error ? store_error->name() : "store";
      const std::optional<ErrorKind> kind = store_error ? std::optional(store_error->kind) : std::nullopt;
      const char* body = kind == ErrorKind::DiskFull       ? "platform.store_fault.disk_full"
                         : kind == ErrorKind::ReadOnly     ? "platform.store_fault.read_only"
                         : kind == ErrorKind::StoreDamaged ? "platform.store_damaged.body"
                                                           : "platform.store_fault.other";
      draw_fault_screen("platform.store_damaged.title", body, code);
    }
    const double t_ui = monotonic_s();
    window->end_frame();
    keyboard_frame_end(ime.get());
    const double t1 = monotonic_s();
    stats.frame((t1 - t0) * 1000.0, t1);
    stats.ui_part((t_ui - t0) * 1000.0);
    --settle;
    if (!opt.automation_file.empty()) automation::write_json_if_changed(opt.automation_file);
    if (first_frame) {
      first_frame = false;
      stats.first_frame_swapped(unix_s(), ms_since_process_start());
      std::fprintf(stderr, "union-kiosk: first frame at %.6f (%.1f ms after main, %.1f ms after exec)\n",
                   unix_s(), (t1 - t_start) * 1000.0, ms_since_process_start());
      stats.flush();
      log::event(log::Level::Info, "ui", "start-up ms",
                 {{"content", ms_content}, {"store", ms_store}, {"window", ms_window},
                  {"fonts", ms_fonts}, {"ime", ms_ime}, {"app", ms_app},
                  {"first_frame", since()}});
      if (opt.exit_after_first_frame) break;
      peripherals.start_sync();
      // Large text is one tap away on the home screen: have its atlas ready.
      if (opt.atlas_cache) {
        AtlasRequest other = kiosk_atlas_request(fonts.scale == 1.0f ? 1.5f : 1.0f, extra,
                                                 opt.gb2312_level2);
        prewarm = std::make_unique<AtlasPrewarm>(other, cache_dir);
      }
    }
    if (settle == 0) stats.flush();  // the burst ended: the kiosk goes quiet
  }
  stats.flush();
  prewarm.reset();  // waits for a build under way (it allocates through ImGui)
  log::event(log::Level::Info, "ui", "stopped", {{"frames", static_cast<int64_t>(stats.frames())}});
  return kExitOk;
}

}  // namespace kiosk::ui
