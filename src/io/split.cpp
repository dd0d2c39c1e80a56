// One-value-per-line files: split files (train.txt, ...), label columns (labels.txt) and lists of node ids.
// Both skip blank lines and lines starting with '#'; a line with more than one token is an error.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gatkit/io/readers.hpp"
#include "gatkit/util/error.hpp"
#include "line_reader.hpp"

namespace gatkit::io {
namespace {

/// The next integer of a one-integer-per-line file; false at the end of the file.
bool next_integer(detail::LineReader& r, const std::string& noun, std::int64_t& value) {
  std::string_view line;
  while (r.next(line)) {
    const std::string_view t = detail::trim(line);
    if (t.empty() || t[0] == '#') continue;
    detail::Tokens tokens(t);
    std::string_view token, extra;
    tokens.next(token);
    if (tokens.next(extra)) r.fail("expected one " + noun + " per line, found " + detail::quote(t));
    value = detail::int_or_fail(r, token, "a " + noun);
    return true;
  }
  return false;
}

}  // namespace

std::vector<NodeId> read_split(const std::filesystem::path& file, std::int64_t num_nodes, const Limits& limits) {
  GATKIT_REQUIRE(num_nodes >= 0, "read_split: negative node count " + std::to_string(num_nodes));
  limits.validate();
  const std::int64_t limit = std::min<std::int64_t>(num_nodes, std::numeric_limits<NodeId>::max());
  detail::LineReader r(file, limits.max_line_length);
  std::vector<NodeId> ids;
  std::unordered_map<NodeId, std::uint64_t> line_of;
  std::int64_t id = 0;
  while (next_integer(r, "node id", id)) {
    if (id < 0 || id >= limit)
      r.fail("node id " + std::to_string(id) + " is out of range: expected 0.." + std::to_string(limit - 1) +
             " (" + std::to_string(num_nodes) + " nodes)");
    const auto [it, inserted] = line_of.emplace(static_cast<NodeId>(id), r.line_number());
    if (!inserted)
      r.fail("node id " + std::to_string(id) + " is listed twice (first on line " +
             std::to_string(it->second) + ")");
    ids.push_back(static_cast<NodeId>(id));
  }
  if (ids.empty())
    throw ParseError(file, 0,
                     r.saw_any_byte() ? "no node ids (only blank lines and comments)"
                                      : "the file is empty; expected node ids");
  return ids;
}

std::vector<NodeId> read_node_id_list(const std::filesystem::path& file, const std::vector<std::string>& node_ids,
                                      const std::function<std::string(NodeId)>& refuse, const Limits& limits) {
  limits.validate();
  std::unordered_map<std::string_view, NodeId> index;
  index.reserve(node_ids.size());
  for (std::size_t k = 0; k < node_ids.size(); ++k) index.emplace(node_ids[k], static_cast<NodeId>(k));
  detail::LineReader r(file, limits.max_line_length);
  std::vector<NodeId> nodes;
  std::unordered_map<NodeId, std::uint64_t> line_of;
  std::string_view line;
  while (r.next(line)) {
    if (r.line_number() == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    const std::string_view t = detail::trim(line);
    if (t.empty() || t[0] == '#') continue;
    const auto it = index.find(t);
    if (it == index.end()) r.fail("node id " + detail::quote(t) + " is not a node of the data set");
    const NodeId node = it->second;
    if (refuse) {
      if (const std::string why = refuse(node); !why.empty()) r.fail("node " + detail::quote(t) + " " + why);
    }
    const auto [first, inserted] = line_of.emplace(node, r.line_number());
    if (!inserted)
      r.fail("node " + detail::quote(t) + " is listed twice (first on line " + std::to_string(first->second) + ")");
    nodes.push_back(node);
  }
  if (nodes.empty())
    throw ParseError(file, 0, r.saw_any_byte() ? "lists no node (only blank lines and comments)"
                                               : "the file is empty; expected node ids, one per line");
  return nodes;
}

std::vector<std::int64_t> read_integer_column(const std::filesystem::path& file, const Limits& limits) {
  limits.validate();
  detail::LineReader r(file, limits.max_line_length);
  std::vector<std::int64_t> values;
  std::int64_t v = 0;
  while (next_integer(r, "value", v)) {
    if (static_cast<std::int64_t>(values.size()) == limits.max_nodes)
      r.fail("value " + std::to_string(values.size() + 1) + " " +
             ::gatkit::detail::limit_note(limits.max_nodes, "values (nodes)", "max_nodes", "max-nodes"));
    values.push_back(v);
  }
  if (values.empty())
    throw ParseError(file, 0,
                     r.saw_any_byte() ? "no values (only blank lines and comments)"
                                      : "the file is empty; expected one integer per line");
  return values;
}

}  // namespace gatkit::io
