// Small files of the data directory (config.json, device-token, the hub's
// CA copy): read whole, and replaced atomically.
#pragma once
#include <sys/types.h>

#include <string>

#include "kiosk/base/expected.hpp"

namespace kiosk {

// The whole file; "" and *exists = false when it cannot be opened.
std::string read_whole_file(const std::string& path, bool* exists = nullptr);

// Written to a temporary file created with `mode`, fsynced, renamed over
// `path`, the directory fsynced: a crash leaves the old file or the new one,
// never half of one. Errors: "io".
Status write_file_atomic(const std::string& path, const std::string& data, mode_t mode);

// The data directory private to the kiosk's user: the directory and every
// directory below it 0700, every file 0600. Symbolic links are neither
// followed nor changed. Returns how many modes were changed; an entry it
// cannot fix is logged (by name, never content) and the walk goes on.
int make_private_tree(const std::string& root);

}  // namespace kiosk
