// CSV tables with a header row (RFC 4180), read record by record on top of LineReader.
//
// A record normally is one line. A quoted field may span lines: the line break is kept as '\n' (CRLF
// inside a quoted field becomes LF) and the record's line number is the line where it starts. Field
// contents are unescaped into one buffer per record; fields are (offset, length) spans into it, so a
// record costs one allocation that is reused for the next.
#include "gatkit/io/csv.hpp"

#include <utility>

#include "gatkit/util/error.hpp"
#include "line_reader.hpp"

namespace gatkit::io {

struct CsvReader::State {
  explicit State(const std::filesystem::path& file) : reader(file) {}
  detail::LineReader reader;
  CsvOptions options;
  std::vector<std::string> header;
  std::string buffer;                                   // unescaped fields of the current record
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // (offset, length) into buffer
  std::uint64_t record_line = 0;
  std::uint64_t records = 0;
  bool first_line = true;

  [[noreturn]] void fail_at(std::uint64_t line, const std::string& message) const {
    throw ParseError(reader.file(), line, message);
  }

  /// Splits the record that starts with `line` into fields; reads more lines for quoted line breaks.
  void parse_record(std::string_view line) {
    buffer.clear();
    spans.clear();
    const char delim = options.delimiter;
    std::size_t i = 0;
    for (;;) {  // one field per iteration
      while (i < line.size() && detail::is_blank(line[i])) ++i;
      const std::size_t start = buffer.size();
      if (i < line.size() && line[i] == '"') {
        const std::uint64_t quote_line = reader.line_number();
        ++i;
        for (;;) {
          const std::size_t q = line.find('"', i);
          if (q == std::string_view::npos) {  // the field goes on on the next line
            buffer.append(line.substr(i));
            buffer.push_back('\n');
            if (buffer.size() > CsvReader::max_record_bytes)
              fail_at(record_line, "a quoted field opened on line " + std::to_string(quote_line) +
                                       " is not closed within " +
                                       std::to_string(CsvReader::max_record_bytes >> 20) + " MiB");
            if (!reader.next(line))
              fail_at(record_line, "a quoted field opened on line " + std::to_string(quote_line) +
                                       " is not closed before the end of the file (expected a closing '\"')");
            i = 0;
            continue;
          }
          buffer.append(line.substr(i, q - i));
          if (q + 1 < line.size() && line[q + 1] == '"') {  // "" inside quotes: one quote
            buffer.push_back('"');
            i = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        spans.emplace_back(start, buffer.size() - start);
        while (i < line.size() && detail::is_blank(line[i])) ++i;
        if (i == line.size()) return;
        if (line[i] != delim)
          fail_at(reader.line_number(), std::string("expected '") + delim +
                                            "' or the end of the line after a closing quote, found " +
                                            detail::quote(line.substr(i, 10)));
        ++i;
      } else {
        std::size_t end = line.find(delim, i);
        const bool last = end == std::string_view::npos;
        if (last) end = line.size();
        const std::string_view value = detail::trim(line.substr(i, end - i));
        if (value.find('"') != std::string_view::npos)
          fail_at(reader.line_number(), "a quote inside the unquoted field " + detail::quote(value) +
                                            "; quote the whole field and double the quotes inside it");
        buffer.append(value);
        spans.emplace_back(start, value.size());
        if (last) return;
        i = end + 1;
      }
      // After a delimiter there is always one more field, possibly empty ("a,b," has three).
    }
  }

  /// The next non-empty record into spans; false at the end.
  bool read_record() {
    std::string_view line;
    for (;;) {
      if (!reader.next(line)) return false;
      if (first_line) {
        first_line = false;
        if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // UTF-8 byte-order mark
      }
      if (!detail::trim(line).empty()) break;
    }
    record_line = reader.line_number();
    parse_record(line);
    return true;
  }
};

CsvReader::CsvReader(const std::filesystem::path& file, const CsvOptions& options)
    : state_(std::make_unique<State>(file)) {
  GATKIT_REQUIRE(options.delimiter != '"' && options.delimiter != '\n' && options.delimiter != '\r',
                 "CSV: the delimiter cannot be a quote or a line break");
  state_->options = options;
  if (!state_->read_record()) {
    if (!state_->reader.saw_any_byte())
      throw ParseError(file, 0, "the file is empty; expected a CSV table with a header row");
    throw ParseError(file, 0, "no header row (the file holds only empty lines)");
  }
  for (const auto& [offset, length] : state_->spans) state_->header.emplace_back(state_->buffer, offset, length);
}

CsvReader::~CsvReader() = default;

const std::filesystem::path& CsvReader::file() const { return state_->reader.file(); }
const std::vector<std::string>& CsvReader::header() const { return state_->header; }
std::uint64_t CsvReader::line_number() const { return state_->record_line; }
std::uint64_t CsvReader::records() const { return state_->records; }

std::ptrdiff_t CsvReader::find_column(const std::string& name) const {
  const auto& h = state_->header;
  for (std::size_t k = 0; k < h.size(); ++k)
    if (h[k] == name) return static_cast<std::ptrdiff_t>(k);
  return -1;
}

std::size_t CsvReader::column(const std::string& name, const std::string& role) const {
  const auto& h = state_->header;
  std::ptrdiff_t found = -1;
  for (std::size_t k = 0; k < h.size(); ++k) {
    if (h[k] != name) continue;
    if (found >= 0)
      throw ParseError(file(), 1,
                       "the " + role + " '" + name + "' is ambiguous: columns " + std::to_string(found + 1) +
                           " and " + std::to_string(k + 1) + " both have that name");
    found = static_cast<std::ptrdiff_t>(k);
  }
  if (found < 0)
    throw ParseError(file(), 1, "no column '" + name + "' (the " + role + "); the header has " +
                                    describe_columns(h));
  return static_cast<std::size_t>(found);
}

bool CsvReader::next() {
  if (!state_->read_record()) return false;
  ++state_->records;
  const std::size_t expected = state_->header.size();
  if (state_->spans.size() != expected)
    fail("expected " + std::to_string(expected) + " field" + (expected == 1 ? "" : "s") + " (" +
         describe_columns(state_->header) + "), found " + std::to_string(state_->spans.size()));
  return true;
}

std::string_view CsvReader::field(std::size_t k) const {
  const auto& [offset, length] = state_->spans.at(k);
  return std::string_view(state_->buffer).substr(offset, length);
}

void CsvReader::fail(const std::string& message) const { state_->fail_at(state_->record_line, message); }

std::string describe_columns(const std::vector<std::string>& header) {
  std::string s = std::to_string(header.size()) + (header.size() == 1 ? " column: " : " columns: ");
  for (std::size_t k = 0; k < header.size() && k < 20; ++k) s += (k ? ", " : "") + detail::quote(header[k]);
  if (header.size() > 20) s += ", ...";
  return s;
}

}  // namespace gatkit::io
