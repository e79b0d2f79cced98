// The pinyin decoder process: libgooglepinyin behind the wire of
// ui/ime/wire.hpp. It runs in its own process (apps/union-kiosk-pinyin),
// spawned by the kiosk, because the library aborts on some inputs (an
// assert in MatrixSearch::extend_dmi on "an" nine times, "a" 27 times):
// when it dies, only this process dies, and the kiosk starts another.
#pragma once
#include <string>

namespace kiosk::ime {

// Opens the dictionary (no user dictionary: nothing typed is learnt), says
// "ready" on fd, then answers requests until fd closes. Returns the exit
// code: 0 on a clean close, 3 when the dictionary cannot be opened, 4 on a
// broken wire.
int run_decoder(int fd, const std::string& dictionary);

}  // namespace kiosk::ime
