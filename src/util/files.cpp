#include "gatkit/util/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

/// fsync(2) on `path` (a file, or a folder to make a rename durable); false on failure.
bool sync_path(const std::filesystem::path& path, bool folder) {
  const int fd = ::open(path.empty() ? "." : path.c_str(), folder ? O_RDONLY | O_DIRECTORY : O_WRONLY);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

/// Where writing `file` goes: a symbolic link's target (so that `latest.gk -> runs/7/model.gk` keeps being
/// a link, to a new model), else `file` itself.
std::filesystem::path destination(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_symlink(file, ec)) return file;
  const std::filesystem::path target = std::filesystem::weakly_canonical(file, ec);
  return ec ? file : target;
}

/// A FIFO, a character device (/dev/stdout, /dev/null), a socket: something that exists, is neither a
/// regular file nor a folder, and cannot be replaced by a rename without harm; it is written in place.
bool is_special(const std::filesystem::path& file) {
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(file, ec);
  return !ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st) &&
         !std::filesystem::is_directory(st);
}

/// The temporary that write_file_atomically writes beside `file` before the rename.
std::filesystem::path temporary_of(const std::filesystem::path& file) {
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  return tmp;
}

}  // namespace

void write_file_atomically(const std::filesystem::path& requested, const std::function<void(std::ostream&)>& write) {
  if (is_special(requested)) {  // a stream to its reader: written as it comes, no temporary
    std::ofstream out(requested, std::ios::binary);
    if (!out) throw Error("cannot write " + requested.string() + " (" + std::strerror(errno) + ")");
    write(out);
    out.flush();
    if (!out) throw Error("cannot write " + requested.string() + ": error while writing");
    return;
  }
  const std::filesystem::path file = destination(requested);
  const std::filesystem::path tmp = temporary_of(file);
  auto fail = [&](const std::string& what) {
    const std::string reason = std::strerror(errno);
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw Error("cannot write " + file.string() + ": " + what + " (" + reason + ")");
  };
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail("cannot create " + tmp.string());
    try {
      write(out);
    } catch (...) {  // an interrupted write: the final name keeps what it had, the temporary goes
      out.close();
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw;
    }
    out.flush();
    if (!out) fail("error while writing " + tmp.string());
  }
  // On disk before the rename: after a crash or a power cut the final name holds the old file or the
  // whole new one, never a prefix of it.
  if (!sync_path(tmp, false)) fail("cannot flush " + tmp.string() + " to disk");
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    const std::string reason = ec.message();
    std::filesystem::remove(tmp, ec);
    throw Error("cannot move " + tmp.string() + " to " + file.string() + ": " + reason);
  }
  sync_path(file.parent_path(), true);  // the rename itself; best effort (some file systems refuse)
}

void write_file_atomically(const std::filesystem::path& file, std::string_view bytes) {
  write_file_atomically(file, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

void check_writable(const std::filesystem::path& requested) {
  std::error_code ec;
  if (requested.empty()) throw Error("cannot write an output file with an empty name");
  if (is_special(requested)) return;  // opening a FIFO to find out would wait for its reader
  const std::filesystem::path file = destination(requested);
  if (std::filesystem::is_directory(file, ec))
    throw Error("cannot write " + file.string() + ": it is a folder (give a file name)");
  const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(folder, ec))
    throw Error("cannot write " + file.string() + ": its folder " + folder.string() + " does not exist");
  const std::filesystem::path tmp = temporary_of(file);
  const bool existed = std::filesystem::exists(tmp, ec);
  {
    std::ofstream probe(tmp, std::ios::binary | std::ios::app);
    if (!probe) throw Error("cannot write " + file.string() + ": cannot create " + tmp.string() + " (" + std::strerror(errno) + ")");
  }
  if (!existed) std::filesystem::remove(tmp, ec);
}

}  // namespace gatkit
