#pragma once
// Output helpers for the command line: atomic file writes and a JSON builder over RapidJSON.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "gatkit/util/error.hpp"
#include "gatkit/util/files.hpp"

namespace gatkit::cli {

using gatkit::write_file_atomically;

/// v with `digits` decimals, for the human-readable lines.
inline std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

/// "1 thread", "2 threads": the count for the human-readable lines.
inline std::string threads_text(int n) { return std::to_string(n) + (n == 1 ? " thread" : " threads"); }

/// s as one CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a line break.
inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
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

/// Runs emit on the file `out` (through a temporary file and a rename) or, when `out` is empty, on standard
/// output, so that rows can be written as they are made rather than gathered in memory first.
inline void write_output(const std::string& out, const std::function<void(std::ostream&)>& emit) {
  if (!out.empty()) {
    write_file_atomically(out, emit);
  } else {
    emit(std::cout);
    std::cout.flush();
  }
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;
using PrettyJsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

/// JSON has no NaN: an undefined figure (a metric of a task without labels, ...) is written as null.
template <class Writer>
void json_number(Writer& w, double v) {
  if (std::isnan(v)) w.Null();
  else w.Double(v);
}

}  // namespace gatkit::cli
