#pragma once
// Private helper of the JSON readers (gatkit-graphs files, checkpoint configurations): the nesting
// depth is checked by a linear scan before RapidJSON builds anything, so that "[[[[..." cannot exhaust
// the stack or the limit of Limits::max_json_depth.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "json_scan.hpp"

namespace gatkit::detail {

/// The offset of the first '[' or '{' nested deeper than max_depth, or npos. Strings are skipped (with
/// their escapes); anything malformed is left for the parser to report.
inline std::size_t find_too_deep(std::string_view text, std::int64_t max_depth) {
  std::int64_t depth = 0;
  std::size_t found = std::string_view::npos;
  scan_outside_strings(text, [&](std::size_t k) {
    const char c = text[k];
    if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        found = k;
        return text.size();
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
    return k;
  });
  return found;
}

}  // namespace gatkit::detail
