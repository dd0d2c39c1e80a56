#pragma once
// Output files are written beside their destination and renamed into place, so that a crash or a full
// disk never leaves a half-written file where a user's result (or an older good copy) was.
#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

namespace gatkit {

/// Calls write(stream) on `file`.tmp, flushes it to disk (fsync), then renames it to `file`. On any
/// failure, an exception thrown by `write` included, the temporary is removed, `file` keeps what it
/// had, and gatkit::Error (or write's exception) names the file and the reason. A symbolic link is
/// followed (the temporary goes beside its target, which the rename replaces: the link stays a link); a
/// FIFO, character device or socket (/dev/stdout, a process substitution) is written in place, since
/// replacing it with a regular file would cut off its reader.
void write_file_atomically(const std::filesystem::path& file, const std::function<void(std::ostream&)>& write);

/// The same for bytes already in memory.
void write_file_atomically(const std::filesystem::path& file, std::string_view bytes);

/// Throws gatkit::Error when write_file_atomically(file, ...) could not work: `file` is a folder, its
/// folder does not exist, or nothing can be created there (permissions, a read-only file system); it
/// creates and removes `file`.tmp to find out. For checking where results will go before a long run
/// rather than after it.
void check_writable(const std::filesystem::path& file);

}  // namespace gatkit
