#pragma once
// A strict, streaming reader of CSV tables with a header row (RFC 4180):
//  - fields are separated by the delimiter (',' by default); a field may be quoted with '"', and inside
//    quotes the delimiter, line breaks and doubled quotes ("") are data;
//  - spaces and tabs around a field (outside its quotes) are not part of it;
//  - LF or CRLF line ends, a UTF-8 byte-order mark before the header and a missing final newline are
//    accepted; empty lines (nothing but spaces) are skipped;
//  - every record must have as many fields as the header;
//  - errors are gatkit::ParseError naming the file, the 1-based line where the record starts and what
//    was expected.
// Memory is bounded by the longest record (at most max_record_bytes), whatever the file size.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gatkit::io {

struct CsvOptions {
  char delimiter = ',';
};

class CsvReader {
 public:
  static constexpr std::size_t max_record_bytes = std::size_t{16} << 20;

  /// Opens `file` and reads its header row (an empty file or one without a header is an error).
  explicit CsvReader(const std::filesystem::path& file, const CsvOptions& options = {});
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  const std::filesystem::path& file() const;
  /// The column names, as written (unquoted, trimmed).
  const std::vector<std::string>& header() const;
  /// The index of column `name`. Throws ParseError (line 1) listing the columns when there is no such
  /// column or when two columns have that name; `role` says what the column is for ("label column").
  std::size_t column(const std::string& name, const std::string& role) const;
  /// The index of `name` or -1, without throwing.
  std::ptrdiff_t find_column(const std::string& name) const;

  /// Reads the next record; false at the end of the file.
  bool next();
  /// Field k of the current record (k < header().size()).
  std::string_view field(std::size_t k) const;
  /// The line on which the current record starts (1-based; the header is line 1 unless preceded by
  /// empty lines).
  std::uint64_t line_number() const;
  /// Records read so far (the header excluded).
  std::uint64_t records() const;
  /// Throws ParseError for the current record's line.
  [[noreturn]] void fail(const std::string& message) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// "'a', 'b', 'c'": the columns, for error messages (at most 20 shown).
std::string describe_columns(const std::vector<std::string>& header);

}  // namespace gatkit::io
