#include "ui/ime/decoder.hpp"

#include <googlepinyin/pinyinime.h>

#include <cctype>
#include <charconv>
#include <string_view>
#include <unordered_set>

#include "kiosk/base/utf8.hpp"
#include "ui/ime/wire.hpp"

namespace kiosk::ime {

namespace {

// A path whose file can never be created: the decoder then runs without a
// user dictionary, so it learns nothing from what workers type.
constexpr const char* kNoUserDictionary = "/dev/null/union-kiosk-no-user-dict";

// Candidates beyond this are never sent (the bar pages through ~8 at a time).
constexpr size_t kMaxCandidates = 300;
constexpr size_t kMaxPinyin = 64;

std::string candidate_text(size_t id) {
  ime_pinyin::char16 buf[kMaxPinyin + 1] = {};
  if (!ime_pinyin::im_get_candidate(id, buf, kMaxPinyin)) return {};
  std::u32string cps;
  for (const ime_pinyin::char16* p = buf; *p; ++p) {
    // Surrogate pairs do not occur in the dictionary (BMP only); drop them.
    if (*p >= 0xD800 && *p <= 0xDFFF) continue;
    cps += static_cast<char32_t>(*p);
  }
  return utf8_encode(cps);
}

class Decoder {
 public:
  DecoderState search(std::string_view request) {
    pinyin_.clear();
    for (char c : request)
      if (std::isalpha(static_cast<unsigned char>(c)) && pinyin_.size() < kMaxPinyin)
        pinyin_ += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (pinyin_.empty()) return reset();
    // No reset between keys: the decoder reuses the common prefix and keeps
    // the pieces already chosen while the worker types on.
    return state(ime_pinyin::im_search(pinyin_.c_str(), pinyin_.size()));
  }

  DecoderState choose(size_t id) {
    const ime_pinyin::uint16* starts = nullptr;
    size_t spellings = ime_pinyin::im_get_spl_start_pos(starts);
    if (id == 0) return complete();  // the whole sentence at once
    size_t total = ime_pinyin::im_choose(id);
    if (ime_pinyin::im_get_fixed_len() >= spellings) return complete();
    return state(total);
  }

  DecoderState reset() {
    ime_pinyin::im_reset_search();
    pinyin_.clear();
    return {};
  }

 private:
  DecoderState complete() {
    DecoderState s;
    s.done = true;
    s.committed = candidate_text(0);
    reset();
    return s;
  }

  DecoderState state(size_t total) {
    DecoderState s;
    const ime_pinyin::uint16* starts = nullptr;
    size_t spellings = ime_pinyin::im_get_spl_start_pos(starts);
    size_t fixed_len = ime_pinyin::im_get_fixed_len();
    size_t consumed = (starts && fixed_len <= spellings) ? starts[fixed_len] : 0;
    if (consumed < pinyin_.size()) s.remaining = pinyin_.substr(consumed);
    // Candidate 0 is the whole sentence, fixed part included.
    auto sentence = utf8_decode(candidate_text(0)).value_or(std::u32string());
    s.fixed = utf8_encode(std::u32string_view(sentence).substr(0, std::min(fixed_len, sentence.size())));
    std::unordered_set<std::string> seen;
    for (size_t id = 0; id < total && id < kMaxCandidates; ++id) {
      std::string text = candidate_text(id);
      if (text.empty()) break;
      if (!seen.insert(text).second) continue;
      s.candidates.emplace_back(static_cast<int>(id), std::move(text));
    }
    return s;
  }

  std::string pinyin_;
};

}  // namespace

int run_decoder(int fd, const std::string& dictionary) {
  if (!ime_pinyin::im_open_decoder(dictionary.c_str(), kNoUserDictionary)) return 3;
  ime_pinyin::im_set_max_lens(kMaxPinyin, kMaxPinyin / 2);
  if (!write_frame(fd, "ready")) return 4;
  Decoder d;
  std::string req;
  for (;;) {
    ReadStatus st = read_frame(fd, req, -1);
    if (st == ReadStatus::Closed) break;
    if (st != ReadStatus::Ok || req.empty()) return 4;
    DecoderState s;
    std::string_view arg = std::string_view(req).substr(1);
    if (req[0] == 'S') {
      s = d.search(arg);
    } else if (req[0] == 'C') {
      size_t id = 0;
      auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), id);
      if (ec != std::errc() || end != arg.data() + arg.size()) return 4;
      s = d.choose(id);
    } else if (req[0] == 'R') {
      s = d.reset();
    } else {
      return 4;
    }
    if (!write_frame(fd, encode_state(s))) return 4;
  }
  ime_pinyin::im_close_decoder();
  return 0;
}

}  // namespace kiosk::ime
