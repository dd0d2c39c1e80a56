#pragma once
// JSON parsing with exact numbers. RapidJSON 1.1.0's own number conversion has undefined-behaviour paths
// on hostile input: its full-precision path (kParseFullPrecisionFlag) normalises a zero significand with
// __builtin_clzll(0) ("0e308", "0.000...0") and indexes its table of cached powers out of bounds for a
// number of many digits near the end of the double range ("222...2e308": fuzz/regressions/json); its
// default path rounds differently across builds. parse_json() lets RapidJSON parse the syntax only
// (kParseNumbersAsStringsFlag) and converts every number itself: integers as RapidJSON types them (Int,
// Uint, Int64, Uint64; beyond 64 bits a double), everything else with std::from_chars (correctly rounded,
// so the shortest form a writer produces reads back bit for bit). A number below the smallest double
// reads as (signed) zero, as strtod gives; one beyond the largest is an error. Private to the library.
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "json_scan.hpp"

namespace gatkit::detail {

/// Rewrites numbers whose digits are all zero but that have a fraction or an exponent ("0e308",
/// "-0.00E+5", "0.000...0" with many zeros) as "0" or "-0" padded with spaces (offsets, hence line
/// numbers, stay). RapidJSON's syntax check refuses an exponent over 308 even on a zero ("0e400"), which
/// is zero all the same; before parse_json converted numbers itself, this also kept zeros away from
/// RapidJSON's __builtin_clzll(0).
/// Strings are skipped; malformed numbers are left for the parser to report.
inline void neutralise_zero_exponents(std::string& text) {
  scan_outside_strings(text, [&](std::size_t k) {
    const char c = text[k];
    if (c != '-' && (c < '0' || c > '9')) return k;
    // A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    const auto digit = [&](std::size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
    std::size_t end = k + (c == '-' ? 1 : 0);
    const std::size_t digits_from = end;
    bool zero = true;
    if (digit(end) && text[end] == '0') {
      ++end;
      if (digit(end)) return k;  // "00", "01": not a JSON number, the parser reports it
    } else {
      for (; digit(end); ++end) zero = false;
    }
    if (end < text.size() && text[end] == '.' && digit(end + 1))
      for (++end; digit(end); ++end) zero = zero && text[end] == '0';
    const bool exponent_marker = end < text.size() && (text[end] == 'e' || text[end] == 'E');
    std::size_t exp_end = end + 1;
    if (exponent_marker && exp_end < text.size() && (text[exp_end] == '+' || text[exp_end] == '-')) ++exp_end;
    const bool exponent = exponent_marker && digit(exp_end);
    if (exponent) {
      while (digit(exp_end)) ++exp_end;
      end = exp_end;
    }
    if (end == digits_from) return k;  // a lone '-'
    if (zero && end - digits_from > 1) {  // "0.000...", "0e5": not plain "0"
      text[digits_from] = '0';
      std::fill(text.begin() + static_cast<std::ptrdiff_t>(digits_from) + 1, text.begin() + static_cast<std::ptrdiff_t>(end), ' ');
    }
    return end - 1;
  });
}

/// The outcome of parse_json: RapidJSON's result (its offset is where parsing stopped), and whether a
/// number beyond the range of a double stopped it (the result is then kParseErrorTermination).
struct JsonParseResult {
  rapidjson::ParseResult result;
  bool number_too_large = false;
  bool ok() const { return !result.IsError(); }
  /// Why parsing failed, for "invalid JSON: <message>" errors.
  std::string message() const {
    return number_too_large ? "a number beyond the range of a double (about 1.8e308)"
                            : rapidjson::GetParseError_En(result.Code());
  }
};

/// The power of ten of the leading significant digit of a JSON number's text ("123" 2, "0.05" -2, "1e5"
/// 5), the exponent saturated at +-1e9; 0 when every digit is zero.
inline std::int64_t decimal_magnitude(const char* s, const char* end) {
  if (s < end && *s == '-') ++s;
  std::int64_t integer_digits = 0, fraction_zeros = 0;
  bool seen = false;  // a nonzero digit
  for (; s < end && *s >= '0' && *s <= '9'; ++s) {
    if (*s != '0') seen = true;
    if (seen) ++integer_digits;
  }
  if (s < end && *s == '.')
    for (++s; s < end && *s >= '0' && *s <= '9'; ++s) {
      if (*s != '0') seen = true;
      if (!seen) ++fraction_zeros;
    }
  if (!seen) return 0;
  std::int64_t exponent = 0;
  if (s < end && (*s == 'e' || *s == 'E')) {
    ++s;
    const bool minus = s < end && *s == '-';
    if (s < end && (*s == '-' || *s == '+')) ++s;
    for (; s < end && *s >= '0' && *s <= '9'; ++s) exponent = std::min<std::int64_t>(exponent * 10 + (*s - '0'), 1000000000);
    if (minus) exponent = -exponent;
  }
  return (integer_digits > 0 ? integer_digits - 1 : -(fraction_zeros + 1)) + exponent;
}

/// RapidJSON SAX events into `doc`'s handler, with numbers (raw text, kParseNumbersAsStringsFlag)
/// converted as the header says.
template <class Document>
class ExactNumberHandler {
 public:
  using Ch = typename Document::Ch;
  explicit ExactNumberHandler(Document& doc) : doc_(doc) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(std::int64_t i) { return doc_.Int64(i); }
  bool Uint64(std::uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool String(const Ch* s, rapidjson::SizeType n, bool copy) { return doc_.String(s, n, copy); }
  bool StartObject() { return doc_.StartObject(); }
  bool Key(const Ch* s, rapidjson::SizeType n, bool copy) { return doc_.Key(s, n, copy); }
  bool EndObject(rapidjson::SizeType members) { return doc_.EndObject(members); }
  bool StartArray() { return doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) { return doc_.EndArray(elements); }

  bool RawNumber(const Ch* s, rapidjson::SizeType n, bool /*copy*/) {
    const char* end = s + n;
    if (std::none_of(s, end, [](char c) { return c == '.' || c == 'e' || c == 'E'; })) {
      if (*s == '-') {
        std::int64_t v = 0;
        const auto [p, ec] = std::from_chars(s, end, v);
        if (ec == std::errc() && p == end)
          return v >= std::numeric_limits<std::int32_t>::min() ? doc_.Int(static_cast<int>(v)) : doc_.Int64(v);
      } else {
        std::uint64_t v = 0;
        const auto [p, ec] = std::from_chars(s, end, v);
        if (ec == std::errc() && p == end)
          return v <= std::numeric_limits<std::uint32_t>::max() ? doc_.Uint(static_cast<unsigned>(v)) : doc_.Uint64(v);
      }
      // Beyond 64 bits: a double, as RapidJSON reads it.
    }
    double d = 0;
    const auto [p, ec] = std::from_chars(s, end, d);
    if (ec == std::errc::result_out_of_range) {
      if (decimal_magnitude(s, end) > 0) {
        number_too_large_ = true;
        return false;
      }
      return doc_.Double(*s == '-' ? -0.0 : 0.0);  // below the smallest double
    }
    if (ec != std::errc() || p != end) return false;  // not produced by RapidJSON's syntax check
    return doc_.Double(d);
  }

  bool number_too_large() const { return number_too_large_; }

 private:
  Document& doc_;
  bool number_too_large_ = false;
};

/// Parses `stream` into `doc` with RapidJSON's `Flags` (kParseFullPrecisionFlag has no effect; numbers
/// are exact). On an error `doc` is left null.
template <unsigned Flags, class Stream>
JsonParseResult parse_json(rapidjson::Document& doc, Stream& stream) {
  JsonParseResult out;
  ExactNumberHandler<rapidjson::Document> handler(doc);
  auto generate = [&](rapidjson::Document& target) {
    (void)target;  // the handler writes into doc, which is target
    rapidjson::Reader reader;
    out.result = reader.Parse<Flags | rapidjson::kParseNumbersAsStringsFlag>(stream, handler);
    return !out.result.IsError();
  };
  doc.Populate(generate);
  if (out.result.IsError()) doc.SetNull();
  out.number_too_large = handler.number_too_large();
  return out;
}

/// parse_json over `size` bytes at `text`.
template <unsigned Flags>
JsonParseResult parse_json(rapidjson::Document& doc, const char* text, std::size_t size) {
  rapidjson::MemoryStream memory(text, size);
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(memory);
  return parse_json<Flags>(doc, stream);
}

}  // namespace gatkit::detail
