// union-kiosk-pinyin: the pinyin decoder process the kiosk spawns (see
// ui/ime/decoder.hpp). Not for people: it speaks the wire of ui/ime/wire.hpp
// on its standard input, which is a socket to the kiosk.
//   union-kiosk-pinyin DICTIONARY
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>

#include "ui/ime/decoder.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  // Nothing of the kiosk's but the socket: no database, no camera, no hub.
  ::close_range(3, ~0U, 0);
  struct rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  // The decoder needs a few MiB; a runaway one is stopped long before the
  // kiosk feels it.
  struct rlimit mem{256u << 20, 256u << 20};
  ::setrlimit(RLIMIT_AS, &mem);
  ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the kiosk
  return kiosk::ime::run_decoder(STDIN_FILENO, argv[1]);
}
