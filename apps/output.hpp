#pragma once
// Output helpers for the command line: atomic file writes and a JSON builder over RapidJSON.
#include <filesystem>
#include <fstream>
#include <string>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "gatkit/util/error.hpp"

namespace gatkit::cli {

/// Writes `text` to `file` through a temporary file in the same folder and a rename, so an existing
/// file is never left half-written.
inline void write_file_atomically(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write " + tmp.string());
    out << text;
    out.flush();
    if (!out) throw Error("error while writing " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw Error("cannot move " + tmp.string() + " to " + file.string());
  }
}

/// Appends JSON lines to a log file, flushing each so that a crashed run leaves a readable log.
class JsonLinesLog {
 public:
  JsonLinesLog() = default;
  explicit JsonLinesLog(const std::filesystem::path& file) : out_(file, std::ios::trunc) {
    if (!out_) throw Error("cannot write log " + file.string());
  }
  bool enabled() const { return out_.is_open(); }
  void write(const std::string& json_object) {
    if (!enabled()) return;
    out_ << json_object << '\n';
    out_.flush();
  }

 private:
  std::ofstream out_;
};

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;
using PrettyJsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

}  // namespace gatkit::cli
