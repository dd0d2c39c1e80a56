#pragma once
// RapidJSON 1.1.0's full-precision number parser (kParseFullPrecisionFlag, which every gatkit reader
// uses so that doubles written in shortest form read back exactly) has one undefined-behaviour path;
// neutralise_zero_exponents() removes it from a text before parsing. Private to the library.
#include <algorithm>
#include <cstddef>
#include <string>

#include "json_scan.hpp"

namespace gatkit::detail {

/// Rewrites numbers whose digits are all zero but that have a fraction or an exponent ("0e308",
/// "-0.00E+5", "0.000...0" with many zeros) as "0" or "-0" padded with spaces (offsets, hence line
/// numbers, stay). RapidJSON 1.1.0's full-precision parser normalises such a zero significand with
/// __builtin_clzll(0), which is undefined behaviour.
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

}  // namespace gatkit::detail
