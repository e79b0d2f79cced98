#include "powerloss_vfs.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace kiosk::test {

namespace {

struct Undo {
  sqlite3_int64 offset;
  std::string old_bytes;
  sqlite3_int64 old_size;
};

std::mutex g_mu;
std::map<std::string, std::vector<Undo>> g_undo;  // path -> unsynced writes, oldest first
std::vector<std::string> g_shm;                   // -shm files seen
std::atomic<long> g_left{-1};
std::atomic<bool> g_dead{false};
sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;

struct PlFile {
  sqlite3_file base;
  sqlite3_file* real;
  std::string* path;  // null for temp files
};

PlFile* pl(sqlite3_file* f) { return reinterpret_cast<PlFile*>(f); }
sqlite3_file* real_of(sqlite3_file* f) { return pl(f)->real; }

// True when this call must be dropped because the machine is dead.
bool dead_now() {
  if (g_dead) return true;
  if (g_left.load() >= 0 && g_left.fetch_sub(1) == 0) g_dead = true;
  return g_dead;
}

void remember(sqlite3_file* f, sqlite3_int64 off, sqlite3_int64 len) {
  if (!pl(f)->path) return;
  sqlite3_int64 size = 0;
  real_of(f)->pMethods->xFileSize(real_of(f), &size);
  Undo u{off, {}, size};
  const sqlite3_int64 n = std::max<sqlite3_int64>(0, std::min(len, size - off));
  if (n > 0) {
    u.old_bytes.resize(static_cast<size_t>(n));
    real_of(f)->pMethods->xRead(real_of(f), u.old_bytes.data(), static_cast<int>(n), off);
  }
  std::lock_guard lock(g_mu);
  g_undo[*pl(f)->path].push_back(std::move(u));
}

int x_close(sqlite3_file* f) {
  int rc = real_of(f)->pMethods ? real_of(f)->pMethods->xClose(real_of(f)) : SQLITE_OK;
  delete pl(f)->path;
  return rc;
}
int x_read(sqlite3_file* f, void* b, int n, sqlite3_int64 o) {
  return real_of(f)->pMethods->xRead(real_of(f), b, n, o);
}
int x_write(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
  if (dead_now()) return SQLITE_OK;
  remember(f, o, n);
  return real_of(f)->pMethods->xWrite(real_of(f), b, n, o);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (dead_now()) return SQLITE_OK;
  sqlite3_int64 cur = 0;
  real_of(f)->pMethods->xFileSize(real_of(f), &cur);
  if (cur > size) remember(f, size, cur - size);
  return real_of(f)->pMethods->xTruncate(real_of(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  if (g_dead) return SQLITE_OK;
  int rc = real_of(f)->pMethods->xSync(real_of(f), flags);
  if (rc == SQLITE_OK && pl(f)->path) {
    std::lock_guard lock(g_mu);
    g_undo.erase(*pl(f)->path);  // durable now
  }
  return rc;
}
int x_file_size(sqlite3_file* f, sqlite3_int64* s) { return real_of(f)->pMethods->xFileSize(real_of(f), s); }
int x_lock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xLock(real_of(f), l); }
int x_unlock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xUnlock(real_of(f), l); }
int x_check_reserved(sqlite3_file* f, int* o) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), o); }
int x_file_control(sqlite3_file* f, int op, void* a) { return real_of(f)->pMethods->xFileControl(real_of(f), op, a); }
int x_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int x_device(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
int x_shm_map(sqlite3_file* f, int pg, int sz, int ext, void volatile** p) {
  return real_of(f)->pMethods->xShmMap(real_of(f), pg, sz, ext, p);
}
int x_shm_lock(sqlite3_file* f, int off, int n, int fl) { return real_of(f)->pMethods->xShmLock(real_of(f), off, n, fl); }
void x_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int x_shm_unmap(sqlite3_file* f, int del) { return real_of(f)->pMethods->xShmUnmap(real_of(f), del); }
int x_fetch(sqlite3_file*, sqlite3_int64, int, void** pp) {
  *pp = nullptr;  // no mmap: every write goes through x_write
  return SQLITE_OK;
}
int x_unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods kMethods = {3, x_close, x_read, x_write, x_truncate, x_sync, x_file_size, x_lock,
                                     x_unlock, x_check_reserved, x_file_control, x_sector_size, x_device,
                                     x_shm_map, x_shm_lock, x_shm_barrier, x_shm_unmap, x_fetch, x_unfetch};

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out) {
  auto* p = pl(f);
  p->real = reinterpret_cast<sqlite3_file*>(p + 1);
  p->path = nullptr;
  std::memset(p->real, 0, static_cast<size_t>(g_real->szOsFile));
  int rc = g_real->xOpen(g_real, name, p->real, flags, out);
  if (p->real->pMethods) {
    if (name && !(flags & SQLITE_OPEN_DELETEONCLOSE)) {
      p->path = new std::string(name);
      std::lock_guard lock(g_mu);
      g_shm.push_back(std::string(name) + "-shm");
    }
    f->pMethods = &kMethods;
  } else {
    f->pMethods = nullptr;
  }
  return rc;
}
int v_delete(sqlite3_vfs*, const char* n, int s) {
  if (g_dead) return SQLITE_OK;
  return g_real->xDelete(g_real, n, s);
}
int v_access(sqlite3_vfs*, const char* n, int f, int* o) { return g_real->xAccess(g_real, n, f, o); }
int v_full(sqlite3_vfs*, const char* n, int k, char* o) { return g_real->xFullPathname(g_real, n, k, o); }
void* v_dlopen(sqlite3_vfs*, const char* f) { return g_real->xDlOpen(g_real, f); }
void v_dlerror(sqlite3_vfs*, int n, char* m) { g_real->xDlError(g_real, n, m); }
void (*v_dlsym(sqlite3_vfs*, void* h, const char* s))(void) { return g_real->xDlSym(g_real, h, s); }
void v_dlclose(sqlite3_vfs*, void* h) { g_real->xDlClose(g_real, h); }
int v_random(sqlite3_vfs*, int n, char* o) { return g_real->xRandomness(g_real, n, o); }
int v_sleep(sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); }
int v_time(sqlite3_vfs*, double* t) { return g_real->xCurrentTime(g_real, t); }
int v_last_error(sqlite3_vfs*, int n, char* b) { return g_real->xGetLastError(g_real, n, b); }
int v_time64(sqlite3_vfs*, sqlite3_int64* t) { return g_real->xCurrentTimeInt64(g_real, t); }

}  // namespace

void powerloss_vfs_register() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_real = sqlite3_vfs_find(nullptr);
    std::memset(&g_vfs, 0, sizeof g_vfs);
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(PlFile)) + g_real->szOsFile;
    g_vfs.mxPathname = g_real->mxPathname;
    g_vfs.zName = kPowerLossVfs;
    g_vfs.xOpen = v_open;
    g_vfs.xDelete = v_delete;
    g_vfs.xAccess = v_access;
    g_vfs.xFullPathname = v_full;
    g_vfs.xDlOpen = v_dlopen;
    g_vfs.xDlError = v_dlerror;
    g_vfs.xDlSym = v_dlsym;
    g_vfs.xDlClose = v_dlclose;
    g_vfs.xRandomness = v_random;
    g_vfs.xSleep = v_sleep;
    g_vfs.xCurrentTime = v_time;
    g_vfs.xGetLastError = v_last_error;
    g_vfs.xCurrentTimeInt64 = v_time64;
    sqlite3_vfs_register(&g_vfs, 0);
  });
}

void powerloss_arm(long writes) {
  g_dead = writes == 0;
  g_left = writes;
}

bool powerloss_dead() { return g_dead; }

long powerloss_cut() {
  std::lock_guard lock(g_mu);
  long undone = 0;
  for (auto& [path, undos] : g_undo) {
    const int fd = ::open(path.c_str(), O_RDWR);
    if (fd < 0) continue;
    for (auto it = undos.rbegin(); it != undos.rend(); ++it, ++undone) {
      if (!it->old_bytes.empty() &&
          ::pwrite(fd, it->old_bytes.data(), it->old_bytes.size(), it->offset) < 0)
        break;
      if (::ftruncate(fd, it->old_size) != 0) break;
    }
    ::close(fd);
  }
  g_undo.clear();
  for (const auto& shm : g_shm) ::unlink(shm.c_str());
  g_shm.clear();
  g_dead = false;
  g_left = -1;
  return undone;
}

}  // namespace kiosk::test
