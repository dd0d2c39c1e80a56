// Edge lists: "src dst [weight]" per line.
//
// Accepted syntax (see readers.hpp):
//  - fields separated by spaces/tabs, or by one comma with optional spaces around it ("1,2", "1, 2");
//    an empty field ("1,,2", "1,2,") is an error;
//  - blank lines and lines whose first non-blank character is '#' or '%' are skipped;
//  - a weight column is optional, but either every edge has one or none does;
//  - CSV header: the first line that is not blank or a comment is skipped when it has two or three
//    fields and every field looks like a name (starts with a letter, '_' or a quote and is not a number),
//    e.g. "id_1,id_2" or "source target weight". Only that one line can be a header; "12x 13" or a second
//    such line later in the file is an error.
// Remapping (remap_ids): ids are numbered 0..n-1 in ascending order of the original id. When the ids
// span a range smaller than max(2^20, 2m) for m edges (the usual case), a table indexed by id - min gives
// the ranks directly; otherwise a hash table numbers the distinct ids in order of first appearance and
// only those are sorted (sorting or binary-searching all 2m raw ids is several times slower).
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

#include "gatkit/io/readers.hpp"
#include "gatkit/util/error.hpp"
#include "line_reader.hpp"

namespace gatkit::io {
namespace {

using detail::LineReader;
using detail::quote;

constexpr std::int64_t max_node_count = std::numeric_limits<NodeId>::max();

/// Splits a line into at most max + 1 fields (more are not looked at); returns the field count.
std::size_t split_fields(const LineReader& r, std::string_view line, std::string_view* out, std::size_t max) {
  std::size_t n = 0, i = 0;
  const std::size_t len = line.size();
  auto skip_blanks = [&] {
    while (i < len && detail::is_blank(line[i])) ++i;
  };
  skip_blanks();
  while (i < len) {
    const std::size_t start = i;
    while (i < len && !detail::is_blank(line[i]) && line[i] != ',') ++i;
    if (i == start) r.fail("expected a value, found an empty field in " + quote(line));
    if (n < max) out[n] = line.substr(start, i - start);
    if (++n > max) return n;
    skip_blanks();
    if (i < len && line[i] == ',') {
      ++i;
      skip_blanks();
      if (i == len) r.fail("expected a value after the last ',', found the end of the line");
    }
  }
  return n;
}

bool looks_like_name(std::string_view field) {
  const unsigned char c = static_cast<unsigned char>(field[0]);
  if (!(std::isalpha(c) || c == '_' || c == '"' || c == '\'')) return false;
  double ignored = 0;
  return detail::parse_double(field, ignored) == detail::NumberStatus::invalid;  // not "nan" / "inf"
}

/// Open-addressing hash map (linear probing, load <= 1/2) from an original id to its provisional index,
/// the order of first appearance.
class IdIndex {
 public:
  explicit IdIndex(std::int64_t max_ids) : max_ids_(max_ids) { rehash(std::size_t{1} << 12); }

  /// The provisional index of `id`, adding it when new; -1 when there would be more than max_ids
  /// distinct ids.
  NodeId insert(std::int64_t id) {
    std::size_t slot = hash(id) & mask_;
    while (values_[slot] >= 0) {
      if (keys_[slot] == id) return values_[slot];
      slot = (slot + 1) & mask_;
    }
    if (static_cast<std::int64_t>(ids_.size()) >= max_ids_) return -1;
    const NodeId index = static_cast<NodeId>(ids_.size());
    keys_[slot] = id;
    values_[slot] = index;
    ids_.push_back(id);
    if (2 * ids_.size() > values_.size()) rehash(2 * values_.size());
    return index;
  }

  /// The distinct ids, in order of first appearance.
  std::vector<std::int64_t>& ids() { return ids_; }

 private:
  static std::uint64_t hash(std::int64_t id) {  // the murmur3 finaliser: consecutive ids spread out
    std::uint64_t x = static_cast<std::uint64_t>(id);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
  }
  void rehash(std::size_t capacity) {
    keys_.assign(capacity, 0);
    values_.assign(capacity, -1);
    mask_ = capacity - 1;
    for (std::size_t k = 0; k < ids_.size(); ++k) {
      std::size_t slot = hash(ids_[k]) & mask_;
      while (values_[slot] >= 0) slot = (slot + 1) & mask_;
      keys_[slot] = ids_[k];
      values_[slot] = static_cast<NodeId>(k);
    }
  }

  std::int64_t max_ids_;
  std::vector<std::int64_t> keys_;
  std::vector<NodeId> values_;  // -1: empty slot
  std::size_t mask_ = 0;
  std::vector<std::int64_t> ids_;
};

}  // namespace

EdgeList read_edge_list(const std::filesystem::path& file, const EdgeListOptions& options) {
  GATKIT_REQUIRE(options.num_nodes >= -1 && options.num_nodes <= max_node_count,
                 "read_edge_list: num_nodes " + std::to_string(options.num_nodes) + " out of range");
  options.limits.validate();
  const bool remap = options.remap_ids;
  const std::int64_t node_limit = std::min(options.limits.max_nodes, max_node_count);
  const std::int64_t limit = (!remap && options.num_nodes >= 0) ? options.num_nodes : node_limit;
  const std::string node_limit_note = ::gatkit::detail::limit_note(node_limit, "nodes", "max_nodes", "max-nodes");

  LineReader r(file, options.limits.max_line_length);
  EdgeList result;
  std::vector<std::int64_t> raw_ids;  // remap: src, dst of every edge, in file order
  std::int64_t min_id = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_id = -1;
  bool first_data_line = true;
  int weighted = -1;  // unknown until the first edge
  std::uint64_t weight_line = 0;
  std::uint64_t skipped_lines = 0;
  std::int64_t edge_count = 0;

  auto node_id = [&](std::string_view field) -> std::int64_t {
    const std::int64_t id = detail::int_or_fail(r, field, "a node id");
    if (!remap && (id < 0 || id >= limit)) {
      if (options.num_nodes < 0 && id >= node_limit && node_limit < max_node_count)
        r.fail("node id " + std::to_string(id) + " " + node_limit_note + " (ids are node indices)");
      if (options.num_nodes >= 0)
        r.fail("node id " + std::to_string(id) + " is out of range: expected 0.." +
               std::to_string(limit - 1) + " (" + std::to_string(limit) + " nodes)");
      r.fail("node id " + std::to_string(id) + " is out of range: expected 0.." + std::to_string(limit - 1) +
             " (ids are node indices; use remapping for arbitrary ids)");
    }
    return id;
  };

  std::string_view line;
  std::string_view fields[3];
  while (r.next(line)) {
    const std::string_view t = detail::trim(line);
    if (t.empty() || t[0] == '#' || t[0] == '%') {
      ++skipped_lines;
      continue;
    }
    const std::size_t n = split_fields(r, t, fields, 3);
    if (first_data_line) {
      first_data_line = false;
      if ((n == 2 || n == 3) && std::all_of(fields, fields + n, looks_like_name)) {
        ++skipped_lines;
        continue;
      }
    }
    if (n < 2) r.fail("expected two node ids (src dst [weight]), found only " + quote(t));
    if (n > 3) r.fail("expected at most three fields (src dst [weight]), found more in " + quote(t));
    if (edge_count == options.limits.max_edges)
      r.fail("edge " + std::to_string(edge_count + 1) + " " +
             ::gatkit::detail::limit_note(options.limits.max_edges, "edges", "max_edges", "max-edges"));
    ++edge_count;
    const std::int64_t src = node_id(fields[0]);
    const std::int64_t dst = node_id(fields[1]);
    const bool has_weight = n == 3;
    if (weighted < 0) {
      weighted = has_weight;
      weight_line = r.line_number();
    } else if (has_weight != (weighted == 1)) {
      r.fail(has_weight ? "found a weight, but line " + std::to_string(weight_line) +
                              " has none (give every edge a weight or none)"
                        : "expected a weight (line " + std::to_string(weight_line) +
                              " has one; give every edge a weight or none), found only two fields");
    }
    if (has_weight) result.weights.push_back(detail::float_or_fail(r, fields[2], "an edge weight"));
    if (remap) {
      raw_ids.push_back(src);
      raw_ids.push_back(dst);
      min_id = std::min({min_id, src, dst});
      max_id = std::max({max_id, src, dst});
    } else {
      result.edges.push_back({static_cast<NodeId>(src), static_cast<NodeId>(dst)});
      max_id = std::max({max_id, src, dst});
    }
  }

  const std::size_t num_edges = remap ? raw_ids.size() / 2 : result.edges.size();
  if (num_edges == 0) {
    if (!r.saw_any_byte()) throw ParseError(file, 0, "the file is empty; expected an edge list");
    throw ParseError(
        file, 0,
        "no edges found (" + std::to_string(skipped_lines) + " lines, all blank, comments or a header)");
  }

  if (!remap) {
    result.num_nodes = options.num_nodes >= 0 ? options.num_nodes : max_id + 1;
    return result;
  }

  const std::string too_many = "more than " + std::to_string(node_limit) + " distinct node ids: " + node_limit_note;
  result.edges.resize(num_edges);
  const std::uint64_t range = static_cast<std::uint64_t>(max_id) - static_cast<std::uint64_t>(min_id);
  if (range < std::max<std::uint64_t>(std::uint64_t{1} << 20, raw_ids.size())) {
    // Dense: table[id - min_id] = rank.
    std::vector<NodeId> table(static_cast<std::size_t>(range) + 1, -1);
    for (std::int64_t id : raw_ids) table[static_cast<std::size_t>(id - min_id)] = 0;
    std::int64_t next = 0;
    for (std::size_t k = 0; k < table.size(); ++k) {
      if (table[k] < 0) continue;
      if (next >= node_limit) throw ParseError(file, 0, too_many);
      table[k] = static_cast<NodeId>(next++);
      result.node_ids.push_back(min_id + static_cast<std::int64_t>(k));
    }
    for (std::size_t k = 0; k < num_edges; ++k)
      result.edges[k] = {table[static_cast<std::size_t>(raw_ids[2 * k] - min_id)],
                         table[static_cast<std::size_t>(raw_ids[2 * k + 1] - min_id)]};
    result.num_nodes = static_cast<std::int64_t>(result.node_ids.size());
    return result;
  }
  // Sparse: provisional indices by first appearance, then ranks from sorting the distinct ids.
  IdIndex index(node_limit);
  for (std::size_t k = 0; k < num_edges; ++k) {
    const NodeId s = index.insert(raw_ids[2 * k]), d = index.insert(raw_ids[2 * k + 1]);
    if (s < 0 || d < 0) throw ParseError(file, 0, too_many);
    result.edges[k] = {s, d};
  }
  raw_ids = {};
  std::vector<std::int64_t>& ids = index.ids();
  if (std::is_sorted(ids.begin(), ids.end())) {
    result.node_ids = std::move(ids);  // first appearance is already ascending: indices are ranks
  } else {
    std::vector<std::pair<std::int64_t, NodeId>> order(ids.size());
    for (std::size_t k = 0; k < ids.size(); ++k) order[k] = {ids[k], static_cast<NodeId>(k)};
    std::sort(order.begin(), order.end());
    std::vector<NodeId> rank(ids.size());
    result.node_ids.resize(ids.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
      rank[static_cast<std::size_t>(order[k].second)] = static_cast<NodeId>(k);
      result.node_ids[k] = order[k].first;
    }
    for (Edge& e : result.edges)
      e = {rank[static_cast<std::size_t>(e.src)], rank[static_cast<std::size_t>(e.dst)]};
  }
  result.num_nodes = static_cast<std::int64_t>(result.node_ids.size());
  return result;
}

}  // namespace gatkit::io
