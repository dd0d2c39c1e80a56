#include "gatkit/util/files.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "gatkit/util/error.hpp"

namespace gatkit {

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
    write(out);
    out.flush();
    if (!out) fail("error while writing " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    const std::string reason = ec.message();
    std::filesystem::remove(tmp, ec);
    throw Error("cannot move " + tmp.string() + " to " + file.string() + ": " + reason);
  }
}

void write_file_atomically(const std::filesystem::path& file, std::string_view bytes) {
  write_file_atomically(file, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

}  // namespace gatkit
