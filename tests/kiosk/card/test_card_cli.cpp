// union-kiosk card verify / keygen / issue and scan --image as a technician
// runs them: real processes, every vector through --text and through an
// image of it.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kiosk/scan/codes.hpp"
#include "kiosk/card/ticket_code.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

struct Run {
  int code = -1;
  std::string out;
};

std::string quote(const std::string& s) {
  std::string r = "'";
  for (char c : s) r += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return r + "'";
}

Run run(const std::string& data_dir, const std::vector<std::string>& args) {
  std::string cmd = quote(KIOSK_CLI) + " --data-dir " + quote(data_dir);
  for (const auto& a : args) cmd += " " + quote(a);
  cmd += " 2>/dev/null";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int st = ::pclose(p);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag) {
    path = fs::temp_directory_path() / ("kiosk-card-cli-" + tag + "-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

json vectors() {
  std::ifstream f(KIOSK_TEST_DATA "/specs/member-card-vectors.json");
  REQUIRE(f.good());
  return json::parse(f);
}

}  // namespace

TEST_CASE("every vector through card verify --text and --image (trust: the embedded content)") {
  auto v = vectors();
  TempDir dd("vectors");
  std::string now = std::to_string(v["now"].get<int64_t>());
  int i = 0;
  for (auto& c : v["cases"]) {
    std::string text = c["qr_text"].get<std::string>(), want = c["verdict"].get<std::string>();
    CAPTURE(c["what"].get<std::string>());
    auto r = run(dd.path.string(), {"--demo", "card", "verify", "--text", text, "--now", now, "--json"});
    auto j = json::parse(r.out, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j["verdict"] == want);
    CHECK(r.code == (want == "valid" ? 0 : 1));
    CHECK(j["message"]["zh"].get<std::string>().size() > 0);
    CHECK(j["message"]["en"].get<std::string>().size() > 0);
    if (want == "valid") CHECK(j["claims"]["sub"].is_string());

    auto qr = kiosk::scan::encode_qr(text);
    REQUIRE(qr.ok());
    auto png = (dd.path / ("case-" + std::to_string(i++) + ".png")).string();
    REQUIRE(kiosk::scan::save_png(png, kiosk::scan::render_qr(*qr, 5)).ok());
    auto ri = run(dd.path.string(), {"--demo", "card", "verify", "--image", png, "--now", now, "--json"});
    auto ji = json::parse(ri.out, nullptr, false);
    REQUIRE_FALSE(ji.is_discarded());
    CHECK(ji["verdict"] == want);
    CHECK(ji["source"] == "image");
    CHECK(ri.code == (want == "valid" ? 0 : 1));
  }
}

TEST_CASE("plain output names the verdict, the claims and the trust") {
  auto v = vectors();
  TempDir dd("plain");
  auto r = run(dd.path.string(), {"--demo", "card", "verify", "--text", v["cases"][1]["qr_text"].get<std::string>(), "--now",
                                  std::to_string(v["now"].get<int64_t>())});
  CHECK(r.code == 0);
  CHECK(r.out.find("verdict: valid") != std::string::npos);
  CHECK(r.out.find("role: staff") != std::string::npos);
  CHECK(r.out.find("trust: embedded content") != std::string::npos);
  auto e = run(dd.path.string(), {"--demo", "card", "verify", "--text", v["cases"][2]["qr_text"].get<std::string>(), "--now",
                                  std::to_string(v["now"].get<int64_t>())});
  CHECK(e.code == 1);
  CHECK(e.out.find("please renew at the service desk") != std::string::npos);
}

TEST_CASE("usage errors exit 2, an image with no code exits 1, an unreadable one 3") {
  TempDir dd("usage");
  CHECK(run(dd.path.string(), {"--demo", "card", "verify"}).code == 2);
  CHECK(run(dd.path.string(), {"--demo", "card", "verify", "--text", "a", "--image", "b"}).code == 2);
  CHECK(run(dd.path.string(), {"--demo", "card", "verify", "--text", "a", "--now", "soon"}).code == 2);
  CHECK(run(dd.path.string(), {"card", "frobnicate"}).code == 2);
  auto blank = (dd.path / "blank.png").string();
  REQUIRE(kiosk::scan::save_png(blank, kiosk::scan::Image(200, 200, kiosk::scan::PixelFormat::Lum, 255)).ok());
  CHECK(run(dd.path.string(), {"--demo", "card", "verify", "--image", blank}).code == 1);
  CHECK(run(dd.path.string(), {"scan", "--image", blank}).code == 1);
  CHECK(run(dd.path.string(), {"--demo", "card", "verify", "--image", (dd.path / "missing.png").string()}).code == 3);
}

TEST_CASE("keygen -> issue -> verify: valid once the install's config trusts the new key") {
  TempDir dd("issue");
  auto key = (dd.path / "admin.key").string();
  auto kg = run(dd.path.string(), {"card", "keygen", "--kid", "hall-7-2027", "--out", key});
  REQUIRE(kg.code == 0);
  struct stat st {};
  REQUIRE(::stat(key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto pub = json::parse(kg.out, nullptr, false);
  REQUIRE_FALSE(pub.is_discarded());
  CHECK(pub["kid"] == "hall-7-2027");
  // A second keygen to the same file refuses to overwrite the key.
  CHECK(run(dd.path.string(), {"card", "keygen", "--kid", "x", "--out", key}).code == 3);

  auto png = (dd.path / "card.png").string();
  auto is = run(dd.path.string(), {"card", "issue", "--key", key, "--sub", "22070000001", "--name", "陈静", "--org",
                                   "七号厅工会", "--days", "30", "--png", png});
  REQUIRE(is.code == 0);
  std::string token = is.out.substr(0, is.out.find('\n'));
  // Not trusted yet: the embedded content knows only the demo key.
  CHECK(run(dd.path.string(), {"card", "verify", "--text", token}).code == 1);
  {
    std::ofstream cfg(dd.path / "config.json");
    cfg << json{{"extra_trusted_keys", json::array({pub})}}.dump();
  }
  auto ok = run(dd.path.string(), {"card", "verify", "--image", png, "--json"});
  CHECK(ok.code == 0);
  auto j = json::parse(ok.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j["claims"]["name"] == "陈静");
  CHECK(j["claims"]["org"] == "七号厅工会");
  // ... and revoked once the config says so.
  {
    std::ofstream cfg(dd.path / "config.json");
    cfg << json{{"extra_trusted_keys", json::array({pub})}, {"extra_revoked_members", {"22070000001"}}}.dump();
  }
  auto rv = run(dd.path.string(), {"card", "verify", "--text", token, "--json"});
  CHECK(rv.code == 1);
  CHECK(json::parse(rv.out)["verdict"] == "revoked");

  // A key file others can read is refused.
  ::chmod(key.c_str(), 0644);
  CHECK(run(dd.path.string(), {"card", "issue", "--key", key, "--sub", "22070000002", "--name", "X"}).code == 3);
}

TEST_CASE("scan --image prints every code found, with its kind") {
  TempDir dd("scan");
  auto v = vectors();
  std::string card = v["cases"][0]["qr_text"].get<std::string>();
  std::string ticket = kiosk::card::make_ticket_code({"0193a6f2-7c4b-7d3e-9a10-4f5e6d7c8b9a", "K-0012"});
  auto a = kiosk::scan::render_qr(*kiosk::scan::encode_qr(card), 4);
  auto b = kiosk::scan::render_qr(*kiosk::scan::encode_qr(ticket), 6);
  kiosk::scan::Image frame(a.width + b.width + 60, std::max(a.height, b.height) + 40, kiosk::scan::PixelFormat::Lum, 255);
  for (int y = 0; y < a.height; ++y)
    std::copy_n(&a.pixels[size_t(y * a.width)], a.width, &frame.pixels[size_t((y + 20) * frame.width + 20)]);
  for (int y = 0; y < b.height; ++y)
    std::copy_n(&b.pixels[size_t(y * b.width)], b.width, &frame.pixels[size_t((y + 20) * frame.width + a.width + 40)]);
  auto png = (dd.path / "two.png").string();
  REQUIRE(kiosk::scan::save_png(png, frame).ok());
  auto r = run(dd.path.string(), {"scan", "--image", png});
  CHECK(r.code == 0);
  CHECK(r.out.find("QRCode\tmember_card\t" + card) != std::string::npos);
  CHECK(r.out.find("QRCode\tticket\t" + ticket) != std::string::npos);
  auto j = json::parse(run(dd.path.string(), {"scan", "--image", png, "--json"}).out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j["codes"].size() == 2);
  // The demo cards in assets/ read back as what their README says.
  auto staff = run(dd.path.string(), {"--demo", "card", "verify", "--image", KIOSK_SOURCE_DIR "/assets/cards/staff-li-na.png",
                                      "--now", "1795000000", "--json"});
  CHECK(staff.code == 0);
  CHECK(json::parse(staff.out)["claims"]["role"] == "staff");
  auto expired = run(dd.path.string(), {"--demo", "card", "verify", "--image", KIOSK_SOURCE_DIR "/assets/cards/expired-wang-fang.png",
                                        "--now", "1795000000", "--json"});
  CHECK(json::parse(expired.out)["verdict"] == "expired");
}

TEST_CASE("the demo key is trusted only in demo mode: --demo or config \"demo\": true") {
  // The card spec publishes demo-2026's private seed: out of demo mode a card
  // it signed, even a staff card, is an unknown issuer's.
  auto v = vectors();
  TempDir dd("demo");
  const std::string now = std::to_string(v["now"].get<int64_t>());
  const std::string valid = v["cases"][0]["qr_text"].get<std::string>();
  REQUIRE(v["cases"][0]["verdict"] == "valid");
  auto plain = run(dd.path.string(), {"card", "verify", "--text", valid, "--now", now, "--json"});
  CHECK(plain.code == 1);
  auto pj = json::parse(plain.out, nullptr, false);
  REQUIRE_FALSE(pj.is_discarded());
  CHECK(pj["verdict"] == "unknown_issuer");
  CHECK(pj["demo"] == false);
  auto staff = run(dd.path.string(), {"card", "verify", "--image", KIOSK_SOURCE_DIR "/assets/cards/staff-li-na.png",
                                      "--now", "1795000000", "--json"});
  CHECK(staff.code == 1);
  CHECK(json::parse(staff.out)["verdict"] == "unknown_issuer");

  auto demo = run(dd.path.string(), {"--demo", "card", "verify", "--text", valid, "--now", now, "--json"});
  CHECK(demo.code == 0);
  CHECK(json::parse(demo.out)["demo"] == true);
  // --demo belongs before the command, not among its options.
  CHECK(run(dd.path.string(), {"card", "verify", "--demo", "--text", valid, "--now", now}).code == 2);

  {
    std::ofstream cfg(dd.path / "config.json");
    cfg << json{{"demo", true}}.dump();
  }
  auto by_config = run(dd.path.string(), {"card", "verify", "--text", valid, "--now", now, "--json"});
  CHECK(by_config.code == 0);
  CHECK(json::parse(by_config.out)["demo"] == true);
  {
    std::ofstream cfg(dd.path / "config.json");
    cfg << json{{"demo", "yes"}}.dump();
  }
  CHECK(run(dd.path.string(), {"card", "verify", "--text", valid, "--now", now}).code == 3);
}
