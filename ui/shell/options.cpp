#include "ui/shell/options.hpp"

#include <algorithm>
#include <cstdio>

#include "kiosk/base/strings.hpp"

namespace kiosk::ui {

namespace {

Error bad(const std::string& what) {
  const Text& t = tr("platform.bad_option");
  return Error{ErrorKind::BadOption, {t.zh + what, t.en + what}, "", what};
}

bool parse_int(const std::string& s, int lo, int hi, int* out) {
  if (s.empty() || s.size() > 9) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

}  // namespace

Expected<UiOptions> parse_ui_options(const std::vector<std::string>& args) {
  UiOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    bool has_inline = false;
    if (a.rfind("--", 0) == 0) {
      size_t eq = a.find('=');
      if (eq != std::string::npos) {
        value = a.substr(eq + 1);
        a = a.substr(0, eq);
        has_inline = true;
      }
    }
    auto need = [&](std::string* out) {
      if (has_inline) { *out = value; return true; }
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };
    std::string v;
    if (a == "--windowed") {
      if (!need(&v)) return bad("--windowed WxH");
      size_t x = v.find('x');
      if (x == std::string::npos || !parse_int(v.substr(0, x), 200, 16384, &o.width) ||
          !parse_int(v.substr(x + 1), 200, 16384, &o.height))
        return bad("--windowed " + v);
      o.windowed = true;
    } else if (a == "--lang") {
      if (!need(&v) || (v != "zh" && v != "en")) return bad("--lang zh|en");
      o.lang = v == "zh" ? Lang::Zh : Lang::En;
    } else if (a == "--large-text") {
      o.large_text = true;
    } else if (a == "--demo") {
      o.demo = true;
    } else if (a == "--scan-source") {
      if (!need(&o.scan_source)) return bad("--scan-source SRC");
    } else if (a == "--automation-file") {
      if (!need(&o.automation_file) || o.automation_file.empty()) return bad("--automation-file PATH");
    } else if (a == "--stats-file") {
      if (!need(&o.stats_file) || o.stats_file.empty()) return bad("--stats-file PATH");
    } else if (a == "--idle-timeout") {
      int s = 0;
      if (!need(&v) || !parse_int(v, 1, 86400, &s)) return bad("--idle-timeout S (1..86400)");
      o.idle_timeout_s = s;
    } else if (a == "--idle-countdown") {
      int s = 0;
      if (!need(&v) || !parse_int(v, 1, 3600, &s)) return bad("--idle-countdown S (1..3600)");
      o.idle_countdown_s = s;
    } else if (a == "--no-gb2312-level2") {
      o.gb2312_level2 = false;
    } else if (a == "--no-atlas-cache") {
      o.atlas_cache = false;
    } else if (a == "--exit-after-first-frame") {
      o.exit_after_first_frame = true;
    } else {
      return bad(args[i]);
    }
  }
  return o;
}

bool ui_option_takes_value(std::string_view name) {
  static constexpr std::string_view kWithValue[] = {"--windowed",   "--lang",         "--scan-source",
                                                    "--automation-file", "--stats-file", "--idle-timeout",
                                                    "--idle-countdown"};
  return std::find(std::begin(kWithValue), std::end(kWithValue), name) != std::end(kWithValue);
}

}  // namespace kiosk::ui
