#pragma once
// Errors. User-facing problems (bad files, bad options, mismatched checkpoints) throw gatkit::Error or
// one of its subclasses; internal invariants use assert. Only main() catches and turns errors into exit
// codes, so library code never calls exit() and never prints.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace gatkit {

/// Base of every exception gatkit throws on purpose.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// A problem in an input file. what() reads "FILE:LINE: MESSAGE" (line omitted when 0), for example
/// "cora/edges.txt:17: expected two node ids, found 'x12'".
class ParseError : public Error {
 public:
  ParseError(std::filesystem::path file, std::uint64_t line, const std::string& message)
      : Error(format(file, line, message)), file_(std::move(file)), line_(line), message_(message) {}

  const std::filesystem::path& file() const { return file_; }
  std::uint64_t line() const { return line_; }          ///< 1-based; 0 when not about one line
  const std::string& reason() const { return message_; }

 private:
  static std::string format(const std::filesystem::path& file, std::uint64_t line,
                            const std::string& message) {
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on chained operator+.
    std::string s = file.string();
    if (line > 0) {
      s.append(":");
      s.append(std::to_string(line));
    }
    s.append(": ");
    s.append(message);
    return s;
  }
  std::filesystem::path file_;
  std::uint64_t line_;
  std::string message_;
};

/// Invalid option, configuration or shape supplied by the caller.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

}  // namespace gatkit

/// Throws gatkit::InvalidArgument with `message` (any expression convertible to std::string) unless cond.
#define GATKIT_REQUIRE(cond, message)                                      \
  do {                                                                     \
    if (!(cond)) throw ::gatkit::InvalidArgument(std::string(message));    \
  } while (0)
