// screen_watch [--quiet-ms=N] [--save-first=FILE.ppm] LOG CMD ARGS...
// Launches CMD in its own session (stdout and stderr to LOG) and watches the
// X root window through MIT-SHM, about every 10 ms. Prints
// "SID FIRST_MS SETTLED_MS": the first capture that differs from the screen
// before the launch, and the first capture showing the final picture
// (unchanged for --quiet-ms afterwards, default 3000). Times run from just
// before the launch to the end of the capture that saw the change, so they
// are late by at most one capture (a few ms), the same for every program
// bench_vs_chromium.sh measures. The pad byte of 32-bit pixels is ignored
// (GL leaves its alpha there; it is not on screen). --save-first keeps the
// first changed capture, to see what "first paint" showed.
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Capture {
  Display* d = nullptr;
  XImage* img = nullptr;
  XShmSegmentInfo shm{};

  bool open() {
    d = XOpenDisplay(nullptr);
    if (!d || !XShmQueryExtension(d)) return false;
    const int s = DefaultScreen(d);
    img = XShmCreateImage(d, DefaultVisual(d, s), DefaultDepth(d, s), ZPixmap, nullptr, &shm,
                          DisplayWidth(d, s), DisplayHeight(d, s));
    if (!img || img->bits_per_pixel != 32) return false;
    shm.shmid = shmget(IPC_PRIVATE, static_cast<size_t>(img->bytes_per_line) * img->height,
                       IPC_CREAT | 0600);
    if (shm.shmid < 0) return false;
    shm.shmaddr = img->data = static_cast<char*>(shmat(shm.shmid, nullptr, 0));
    shm.readOnly = False;
    if (!XShmAttach(d, &shm)) return false;
    XSync(d, False);
    shmctl(shm.shmid, IPC_RMID, nullptr);  // freed once both sides detach
    return true;
  }

  // FNV-1a over the 24 colour bits of every pixel.
  uint64_t hash() {
    XShmGetImage(d, DefaultRootWindow(d), img, 0, 0, AllPlanes);
    uint64_t h = 1469598103934665603ull;
    for (int y = 0; y < img->height; ++y) {
      const auto* row = reinterpret_cast<const uint32_t*>(img->data + y * img->bytes_per_line);
      for (int x = 0; x < img->width; ++x) h = (h ^ (row[x] & 0x00FFFFFFu)) * 1099511628211ull;
    }
    return h;
  }

  void save_ppm(const char* path) const {
    FILE* f = std::fopen(path, "wb");
    if (!f) return;
    std::fprintf(f, "P6\n%d %d\n255\n", img->width, img->height);
    std::vector<unsigned char> row(static_cast<size_t>(img->width) * 3);
    for (int y = 0; y < img->height; ++y) {
      const auto* px = reinterpret_cast<const uint32_t*>(img->data + y * img->bytes_per_line);
      for (int x = 0; x < img->width; ++x) {
        row[x * 3] = static_cast<unsigned char>(px[x] >> 16);
        row[x * 3 + 1] = static_cast<unsigned char>(px[x] >> 8);
        row[x * 3 + 2] = static_cast<unsigned char>(px[x]);
      }
      std::fwrite(row.data(), 1, row.size(), f);
    }
    std::fclose(f);
  }
};

}  // namespace

int main(int argc, char** argv) {
  int quiet_ms = 3000;
  int i = 1;
  const char* save_first = nullptr;
  for (; i < argc && std::strncmp(argv[i], "--", 2) == 0; ++i) {
    if (std::strncmp(argv[i], "--quiet-ms=", 11) == 0) quiet_ms = std::atoi(argv[i] + 11);
    if (std::strncmp(argv[i], "--save-first=", 13) == 0) save_first = argv[i] + 13;
  }
  if (argc - i < 2) {
    std::fprintf(stderr, "usage: screen_watch [--quiet-ms=N] [--save-first=FILE.ppm] LOG CMD ARGS...\n");
    return 2;
  }
  const char* log = argv[i++];
  Capture cap;
  if (!cap.open()) {
    std::fprintf(stderr, "screen_watch: no X display with MIT-SHM\n");
    return 2;
  }
  const uint64_t blank = cap.hash();
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    setsid();
    const int fd = ::open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    execvp(argv[i], argv + i);
    _exit(127);
  }
  long first = -1, settled = -1, last_change = 0;
  uint64_t last = blank;
  bool have_last = false;
  for (;;) {
    const uint64_t h = cap.hash();
    const long t = static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0).count());
    if (h != blank && first < 0) {
      first = t;
      if (save_first) cap.save_ppm(save_first);
    }
    if (!have_last || h != last) {
      last = h;
      last_change = t;
      have_last = true;
    }
    if (first >= 0 && t - last_change >= quiet_ms) {
      settled = last_change;
      break;
    }
    int status = 0;
    if (t > 60000 || waitpid(pid, &status, WNOHANG) == pid) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::printf("%d %ld %ld\n", static_cast<int>(pid), first, settled);
  return 0;
}
