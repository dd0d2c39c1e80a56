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

}  // namespace

void write_file_atomically(const std::filesystem::path& file, const std::function<void(std::ostream&)>& write) {
  std::filesystem::path tmp = file;
  tmp += ".tmp";
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

void check_writable(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.empty()) throw Error("cannot write an output file with an empty name");
  if (std::filesystem::is_directory(file, ec))
    throw Error("cannot write " + file.string() + ": it is a folder (give a file name)");
  const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(folder, ec))
    throw Error("cannot write " + file.string() + ": its folder " + folder.string() + " does not exist");
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  const bool existed = std::filesystem::exists(tmp, ec);
  {
    std::ofstream probe(tmp, std::ios::binary | std::ios::app);
    if (!probe) throw Error("cannot write " + file.string() + ": cannot create " + tmp.string() + " (" + std::strerror(errno) + ")");
  }
  if (!existed) std::filesystem::remove(tmp, ec);
}

}  // namespace gatkit
