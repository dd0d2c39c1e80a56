#pragma once
// Private helper of the JSON pre-scans (json_depth.hpp, json_numbers.hpp): one definition of which
// characters of a JSON text lie outside its strings.
#include <cstddef>
#include <string_view>

namespace gatkit::detail {

/// Calls visit(k) for every offset k of `text` outside JSON strings (the quotes and everything between
/// them, escapes included, are skipped). visit returns the offset of the last character it consumed: k,
/// more to skip ahead, or text.size() to stop. Malformed text is scanned all the same and left for the
/// parser to report.
template <class Visit>
void scan_outside_strings(std::string_view text, Visit&& visit) {
  bool in_string = false;
  for (std::size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    if (in_string) {
      if (c == '\\') ++k;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else {
      k = visit(k);
    }
  }
}

}  // namespace gatkit::detail
