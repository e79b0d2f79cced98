// Schedules that never go stale, on the real kiosk: union-kiosk on its
// built-in content (no pushed bundle), its clock moved one and three years
// ahead with libfaketime, still offers duty slots, a mixer and a childcare
// class in every service. What `content show` lists that day is what the
// touch screen offers: the test taps into each service under Xvfb and finds
// the rows there (screenshots in screens/years-ahead-<n>/).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "kiosk_driver.hpp"
#include "service_flows.hpp"

namespace {

using namespace e2e;

constexpr const char* kFaketimeLib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

// The process's clock `days` ahead; the monotonic clock (frames, idle
// timers) is left alone.
Env days_ahead(int days) {
  return {{"LD_PRELOAD", kFaketimeLib},
          {"FAKETIME", "+" + std::to_string(days) + "d"},
          {"FAKETIME_DONT_FAKE_MONOTONIC", "1"},
          {"FAKETIME_NO_CACHE", "1"}};
}

// Offers of a service that a worker could take (places left; classes whose
// signup is open now or opens later count as "open or upcoming").
std::vector<json> offers_of(const json& all, const std::string& service) {
  std::vector<json> out;
  for (const auto& s : all["services"])
    if (s["id"] == service)
      for (const auto& o : s["offers"])
        if (o["places_left"].get<int>() > 0) out.push_back(o);
  return out;
}

void run_ahead(int days, const std::string& lang) {
  REQUIRE_MESSAGE(fs::exists(kKiosk), "build union-kiosk first");
  REQUIRE_MESSAGE(fs::exists(kFaketimeLib), "install faketime (scripts/setup.sh does)");
  const Env clock = days_ahead(days);
  Xvfb x;
  REQUIRE_MESSAGE(!x.display.empty(), "could not start Xvfb");
  const fs::path work = temp_dir("ahead");
  RemoveDir cleanup{work};
  const fs::path scan = work / "scan";
  make_card(work, scan, "李娜", "22010012345", clock);  // issued on the moved day, valid on it

  const fs::path data = work / "data";
  fs::create_directories(data);
  fs::permissions(data, fs::perms::owner_all, fs::perm_options::replace);
  const json all = offers_today(data, clock);
  const std::string today = all["day"];
  MESSAGE("the kiosk's day: " << today);
  CHECK(all["source"] == "embedded");
  CHECK(today.substr(0, 4) >= std::to_string(2027 + (days > 800 ? 2 : 0)));
  const auto slots = offers_of(all, "legal");
  const auto events = offers_of(all, "mixer");
  const auto classes = offers_of(all, "childcare");
  REQUIRE_MESSAGE(slots.size() >= 4, today);
  REQUIRE_MESSAGE(!events.empty(), today);
  REQUIRE_MESSAGE(!classes.empty(), today);
  for (const auto& s : slots) CHECK(s["date"].get<std::string>() >= today);

  const std::string shots = "years-ahead-" + std::to_string(days) + "-" + lang;
  Kiosk k(x, lang, data, scan, shots, true, KioskSetup{clock, true});
  REQUIRE_MESSAGE(k.wait_screen("attract"), "the kiosk did not draw its attract screen");
  CHECK(k.log().find("source=embedded") != std::string::npos);
  k.tap("attract.start");
  REQUIRE(k.wait_screen("home"));

  // Legal: the first slot content show lists is a row on the screen.
  k.tap("home.service.legal");
  REQUIRE(k.wait_screen("form"));
  k.shot("legal-slots");
  CHECK(k.settled().find("form.pick.slot." + slots.front()["id"].get<std::string>()).has_value());
  k.tap("form.pick.slot." + slots.front()["id"].get<std::string>());
  k.shot("legal-slot-chosen");
  k.leave_to_home("leave-confirm");

  // Mixer and childcare are for members: the card in the camera's folder.
  k.tap("home.service.mixer");
  REQUIRE_MESSAGE(k.wait_screen("form"), "the card did not open the mixer form");
  k.tap("form.pick.event." + events.front()["id"].get<std::string>());
  k.shot("mixer-events");
  k.leave_to_home();

  k.tap("home.service.childcare");
  REQUIRE_MESSAGE(k.wait_screen("form"), "the card did not open the childcare form");
  // The class is on the last page: the pages before it want their answers.
  childcare_to_class(k, false);
  // A class open for signup that takes this child (born 2018-03-15), tapped;
  // between periods only upcoming ones are listed, shown not choosable.
  const std::string klass = open_class(data, "2018-03-15", clock, true);
  if (!klass.empty()) k.tap("form.pick.class." + klass);  // scrolled to, if need be
  else MESSAGE("no class open for signup on " << today << ": upcoming ones only");
  k.shot("childcare-classes");
  k.leave_to_home();
}

}  // namespace

TEST_CASE("e2e: one year ahead, the built-in content still offers slots, a mixer and a class") {
  run_ahead(366, "zh");
}

TEST_CASE("e2e: three years ahead, the built-in content still offers slots, a mixer and a class") {
  run_ahead(3 * 365 + 1, "en");
}
