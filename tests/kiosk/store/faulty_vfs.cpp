#include "faulty_vfs.hpp"

#include <sqlite3.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace kiosk::test {

namespace {

std::atomic<Fault> g_fault{Fault::None};
std::atomic<long> g_allow{0};
std::atomic<long> g_writes{0};
std::atomic<long> g_refused{0};
std::atomic<int> g_last_errno{0};
sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;

struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<FaultyFile*>(f)->real; }

// 0 to let the call through, else the error the real VFS would have returned.
int injected(int ioerr_code) {
  const Fault f = g_fault.load();
  if (f == Fault::None) return 0;
  if (g_allow.fetch_sub(1) > 0) return 0;
  g_allow = 0;
  ++g_refused;
  if (f == Fault::DiskFull) {
    g_last_errno = ENOSPC;
    errno = ENOSPC;
    // os_unix.c turns ENOSPC on write into SQLITE_FULL.
    return ioerr_code == SQLITE_IOERR_WRITE ? SQLITE_FULL : ioerr_code;
  }
  g_last_errno = EROFS;
  errno = EROFS;
  return ioerr_code;
}

int x_close(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  return r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
}
int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return real_of(f)->pMethods->xRead(real_of(f), buf, n, off);
}
int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (int rc = injected(SQLITE_IOERR_WRITE)) return rc;
  ++g_writes;
  return real_of(f)->pMethods->xWrite(real_of(f), buf, n, off);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (int rc = injected(SQLITE_IOERR_TRUNCATE)) return rc;
  return real_of(f)->pMethods->xTruncate(real_of(f), size);
}
// fsync is not failed: a failed sync after a complete commit frame is a
// different fault (the transaction may reappear at recovery), not a full disk.
int x_sync(sqlite3_file* f, int flags) {
  return real_of(f)->pMethods->xSync(real_of(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real_of(f)->pMethods->xFileSize(real_of(f), size);
}
int x_lock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xLock(real_of(f), l); }
int x_unlock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xUnlock(real_of(f), l); }
int x_check_reserved(sqlite3_file* f, int* out) {
  return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int x_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int x_device_characteristics(sqlite3_file* f) {
  return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}
int x_shm_map(sqlite3_file* f, int pg, int sz, int extend, void volatile** p) {
  return real_of(f)->pMethods->xShmMap(real_of(f), pg, sz, extend, p);
}
int x_shm_lock(sqlite3_file* f, int off, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), off, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int x_shm_unmap(sqlite3_file* f, int del) {
  return real_of(f)->pMethods->xShmUnmap(real_of(f), del);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 off, int amt, void** pp) {
  // No memory-mapped I/O: every write must pass through x_write.
  (void)f, (void)off, (void)amt;
  *pp = nullptr;
  return SQLITE_OK;
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  (void)f, (void)off, (void)p;
  return SQLITE_OK;
}

const sqlite3_io_methods kMethods = {
    3,           x_close,       x_read,       x_write,       x_truncate,
    x_sync,      x_file_size,   x_lock,       x_unlock,      x_check_reserved,
    x_file_control, x_sector_size, x_device_characteristics, x_shm_map, x_shm_lock,
    x_shm_barrier, x_shm_unmap, x_fetch,      x_unfetch,
};

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* ff = reinterpret_cast<FaultyFile*>(f);
  ff->real = reinterpret_cast<sqlite3_file*>(ff + 1);
  std::memset(ff->real, 0, static_cast<size_t>(g_real->szOsFile));
  int rc = g_real->xOpen(g_real, name, ff->real, flags, out_flags);
  // SQLite calls xClose only if pMethods is set; keep ours unset if the real open failed.
  f->pMethods = ff->real->pMethods ? &kMethods : nullptr;
  return rc;
}
int v_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  if (int rc = injected(SQLITE_IOERR_DELETE)) return rc;
  return g_real->xDelete(g_real, name, sync_dir);
}
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
void* v_dl_open(sqlite3_vfs*, const char* f) { return g_real->xDlOpen(g_real, f); }
void v_dl_error(sqlite3_vfs*, int n, char* m) { g_real->xDlError(g_real, n, m); }
void (*v_dl_sym(sqlite3_vfs*, void* h, const char* s))(void) {
  return g_real->xDlSym(g_real, h, s);
}
void v_dl_close(sqlite3_vfs*, void* h) { g_real->xDlClose(g_real, h); }
int v_randomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int v_sleep(sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); }
int v_current_time(sqlite3_vfs*, double* t) { return g_real->xCurrentTime(g_real, t); }
int v_get_last_error(sqlite3_vfs*, int n, char* buf) {
  // What the real VFS reports is the thread's errno; the injected one wins.
  if (int e = g_last_errno.load()) return e;
  return g_real->xGetLastError(g_real, n, buf);
}
int v_current_time_int64(sqlite3_vfs*, sqlite3_int64* t) {
  return g_real->xCurrentTimeInt64(g_real, t);
}

}  // namespace

void faulty_vfs_register() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_real = sqlite3_vfs_find(nullptr);
    std::memset(&g_vfs, 0, sizeof g_vfs);
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(FaultyFile)) + g_real->szOsFile;
    g_vfs.mxPathname = g_real->mxPathname;
    g_vfs.zName = kFaultyVfs;
    g_vfs.xOpen = v_open;
    g_vfs.xDelete = v_delete;
    g_vfs.xAccess = v_access;
    g_vfs.xFullPathname = v_full_pathname;
    g_vfs.xDlOpen = v_dl_open;
    g_vfs.xDlError = v_dl_error;
    g_vfs.xDlSym = v_dl_sym;
    g_vfs.xDlClose = v_dl_close;
    g_vfs.xRandomness = v_randomness;
    g_vfs.xSleep = v_sleep;
    g_vfs.xCurrentTime = v_current_time;
    g_vfs.xGetLastError = v_get_last_error;
    g_vfs.xCurrentTimeInt64 = v_current_time_int64;
    sqlite3_vfs_register(&g_vfs, 0);
  });
}

void faulty_vfs_arm(Fault fault, int writes_before) {
  g_allow = writes_before;
  g_last_errno = 0;
  g_fault = fault;
}

void faulty_vfs_disarm() {
  g_fault = Fault::None;
  g_last_errno = 0;
}

long faulty_vfs_writes() { return g_writes.load(); }
long faulty_vfs_refused() { return g_refused.load(); }

}  // namespace kiosk::test
