#include "ui/shell/options.hpp"

#include "kiosk/base/strings.hpp"

namespace kiosk::ui {

namespace {

Error bad(const std::string& what) {
  const Text& t = tr("platform.bad_option");
  return Error{ErrorKind::BadOption, {t.zh + what, t.en + what}, "", what};
}

}  // namespace

const std::vector<std::string_view> kUiValueOptions = {
    "--windowed", "--lang", "--scan-source", "--automation-file", "--stats-file", "--idle-timeout",
    "--idle-countdown"};
const std::vector<std::string_view> kUiFlags = {"--large-text",      "--demo",           "--no-gb2312-level2",
                                                "--no-atlas-cache", "--exit-after-first-frame"};

Expected<UiOptions> parse_ui_options(const Args& a) {
  UiOptions o;
  if (a.has("--windowed")) {
    const std::string v = a.get("--windowed");
    const size_t x = v.find('x');
    auto w = x == std::string::npos ? std::nullopt : parse_number(std::string_view(v).substr(0, x), 200, 16384);
    auto h = x == std::string::npos ? std::nullopt : parse_number(std::string_view(v).substr(x + 1), 200, 16384);
    if (!w || !h) return bad("--windowed " + v);
    o.windowed = true;
    o.width = static_cast<int>(*w);
    o.height = static_cast<int>(*h);
  }
  if (a.has("--lang")) {
    const std::string v = a.get("--lang");
    if (v != "zh" && v != "en") return bad("--lang zh|en");
    o.lang = v == "zh" ? Lang::Zh : Lang::En;
  }
  o.large_text = a.has("--large-text");
  o.demo = a.has("--demo");
  o.scan_source = a.get("--scan-source");
  if (a.has("--scan-source") && o.scan_source.empty()) return bad("--scan-source SRC");
  o.automation_file = a.get("--automation-file");
  if (a.has("--automation-file") && o.automation_file.empty()) return bad("--automation-file PATH");
  o.stats_file = a.get("--stats-file");
  if (a.has("--stats-file") && o.stats_file.empty()) return bad("--stats-file PATH");
  int s = 0;
  if (!a.number("--idle-timeout", 1, 86400, s)) return bad("--idle-timeout S (1..86400)");
  if (a.has("--idle-timeout")) o.idle_timeout_s = s;
  if (!a.number("--idle-countdown", 1, 3600, s)) return bad("--idle-countdown S (1..3600)");
  if (a.has("--idle-countdown")) o.idle_countdown_s = s;
  o.gb2312_level2 = !a.has("--no-gb2312-level2");
  o.atlas_cache = !a.has("--no-atlas-cache");
  o.exit_after_first_frame = a.has("--exit-after-first-frame");
  return o;
}

Expected<UiOptions> parse_ui_options(const std::vector<std::string>& args) {
  const Args a(args, kUiValueOptions, kUiFlags, 0, false);
  if (!a.bad.empty()) return bad(a.bad);
  return parse_ui_options(a);
}

}  // namespace kiosk::ui
