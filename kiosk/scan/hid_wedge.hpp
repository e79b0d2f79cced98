// Telling a hardware barcode scanner that types like a keyboard (HID
// keyboard wedge) from a person typing. A scanner "types" a whole code in a
// burst, a few ms between keys, then Enter; people leave > ~50 ms between
// keys. Platform-independent: the SDL loop feeds characters with timestamps
// and delivers what comes out, in order:
//
//   wedge.feed_text(ev.text.text, now_s);        // SDL_TEXTINPUT
//   wedge.feed_enter(now_s);                     // SDLK_RETURN / KP_ENTER
//   for (auto& o : wedge.poll(now_s))
//     if (o.kind == WedgeOutput::Kind::Scan) app.on_code_scanned(o.text, now_s);
//     else if (o.kind == WedgeOutput::Kind::Typing) io.AddInputCharactersUTF8(o.text.c_str());
//     else /* Enter */ ...;
//
// Characters are held back until they are known to be typing: at most
// max_gap_s after the last key (poll() again by next_deadline_s()). Pass
// the key events' own timestamps (SDL's event.text.timestamp) when there
// are any: they keep a burst's short gaps even when a frame is slow.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::scan {

struct WedgeOptions {
  // Longest gap between keys inside a burst. Scanners type a key every
  // 1-20 ms, but the UI loop timestamps keys when it drains them, once a
  // frame: keys that arrived during a slow frame share one time and the
  // next batch comes a frame later. People leave 100-300 ms between keys.
  double max_gap_s = 0.08;
  // A burst averages at least this many keys a second (people: under ~15).
  // Held keys that fall below it (from the 4th on) are released as typing.
  double min_rate_cps = 40.0;
  int min_length = 6;          // shorter bursts are a person's quick double-tap, not a code
  bool enter_required = true;  // a burst without Enter is typing (for scanners that end
                               // with Tab, feed_enter() on Tab as well)
};

struct WedgeOutput {
  enum class Kind {
    Typing,  // `text`: characters a person typed, to go to the focused field
    Enter,   // a person pressed Enter
    Scan,    // `text`: a code the scanner typed (without its Enter)
  };
  Kind kind = Kind::Typing;
  std::string text;  // UTF-8
};

class HidWedgeDetector {
 public:
  explicit HidWedgeDetector(WedgeOptions options = {});

  void feed(char32_t c, double t_s);
  void feed_text(std::string_view utf8, double t_s);  // each code point at t_s
  void feed_enter(double t_s);
  // Everything decided by time now_s, in input order. Call every frame (and
  // by next_deadline_s() while holding()).
  std::vector<WedgeOutput> poll(double now_s);
  // True while characters are held back, undecided.
  bool holding() const { return !pending_.empty(); }
  // When the held characters become typing if no key comes (nullopt: none held).
  std::optional<double> next_deadline_s() const;
  // Forget held characters (session wiped): nothing typed may leak to the next person.
  void clear();

 private:
  void flush_as_typing();
  bool fast_enough(size_t gaps, double duration_s) const;
  WedgeOptions opt_;
  std::u32string pending_;
  double first_t_ = 0, last_t_ = 0;
  std::vector<WedgeOutput> out_;
};

}  // namespace kiosk::scan
