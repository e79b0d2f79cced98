// A SQLite VFS that wraps the default one and fails writes on command, the
// way a full disk (ENOSPC -> SQLITE_FULL) or a file system gone read-only
// (EROFS) fails them. Open a store with StoreOptions::vfs = kFaultyVfs.
#pragma once

namespace kiosk::test {

inline constexpr const char* kFaultyVfs = "kiosk-faulty";

enum class Fault { None, DiskFull, ReadOnly };

// Registers the VFS once (not as the default).
void faulty_vfs_register();
// From now on, let `writes_before` more writes through, then fail every write,
// truncate and delete until disarmed.
void faulty_vfs_arm(Fault fault, int writes_before = 0);
void faulty_vfs_disarm();
// Writes that reached the real VFS since registration, and writes refused.
long faulty_vfs_writes();
long faulty_vfs_refused();

}  // namespace kiosk::test
