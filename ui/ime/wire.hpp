// The pinyin worker's wire: length-prefixed frames over a socket between
// the kiosk (ui/text/pinyin.cpp) and its decoder process (ui/ime/decoder).
//
// A request is one frame: 'S' + pinyin (search), 'C' + decimal id (choose),
// 'R' (reset). The worker answers each with one frame holding the decoder's
// state after the step (DecoderState). Its first frame, before any request,
// is "ready" once the dictionary is open.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiosk::ime {

// A frame never exceeds this (300 candidates of at most 64 UTF-16 units).
constexpr size_t kMaxFrame = 256 * 1024;

struct DecoderState {
  bool done = false;        // the composition is complete: `committed` holds it
  std::string committed;
  std::string fixed;        // hanzi chosen so far
  std::string remaining;    // pinyin not yet converted
  std::vector<std::pair<int, std::string>> candidates;  // decoder id, text
};

std::string encode_state(const DecoderState& s);
std::optional<DecoderState> decode_state(std::string_view frame);

bool write_frame(int fd, std::string_view payload);

enum class ReadStatus { Ok, Closed, Timeout, TooLarge };
// Waits at most timeout_ms (negative: forever) for the whole frame.
ReadStatus read_frame(int fd, std::string& out, int timeout_ms);

}  // namespace kiosk::ime
