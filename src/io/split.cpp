// One-integer-per-line files: split files (train.txt, ...) and label columns (labels.txt).
// Both skip blank lines and lines starting with '#'; a line with more than one token is an error.
#include <cstdint>
#include <limits>
#include <string>
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
