#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ui/text/glyph_set.hpp"
#include "ui/text/pinyin.hpp"

using namespace kiosk::ui;

namespace {

// The decoder program as built, beside union-kiosk.
constexpr const char* kWorker = KIOSK_BINARY_DIR "/union-kiosk-pinyin";

std::unique_ptr<GooglePinyinEngine> open_engine() { return GooglePinyinEngine::open(kWorker); }

int index_of(ImeEngine& ime, const std::string& word, int limit = 40) {
  auto c = ime.candidates(0, limit);
  auto it = std::find(c.begin(), c.end(), word);
  return it == c.end() ? -1 : static_cast<int>(it - c.begin());
}

}  // namespace

TEST_CASE("zhangwei offers 张伟 among the first candidates") {
  auto ime = open_engine();
  REQUIRE(ime);
  CHECK(ime->search("zhangwei") > 0);
  int i = index_of(*ime, "张伟", 5);
  REQUIRE(i >= 0);
  CHECK(ime->choose(i) == "张伟");
  CHECK(ime->composing().empty());
  CHECK(ime->candidates(0, 10).empty());
}

TEST_CASE("changchunshi gives 长春市") {
  auto ime = open_engine();
  REQUIRE(ime);
  ime->search("changchunshi");
  int i = index_of(*ime, "长春市", 5);
  REQUIRE(i >= 0);
  CHECK(ime->choose(i) == "长春市");
}

TEST_CASE("长春市第一机床厂 is reachable by choosing pieces") {
  auto ime = open_engine();
  REQUIRE(ime);
  const std::string pinyin = "changchunshidiyijichuangchang";
  ime->search(pinyin);
  const std::vector<std::string> pieces = {"长春市", "第一", "机床", "厂"};
  std::string committed;
  std::string expected_fixed;
  for (size_t k = 0; k < pieces.size(); ++k) {
    int i = index_of(*ime, pieces[k], 60);
    INFO("piece " << pieces[k] << " after fixed '" << ime->fixed() << "'");
    REQUIRE(i >= 0);
    committed = ime->choose(i);
    expected_fixed += pieces[k];
    if (k + 1 < pieces.size()) {
      CHECK(committed.empty());
      CHECK(ime->fixed() == expected_fixed);
      CHECK(!ime->composing().empty());
      CHECK(pinyin.ends_with(ime->composing()));
    }
  }
  CHECK(committed == "长春市第一机床厂");
}

TEST_CASE("hidden candidates: nothing the atlas cannot draw is offered") {
  auto ime = open_engine();
  REQUIRE(ime);
  GlyphSet gb;
  for (char32_t c : gb2312_level1()) gb.add(c);
  ime->set_displayable([&](const std::string& s) { return gb.contains_all_utf8(s); });
  int n = ime->search("chuang");
  REQUIRE(n > 0);
  for (const auto& c : ime->candidates(0, n)) CHECK(gb.contains_all_utf8(c));
  // 創 (traditional) is in the dictionary but not in GB2312.
  CHECK(index_of(*ime, "創", n) == -1);
  CHECK(index_of(*ime, "创", n) >= 0);
}

TEST_CASE("two engines are two decoders, reset clears, junk input is harmless") {
  auto ime = open_engine();
  REQUIRE(ime);
  {
    auto other = open_engine();
    REQUIRE(other);
    CHECK(other->worker_pid() != ime->worker_pid());
    CHECK(other->search("changchun") > 0);
  }
  CHECK(ime->search("zhangwei") > 0);
  CHECK(index_of(*ime, "张伟", 5) >= 0);
  CHECK(ime->search("") == 0);
  CHECK(ime->search("123 !") == 0);
  CHECK(ime->search("ZHANG") > 0);  // case folded
  ime->reset();
  CHECK(ime->candidates(0, 5).empty());
  CHECK(ime->choose(3).empty());
  CHECK(ime->choose(-1).empty());
  std::string longest(200, 'b');
  ime->search(longest);  // clipped, never overflows
  const pid_t pid = ime->worker_pid();
  ime.reset();
  // The decoder process is gone and reaped with its engine.
  CHECK(::kill(pid, 0) == -1);
}

TEST_CASE("a missing dictionary or decoder program gives no engine") {
  CHECK(GooglePinyinEngine::open(kWorker, "/nonexistent/dict.dat") == nullptr);
  CHECK(GooglePinyinEngine::open("/nonexistent/union-kiosk-pinyin") == nullptr);
}

TEST_CASE("a decoder killed between keys is replaced and the key still counts") {
  auto ime = open_engine();
  REQUIRE(ime);
  REQUIRE(ime->search("changchunshi") > 0);
  const pid_t first = ime->worker_pid();
  REQUIRE(::kill(first, SIGKILL) == 0);
  ::usleep(20000);
  // The next key reaches a new decoder that was given the earlier keys.
  CHECK(ime->search("changchunshidi") > 0);
  CHECK(ime->restarts() == 1);
  CHECK(ime->worker_pid() != first);
  int i = index_of(*ime, "长春市", 10);
  REQUIRE(i >= 0);
  CHECK(ime->choose(i).empty());
  CHECK(ime->fixed() == "长春市");
  CHECK(ime->composing() == "di");
}

TEST_CASE("a hung decoder is replaced: the key is refused, the composition stays") {
  auto ime = open_engine();
  REQUIRE(ime);
  REQUIRE(ime->search("changchunshidi") > 0);
  int i = index_of(*ime, "长春市", 10);
  REQUIRE(i >= 0);
  REQUIRE(ime->choose(i).empty());
  const pid_t hung = ime->worker_pid();
  REQUIRE(::kill(hung, SIGSTOP) == 0);
  CHECK(ime->search("changchunshidiy") == -1);  // waited for, then given up
  CHECK(ime->restarts() == 1);
  CHECK(::kill(hung, 0) == -1);  // the hung one was killed and reaped
  // The new decoder holds the piece chosen before the hang.
  CHECK(ime->search("changchunshidiyi") > 0);
  CHECK(ime->fixed() == "长春市");
  CHECK(ime->composing() == "diyi");
}

TEST_CASE("inputs that abort libgooglepinyin are refused, the kiosk survives") {
  auto ime = open_engine();
  REQUIRE(ime);
  std::string typed;
  int refused = 0;
  // Typed one key at a time, like the keyboard does: "an" x12, then "a" x30.
  for (int i = 0; i < 12; ++i) {
    for (char c : std::string("an")) {
      if (ime->search(typed + c) < 0) ++refused; else typed += c;
    }
  }
  CHECK(refused > 0);
  CHECK(typed.size() >= 16);  // the harmless prefix was accepted
  ime->reset();
  typed.clear();
  refused = 0;
  for (int i = 0; i < 30; ++i) {
    if (ime->search(typed + 'a') < 0) ++refused; else typed += 'a';
  }
  CHECK(refused > 0);
  CHECK(ime->restarts() >= refused);  // each refusal was a decoder that died
  // Still working afterwards.
  ime->reset();
  CHECK(ime->search("zhangwei") > 0);
  CHECK(index_of(*ime, "张伟", 5) >= 0);
}

TEST_CASE("typing on after choosing a piece keeps the piece") {
  auto ime = open_engine();
  REQUIRE(ime);
  std::string typed;
  for (char c : std::string("changchunshidi")) {
    typed += c;
    REQUIRE(ime->search(typed) > 0);
  }
  int i = index_of(*ime, "长春市", 10);
  REQUIRE(i >= 0);
  CHECK(ime->choose(i).empty());
  CHECK(ime->fixed() == "长春市");
  for (char c : std::string("yijichuangchang")) {
    typed += c;
    REQUIRE(ime->search(typed) > 0);
  }
  CHECK(ime->fixed() == "长春市");
  CHECK(ime->composing() == "diyijichuangchang");
}
