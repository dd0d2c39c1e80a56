#pragma once
// Private helpers of the readers in src/io (not installed): buffered, line-numbered reading of text
// files and strict number parsing. Everything here reports problems as gatkit::ParseError.
//
// LineReader reads the file in blocks (so memory stays bounded whatever the file size), hands out one
// line at a time without its '\n' and without a trailing '\r' (CRLF files), accepts a missing final
// newline and counts lines from 1. The numbers are parsed with std::from_chars: the whole token must be
// a number ("12x" is an error), a leading '+' is accepted, overflow is reported as such.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "gatkit/util/error.hpp"
#include "gatkit/util/limits.hpp"

namespace gatkit::io::detail {

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

inline std::string_view trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_blank(s[b])) ++b;
  while (e > b && is_blank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

/// Length of the valid UTF-8 sequence starting at s[i] (2..4), or 0 when there is none. Strict: no
/// overlong forms, no surrogates, nothing above U+10FFFF (what RapidJSON's validation accepts).
inline std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  const unsigned c = at(i);
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xbf;  // range of the second byte
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c == 0xe0) n = 3, lo = 0xa0;
  else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) n = 3;
  else if (c == 0xed) n = 3, hi = 0x9f;
  else if (c == 0xf0) n = 4, lo = 0x90;
  else if (c >= 0xf1 && c <= 0xf3) n = 4;
  else if (c == 0xf4) n = 4, hi = 0x8f;
  if (n == 0 || i + n > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if ((at(i + k) & 0xc0) != 0x80) return 0;
  return n;
}

/// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD.
inline std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      out += s[i++];
    } else if (const std::size_t n = utf8_sequence(s, i); n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xef\xbf\xbd";
      ++i;
    }
  }
  return out;
}

/// A token as shown in error messages: single-quoted, at most 40 bytes, control bytes and bytes that
/// are not valid UTF-8 escaped as \xNN (so that a message about binary garbage stays printable text).
inline std::string quote(std::string_view token) {
  constexpr std::size_t max_shown = 40;
  static const char hex[] = "0123456789abcdef";
  std::string s = "'";
  std::size_t i = 0;
  while (i < token.size() && i < max_shown) {
    const unsigned char c = static_cast<unsigned char>(token[i]);
    if (c >= 0x80) {
      if (const std::size_t n = utf8_sequence(token, i); n > 0) {
        s.append(token.substr(i, n));
        i += n;
        continue;
      }
    }
    if (c < 0x20 || c >= 0x7f) {
      s += "\\x";
      s += hex[c >> 4];
      s += hex[c & 15];
    } else {
      s += static_cast<char>(c);
    }
    ++i;
  }
  if (token.size() > i) s += "...";
  return s + "'";
}

/// Splits a line at runs of spaces and tabs.
class Tokens {
 public:
  explicit Tokens(std::string_view line) : rest_(line) {}
  /// The next token, or false at the end of the line.
  bool next(std::string_view& token) {
    std::size_t i = 0;
    while (i < rest_.size() && is_blank(rest_[i])) ++i;
    if (i == rest_.size()) return false;
    std::size_t j = i;
    while (j < rest_.size() && !is_blank(rest_[j])) ++j;
    token = rest_.substr(i, j - i);
    rest_ = rest_.substr(j);
    return true;
  }

 private:
  std::string_view rest_;
};

enum class NumberStatus { ok, invalid, out_of_range, not_finite };

inline std::string_view strip_plus(std::string_view s) {
  // from_chars rejects a leading '+'; accept exactly one, followed by a digit or '.'.
  if (s.size() >= 2 && s[0] == '+' && (std::isdigit(static_cast<unsigned char>(s[1])) || s[1] == '.'))
    return s.substr(1);
  return s;
}

inline NumberStatus parse_int64(std::string_view s, std::int64_t& out) {
  s = strip_plus(s);
  if (s.empty()) return NumberStatus::invalid;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc::result_out_of_range) {
    // from_chars stops at the first non-digit even when out of range: "99999999999999999999x" is junk.
    return end == s.data() + s.size() ? NumberStatus::out_of_range : NumberStatus::invalid;
  }
  if (ec != std::errc() || end != s.data() + s.size()) return NumberStatus::invalid;
  return NumberStatus::ok;
}

inline NumberStatus parse_uint64(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s[0] == '-' || s[0] == '+') return NumberStatus::invalid;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc::result_out_of_range)
    return end == s.data() + s.size() ? NumberStatus::out_of_range : NumberStatus::invalid;
  if (ec != std::errc() || end != s.data() + s.size()) return NumberStatus::invalid;
  return NumberStatus::ok;
}

/// Decimal or scientific notation; "nan", "inf" and values beyond double range are reported.
inline NumberStatus parse_double(std::string_view s, double& out) {
  s = strip_plus(s);
  if (s.empty()) return NumberStatus::invalid;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, std::chars_format::general);
  if (end != s.data() + s.size()) return NumberStatus::invalid;
  if (ec == std::errc::result_out_of_range) return NumberStatus::out_of_range;
  if (ec != std::errc()) return NumberStatus::invalid;
  if (!std::isfinite(out)) return NumberStatus::not_finite;
  return NumberStatus::ok;
}

/// Reads a text file line by line, counting lines from 1. Text is ASCII or UTF-8: a UTF-8 byte order
/// mark is skipped, a UTF-16/32 one and NUL bytes (binary data) are errors, and no line may be longer
/// than max_line_length bytes (Limits::max_line_length), so a file without line breaks cannot make the
/// reader buffer it whole. Every error about a line consumes that line: a caller that catches it and
/// calls next() again gets the following line.
class LineReader {
 public:
  static constexpr std::size_t block_size = std::size_t{64} << 10;  // grows (doubling) for longer lines

  explicit LineReader(std::filesystem::path file, std::int64_t max_line_length = default_limits().max_line_length)
      : file_(std::move(file)), fp_(nullptr, &std::fclose), max_line_length_(static_cast<std::size_t>(max_line_length)) {
    std::error_code ec;
    if (std::filesystem::is_directory(file_, ec)) throw ParseError(file_, 0, "is a directory, not a file");
    fp_.reset(std::fopen(file_.c_str(), "rb"));
    if (!fp_) throw ParseError(file_, 0, std::string("cannot open: ") + std::strerror(errno));
    buffer_.resize(block_size);
  }

  const std::filesystem::path& file() const { return file_; }
  /// The line last returned by next(), 1-based (0 before the first call).
  std::uint64_t line_number() const { return line_; }
  /// Whether the file holds any byte at all (valid once next() has returned false).
  bool saw_any_byte() const { return saw_any_byte_; }

  /// The next line, without its line end; false at the end of the file.
  bool next(std::string_view& line) {
    for (;;) {
      const char* begin = buffer_.data() + begin_;
      const void* nl = std::memchr(begin, '\n', end_ - begin_);
      if (nl != nullptr) {
        const std::size_t len = static_cast<const char*>(nl) - begin;
        line = std::string_view(begin, len);
        begin_ += len + 1;
        return finish(line);
      }
      if (eof_) {
        if (begin_ == end_) return false;
        line = std::string_view(begin, end_ - begin_);  // last line without a final newline
        begin_ = end_;
        return finish(line);
      }
      fill();
    }
  }

  /// Throws ParseError for the current line.
  [[noreturn]] void fail(const std::string& message) const { throw ParseError(file_, line_, message); }

 private:
  bool finish(std::string_view& line) {
    ++line_;
    if (line.size() > max_line_length_) fail_line_length(line_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_ == 1) {
      if (line.substr(0, 3) == "\xef\xbb\xbf") line.remove_prefix(3);  // UTF-8 byte order mark
      else if (line.substr(0, 2) == "\xff\xfe" || line.substr(0, 2) == "\xfe\xff")
        fail("the file starts with a UTF-16 (or UTF-32) byte order mark; expected ASCII or UTF-8 text "
             "(convert it, e.g. iconv -f UTF-16 -t UTF-8)");
    }
    if (const void* nul = std::memchr(line.data(), '\0', line.size()); nul != nullptr)
      fail("unexpected NUL byte in column " +
           std::to_string(static_cast<const char*>(nul) - line.data() + 1) +
           "; expected text (is this a binary file, or UTF-16 text?)");
    return true;
  }

  [[noreturn]] void fail_line_length(std::uint64_t line) const {
    throw ParseError(file_, line,
                     "the line " +
                         ::gatkit::detail::limit_note(static_cast<std::int64_t>(max_line_length_), "bytes per line",
                                                      "max_line_length", "max-line-length") +
                         "; is this a text file?");
  }

  /// Drops the partial line in the buffer and the rest of it up to its '\n', and counts it, so that
  /// after the error about it next() goes on with the following line (readers that skip bad records,
  /// such as the SDF reader, rely on every error moving forward).
  void discard_current_line() {
    ++line_;
    for (;;) {
      begin_ = end_ = 0;
      if (eof_) return;
      const std::size_t got = std::fread(buffer_.data(), 1, buffer_.size(), fp_.get());
      if (got < buffer_.size()) {
        if (std::ferror(fp_.get())) throw ParseError(file_, line_, std::string("read error: ") + std::strerror(errno));
        eof_ = true;
      }
      end_ = got;
      if (const void* nl = std::memchr(buffer_.data(), '\n', got); nl != nullptr) {
        begin_ = static_cast<std::size_t>(static_cast<const char*>(nl) - buffer_.data()) + 1;
        return;
      }
    }
  }

  void fill() {
    // Keep the partial line, move it to the front, grow the buffer when one line fills it.
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ > max_line_length_) {  // the partial line is already too long: skip it, then report it
      discard_current_line();
      fail_line_length(line_);
    }
    if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    const std::size_t got = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, fp_.get());
    if (got < buffer_.size() - end_) {
      if (std::ferror(fp_.get()))
        throw ParseError(file_, line_ + 1, std::string("read error: ") + std::strerror(errno));
      eof_ = true;
    }
    if (got > 0) saw_any_byte_ = true;
    end_ += got;
  }

  std::filesystem::path file_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> fp_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  bool saw_any_byte_ = false;
  std::uint64_t line_ = 0;
  std::size_t max_line_length_;
};

// ---- parse-or-throw helpers: `what` names the expected thing, e.g. "a node id" ---------------------

inline std::int64_t int_or_fail(const LineReader& r, std::string_view token, const std::string& what) {
  std::int64_t v = 0;
  switch (parse_int64(token, v)) {
    case NumberStatus::ok:
      return v;
    case NumberStatus::out_of_range:
      r.fail("expected " + what + ", found " + quote(token) + " (does not fit in a 64-bit integer)");
    default:
      r.fail("expected " + what + " (an integer), found " + quote(token));
  }
}

/// A finite double.
inline double double_or_fail(const LineReader& r, std::string_view token, const std::string& what) {
  double v = 0;
  switch (parse_double(token, v)) {
    case NumberStatus::ok:
      return v;
    case NumberStatus::out_of_range:
      r.fail("expected " + what + ", found " + quote(token) + " (out of range)");
    case NumberStatus::not_finite:
      r.fail("expected " + what + ", found " + quote(token) + " (not a finite number)");
    default:
      r.fail("expected " + what + " (a number), found " + quote(token));
  }
}

/// A finite double that also fits in a float.
inline float float_or_fail(const LineReader& r, std::string_view token, const std::string& what) {
  const double v = double_or_fail(r, token, what);
  if (std::fabs(v) > static_cast<double>(std::numeric_limits<float>::max()))
    r.fail("expected " + what + ", found " + quote(token) + " (out of range for a 32-bit float)");
  return static_cast<float>(v);
}

}  // namespace gatkit::io::detail
