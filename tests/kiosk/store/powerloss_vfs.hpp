// A SQLite VFS that simulates a power cut: it remembers, per file, what every
// write since the file's last fsync overwrote, and on powerloss_cut() puts it
// back, as a machine losing its page cache would. The -shm file (memory only
// in effect) is deleted too.
#pragma once

namespace kiosk::test {

inline constexpr const char* kPowerLossVfs = "kiosk-powerloss";

void powerloss_vfs_register();
// After `writes` more writes the machine "dies": every later write, truncate
// and sync is silently dropped. Negative: never (until powerloss_cut()).
void powerloss_arm(long writes);
bool powerloss_dead();
// Close every connection first. Undoes every unsynced write, deletes -shm
// files, and powers the machine back on. Returns the number of writes undone.
long powerloss_cut();

}  // namespace kiosk::test
