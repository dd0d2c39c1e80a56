// svmlight / LIBSVM: "label idx:value idx:value ... # comment".
//
// Choices (see readers.hpp): everything after '#' is a comment; lines that are blank after removing the
// comment are skipped (they are not samples); "qid:N" tokens are validated and skipped; the label is any
// finite number; indices are non-negative integers, strictly ascending within a line; values are finite
// and fit in a float. Explicit zero values ("5:0") count for the number of features but are not stored.
// The matrix is assembled directly as CSR arrays (no triplets).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "gatkit/io/readers.hpp"
#include "gatkit/util/error.hpp"
#include "line_reader.hpp"

namespace gatkit::io {

SvmlightData read_svmlight(const std::filesystem::path& file, const SvmlightOptions& options) {
  using detail::quote;
  constexpr std::int64_t max_index = std::numeric_limits<std::int32_t>::max() - 1;
  GATKIT_REQUIRE(options.num_features >= -1 && options.num_features <= max_index + 1,
                 "read_svmlight: num_features " + std::to_string(options.num_features) + " out of range");

  options.limits.validate();
  const std::int64_t feature_limit = options.limits.max_feature_dim;
  detail::LineReader r(file, options.limits.max_line_length);
  SvmlightData result;
  std::vector<std::int32_t> outer{0};
  std::vector<std::int32_t> inner;
  std::vector<float> values;
  std::int64_t largest = -1;  // largest raw index seen, explicit zeros included
  bool saw_zero_index = false;
  std::uint64_t first_zero_line = 0;
  // With automatic base and num_features given, a raw index == num_features is valid only one-based:
  // remember the first such line and decide at the end.
  std::uint64_t first_edge_index_line = 0;
  const std::int64_t nf = options.num_features;

  std::string_view line, token;
  while (r.next(line)) {
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    detail::Tokens tokens(line);
    if (!tokens.next(token)) continue;
    if (token.find(':') != std::string_view::npos)
      r.fail("expected a label before the features, found " + quote(token));
    if (static_cast<std::int64_t>(result.labels.size()) == options.limits.max_nodes)
      r.fail("sample " + std::to_string(result.labels.size() + 1) + " " +
             ::gatkit::detail::limit_note(options.limits.max_nodes, "samples (nodes)", "max_nodes", "max-nodes"));
    result.labels.push_back(detail::double_or_fail(r, token, "a label"));
    std::int64_t previous = -1;
    while (tokens.next(token)) {
      const auto colon = token.find(':');
      if (colon == std::string_view::npos || colon == 0 || colon + 1 == token.size())
        r.fail("expected a feature index:value pair, found " + quote(token));
      const std::string_view key = token.substr(0, colon), text = token.substr(colon + 1);
      if (key == "qid") {
        if (previous >= 0) r.fail("expected qid:N before the features, found " + quote(token));
        detail::int_or_fail(r, text, "a query id");
        continue;
      }
      const std::int64_t index = detail::int_or_fail(r, key, "a feature index");
      if (index < 0) r.fail("expected a non-negative feature index, found " + quote(key));
      if (index <= previous)
        r.fail("feature indices must be strictly ascending, found " + std::to_string(index) + " after " +
               std::to_string(previous));
      if (index > max_index)
        r.fail("feature index " + std::to_string(index) + " is too large (at most " +
               std::to_string(max_index) + ")");
      // One-based indices may reach the limit itself (column limit - 1).
      if (index > feature_limit || (index == feature_limit && options.index_base == IndexBase::zero))
        r.fail("feature index " + std::to_string(index) + " " +
               ::gatkit::detail::limit_note(feature_limit, "features", "max_feature_dim", "max-features"));
      previous = index;
      if (index == 0) {
        if (options.index_base == IndexBase::one)
          r.fail("found feature index 0, but the indices are one-based");
        if (!saw_zero_index) first_zero_line = r.line_number();
        saw_zero_index = true;
      }
      if (nf >= 0) {
        const bool zero_based = options.index_base == IndexBase::zero;
        const std::int64_t bound = options.index_base == IndexBase::one ? nf + 1 : nf;
        if (index > nf || (zero_based && index == nf) || (index == nf && saw_zero_index))
          r.fail("feature index " + std::to_string(index) + " is out of range for " + std::to_string(nf) +
                 " features (expected at most " + std::to_string(bound - 1) + ")");
        if (index == nf && first_edge_index_line == 0) first_edge_index_line = r.line_number();
      }
      const float value = detail::float_or_fail(r, text, "a feature value");
      if (value != 0.0f) {
        inner.push_back(static_cast<std::int32_t>(index));
        values.push_back(value);
      }
    }
    largest = std::max(largest, previous);
    if (values.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
      r.fail("more than 2147483647 non-zero values");
    if (outer.size() > static_cast<std::size_t>(max_index)) r.fail("more than 2147483646 samples");
    outer.push_back(static_cast<std::int32_t>(values.size()));
  }
  if (result.labels.empty()) {
    if (!r.saw_any_byte()) throw ParseError(file, 0, "the file is empty; expected svmlight samples");
    throw ParseError(file, 0, "no samples found (only blank lines and comments)");
  }

  const bool one_based =
      options.index_base == IndexBase::one || (options.index_base == IndexBase::automatic && !saw_zero_index);
  if (!one_based && first_edge_index_line != 0) {
    // Automatic base turned out zero-based (an index 0 came later): index == num_features is too large.
    throw ParseError(file, first_edge_index_line,
                     "feature index " + std::to_string(nf) + " is out of range for " + std::to_string(nf) +
                         " zero-based features (the file uses index 0 on line " +
                         std::to_string(first_zero_line) + ")");
  }
  if (one_based)
    for (std::int32_t& j : inner) --j;
  const std::int64_t cols = nf >= 0 ? nf : (largest < 0 ? 0 : largest + 1 - (one_based ? 1 : 0));
  const std::int64_t rows = static_cast<std::int64_t>(result.labels.size());
  if (nf < 0 && cols > feature_limit)  // automatic base, zero-based after all, an index equal to the limit
    throw ParseError(file, 0,
                     std::to_string(cols) + " features " +
                         ::gatkit::detail::limit_note(feature_limit, "features", "max_feature_dim", "max-features"));

  // Filled array by array: assigning from an Eigen::Map goes through a temporary that allocates per
  // column, so one huge index in a tiny file would cost gigabytes. This costs O(rows + nnz).
  SparseMatrixF& m = result.features;
  m.resize(rows, cols);
  m.resizeNonZeros(static_cast<Eigen::Index>(values.size()));
  std::copy(outer.begin(), outer.end(), m.outerIndexPtr());
  std::copy(inner.begin(), inner.end(), m.innerIndexPtr());
  std::copy(values.begin(), values.end(), m.valuePtr());
  return result;
}

}  // namespace gatkit::io
