// LINQS citation data (Cora, CiteSeer originals): <name>.content + <name>.cites.
//
// .content: "<paper id> <w_1> ... <w_F> <class label>", tabs or spaces; F is fixed by the first line and
// must be the same on every line; word values are usually 0/1 but any finite number is accepted (zeros
// are not stored). Class labels are strings, numbered in alphabetical order. Paper ids are strings and
// must be unique. .cites: "<cited id> <citing id>" per line, read as the edge citing -> cited; lines
// naming a paper that is not in .content are counted (dangling_citations), not an error. Blank lines are
// skipped in both files.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>

#include "gatkit/io/readers.hpp"
#include "gatkit/util/error.hpp"
#include "line_reader.hpp"

namespace gatkit::io {

LinqsData read_linqs(const std::filesystem::path& content, const std::filesystem::path& cites, const Limits& limits) {
  using detail::quote;
  using ::gatkit::detail::limit_note;
  limits.validate();
  constexpr std::size_t max_dangling_examples = 5;
  LinqsData result;

  // ---- .content ----
  std::unordered_map<std::string, NodeId> index_of;
  std::vector<std::uint64_t> line_of_node;  // for duplicate reports
  std::vector<std::string> class_of_node;
  std::vector<std::int32_t> outer{0}, inner;
  std::vector<float> values;
  std::int64_t words = -1;
  std::uint64_t words_line = 0;
  {
    detail::LineReader r(content, limits.max_line_length);
    std::string_view line, token;
    std::vector<std::string_view> tokens;
    while (r.next(line)) {
      tokens.clear();
      detail::Tokens split(line);
      while (split.next(token)) tokens.push_back(token);
      if (tokens.empty()) continue;
      if (tokens.size() < 3)
        r.fail("expected '<paper id> <word values...> <class label>', found only " +
               std::to_string(tokens.size()) + " field" + (tokens.size() == 1 ? "" : "s"));
      const std::int64_t f = static_cast<std::int64_t>(tokens.size()) - 2;
      if (words < 0) {
        words = f;
        words_line = r.line_number();
        if (words > limits.max_feature_dim || words > std::numeric_limits<std::int32_t>::max())
          r.fail(std::to_string(words) + " word values " +
                 limit_note(limits.max_feature_dim, "features", "max_feature_dim", "max-features"));
      } else if (f != words) {
        r.fail("expected " + std::to_string(words) + " word values (as on line " +
               std::to_string(words_line) + "), found " + std::to_string(f));
      }
      const std::string id(tokens.front());
      if (static_cast<std::int64_t>(result.node_ids.size()) >=
          std::min<std::int64_t>(limits.max_nodes, std::numeric_limits<NodeId>::max()))
        r.fail("paper " + std::to_string(result.node_ids.size() + 1) + " " +
               limit_note(std::min<std::int64_t>(limits.max_nodes, std::numeric_limits<NodeId>::max()), "papers (nodes)",
                          "max_nodes", "max-nodes"));
      const auto [it, inserted] = index_of.emplace(id, static_cast<NodeId>(result.node_ids.size()));
      if (!inserted)
        r.fail("paper id " + quote(id) + " appears twice (first on line " +
               std::to_string(line_of_node[static_cast<std::size_t>(it->second)]) + ")");
      line_of_node.push_back(r.line_number());
      for (std::int64_t w = 0; w < f; ++w) {
        const std::string_view text = tokens[static_cast<std::size_t>(w) + 1];
        // Most values are "0" or "1": skip building the error context unless the value is unusual.
        const float v = text == "0" ? 0.0f
                        : text == "1"
                            ? 1.0f
                            : detail::float_or_fail(r, text, "a value for word " + std::to_string(w + 1));
        if (v != 0.0f) {
          inner.push_back(static_cast<std::int32_t>(w));
          values.push_back(v);
        }
      }
      if (values.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
        r.fail("more than 2147483647 non-zero word values");
      outer.push_back(static_cast<std::int32_t>(values.size()));
      result.node_ids.push_back(id);
      class_of_node.emplace_back(tokens.back());
    }
    if (result.node_ids.empty())
      throw ParseError(content, 0,
                       r.saw_any_byte() ? "no papers found (only blank lines)"
                                        : "the file is empty; expected LINQS .content lines");
  }
  line_of_node = {};

  // Classes in alphabetical order.
  result.class_names = class_of_node;
  std::sort(result.class_names.begin(), result.class_names.end());
  result.class_names.erase(std::unique(result.class_names.begin(), result.class_names.end()),
                           result.class_names.end());
  result.labels.reserve(class_of_node.size());
  for (const std::string& c : class_of_node)
    result.labels.push_back(
        static_cast<std::int32_t>(std::lower_bound(result.class_names.begin(), result.class_names.end(), c) -
                                  result.class_names.begin()));

  const std::int64_t n = static_cast<std::int64_t>(result.node_ids.size());
  result.features = Eigen::Map<SparseMatrixF>(n, words, static_cast<std::int64_t>(values.size()),
                                              outer.data(), inner.data(), values.data());
  result.features.makeCompressed();

  // ---- .cites ----
  detail::LineReader r(cites, limits.max_line_length);
  std::string_view line, cited, citing, extra;
  std::string key;
  auto lookup = [&](std::string_view id) -> NodeId {
    key.assign(id);
    const auto it = index_of.find(key);
    if (it != index_of.end()) return it->second;
    if (result.dangling_examples.size() < max_dangling_examples &&
        std::find(result.dangling_examples.begin(), result.dangling_examples.end(), key) ==
            result.dangling_examples.end())
      result.dangling_examples.push_back(key);
    return -1;
  };
  std::uint64_t lines = 0;
  while (r.next(line)) {
    detail::Tokens tokens(line);
    if (!tokens.next(cited)) continue;
    if (static_cast<std::int64_t>(lines) == limits.max_edges)
      r.fail("citation " + std::to_string(lines + 1) + " " + limit_note(limits.max_edges, "edges", "max_edges", "max-edges"));
    ++lines;
    if (!tokens.next(citing))
      r.fail("expected '<cited paper id> <citing paper id>', found only " + quote(cited));
    if (tokens.next(extra))
      r.fail("expected two paper ids ('<cited> <citing>'), found a third field " + quote(extra));
    const NodeId dst = lookup(cited);
    const NodeId src = lookup(citing);
    if (src < 0 || dst < 0) {
      ++result.dangling_citations;
      continue;
    }
    result.edges.push_back({src, dst});
  }
  if (lines == 0)
    throw ParseError(cites, 0,
                     r.saw_any_byte() ? "no citations found (only blank lines)"
                                      : "the file is empty; expected LINQS .cites lines");
  return result;
}

}  // namespace gatkit::io
