// A scanner's burst ending in Enter, told apart from a person typing.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "kiosk/scan/hid_wedge.hpp"

using namespace kiosk::scan;
using Kind = WedgeOutput::Kind;

namespace {

// Types `s` starting at t, `gap` seconds between keys; returns the time after the last.
double type(HidWedgeDetector& d, const std::string& s, double t, double gap) {
  for (char c : s) {
    d.feed(static_cast<char32_t>(static_cast<unsigned char>(c)), t);
    t += gap;
  }
  return t - gap;
}

std::string typed(const std::vector<WedgeOutput>& out) {
  std::string r;
  for (auto& o : out)
    if (o.kind == Kind::Typing) r += o.text;
  return r;
}

}  // namespace

TEST_CASE("a burst ending in Enter is a scan") {
  HidWedgeDetector d;
  std::string code = "GHREQ1:0193A6F2-7C4B-7D3E-9A10-4F5E6D7C8B9A:F-0427";
  double t = type(d, code, 10.0, 0.004);
  CHECK(d.holding());
  CHECK(d.poll(t + 0.001).empty());  // still undecided
  d.feed_enter(t + 0.004);
  auto out = d.poll(t + 0.005);
  REQUIRE(out.size() == 1);
  CHECK(out[0].kind == Kind::Scan);
  CHECK(out[0].text == code);
  CHECK_FALSE(d.holding());
}

TEST_CASE("a person typing is typing, even ending with Enter") {
  HidWedgeDetector d;
  double t = type(d, "zhang wei", 5.0, 0.12);
  d.feed_enter(t + 0.2);
  auto out = d.poll(t + 0.3);
  CHECK(typed(out) == "zhang wei");
  REQUIRE_FALSE(out.empty());
  CHECK(out.back().kind == Kind::Enter);
  for (auto& o : out) CHECK(o.kind != Kind::Scan);
}

TEST_CASE("held characters become typing once the gap has passed") {
  HidWedgeDetector d;
  d.feed(U'a', 1.0);
  CHECK(d.next_deadline_s().has_value());
  CHECK(d.poll(1.01).empty());
  auto out = d.poll(1.0 + WedgeOptions{}.max_gap_s + 0.001);
  REQUIRE(out.size() == 1);
  CHECK(out[0].kind == Kind::Typing);
  CHECK(out[0].text == "a");
  CHECK_FALSE(d.next_deadline_s().has_value());
}

TEST_CASE("a fast burst without Enter is typing (a key held down, a fast typist)") {
  HidWedgeDetector d;
  double t = type(d, "1234567890", 2.0, 0.01);
  auto out = d.poll(t + 0.1);
  CHECK(typed(out) == "1234567890");
}

TEST_CASE("a short burst with Enter is typing then Enter") {
  HidWedgeDetector d;
  double t = type(d, "ok", 2.0, 0.01);
  d.feed_enter(t + 0.01);
  auto out = d.poll(t + 0.02);
  REQUIRE(out.size() == 2);
  CHECK(out[0].text == "ok");
  CHECK(out[1].kind == Kind::Enter);
}

TEST_CASE("interleavings: typing, then a scan, then typing again") {
  HidWedgeDetector d;
  double t = type(d, "138", 1.0, 0.15);       // a phone number being typed
  t = type(d, "eyJhbGciOi.eyJpc3Mi.K0PQuW7D", t + 0.2, 0.003);  // the scanner fires
  d.feed_enter(t + 0.003);
  t = type(d, "0012", t + 0.3, 0.2);          // the person goes on typing
  auto out = d.poll(t + 0.1);
  REQUIRE(out.size() == 3);
  CHECK(out[0].kind == Kind::Typing);
  CHECK(out[0].text == "138");
  CHECK(out[1].kind == Kind::Scan);
  CHECK(out[1].text == "eyJhbGciOi.eyJpc3Mi.K0PQuW7D");
  CHECK(out[2].kind == Kind::Typing);
  CHECK(out[2].text == "0012");
}

TEST_CASE("a pause inside a burst splits it: the start is typing") {
  HidWedgeDetector d;
  double t = type(d, "ABCDEFGH", 1.0, 0.002);
  t = type(d, "IJKLMNOP", t + 0.2, 0.002);
  d.feed_enter(t + 0.002);
  auto out = d.poll(t + 0.01);
  REQUIRE(out.size() == 2);
  CHECK(out[0].kind == Kind::Typing);
  CHECK(out[0].text == "ABCDEFGH");
  CHECK(out[1].kind == Kind::Scan);
  CHECK(out[1].text == "IJKLMNOP");
}

TEST_CASE("UTF-8 text input and clear()") {
  HidWedgeDetector d;
  d.feed_text("张伟", 1.0);
  auto out = d.poll(1.1);
  REQUIRE(out.size() == 1);
  CHECK(out[0].text == "张伟");
  d.feed_text("secret", 2.0);
  d.clear();
  CHECK(d.poll(3.0).empty());
  d.feed_text("\xff\xfe" "ab", 4.0);  // stray bytes are dropped
  CHECK(typed(d.poll(4.1)) == "ab");
}

TEST_CASE("a scanner configured without an Enter suffix") {
  WedgeOptions o;
  o.enter_required = false;
  HidWedgeDetector d(o);
  double t = type(d, "GHREQ1:0193A6F2", 1.0, 0.003);
  CHECK(d.poll(t + 0.05).empty());  // undecided until the gap has passed
  auto out = d.poll(t + 0.1);
  REQUIRE(out.size() == 1);
  CHECK(out[0].kind == Kind::Scan);
}

TEST_CASE("a burst delivered in batches, one per slow UI frame, is still a scan") {
  // Keys drained once a 60 ms frame: five at a time share one timestamp.
  HidWedgeDetector d;
  std::string code = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJDTi0yMi0wMSJ9.K0PQuW7DumDeJSFObl0x";
  double t = 1.0;
  for (size_t i = 0; i < code.size(); ++i) {
    if (i > 0 && i % 5 == 0) t += 0.06;
    d.feed(static_cast<char32_t>(code[i]), t);
  }
  d.feed_enter(t + 0.06);
  auto out = d.poll(t + 0.07);
  REQUIRE(out.size() == 1);
  CHECK(out[0].kind == Kind::Scan);
  CHECK(out[0].text == code);
}

TEST_CASE("a fast typist (50 ms between keys) is typing, shown as they type") {
  HidWedgeDetector d;
  double t = type(d, "13812345678", 1.0, 0.05);
  // Released once the average rate shows a person, not only at the end.
  auto early = d.poll(t);
  CHECK(typed(early).size() >= 8);
  d.feed_enter(t + 0.05);
  auto out = d.poll(t + 0.2);
  for (auto& o : out) CHECK(o.kind != Kind::Scan);
  CHECK(typed(early) + typed(out) == "13812345678");
}
