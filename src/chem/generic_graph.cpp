// Generic graph entries as model graphs; see generic_graph.hpp.
#include "gatkit/chem/generic_graph.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "gatkit/io/structural_features.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::chem {
namespace {

/// Throws unless `rows` is empty or holds `count` rows of one length.
void check_rows(const std::vector<std::vector<float>>& rows, std::size_t count, const char* what) {
  if (rows.empty()) return;
  GATKIT_REQUIRE(rows.size() == count, std::string(what) + ": expected " + std::to_string(count) +
                                           " rows, found " + std::to_string(rows.size()));
  for (const auto& row : rows)
    GATKIT_REQUIRE(row.size() == rows.front().size(), std::string(what) + ": ragged rows");
}

}  // namespace

std::int64_t generic_node_width(const io::GraphRecord& record) {
  return record.node_features.empty() ? 1 : static_cast<std::int64_t>(record.node_features.front().size());
}

std::int64_t generic_edge_width(const io::GraphRecord& record) {
  return record.edge_features.empty() ? 0 : static_cast<std::int64_t>(record.edge_features.front().size());
}

MoleculeGraph model_graph(const io::GraphRecord& record) { return model_graph(record, 0); }

MoleculeGraph model_graph(const io::GraphRecord& record, std::int64_t edge_columns) {
  GATKIT_REQUIRE(edge_columns >= 0, "model_graph: negative edge width");
  const std::int64_t n = record.num_nodes;
  GATKIT_REQUIRE(n >= 1, "a graph needs at least one node (num_nodes is 0)");
  check_rows(record.node_features, static_cast<std::size_t>(n), "node_features");
  check_rows(record.edge_features, record.edges.size(), "edge_features");
  for (const Edge& e : record.edges)
    GATKIT_REQUIRE(e.src >= 0 && e.src < n && e.dst >= 0 && e.dst < n,
                   "edge [" + std::to_string(e.src) + ", " + std::to_string(e.dst) + "] out of range [0, " +
                       std::to_string(n) + ")");
  // The CSR's order (destination, then source): edge rows follow it.
  std::vector<std::size_t> order(record.edges.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto key = [&](std::size_t k) { return std::pair(record.edges[k].dst, record.edges[k].src); };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
  std::vector<Edge> edges;
  edges.reserve(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k > 0 && key(order[k]) == key(order[k - 1])) {
      const Edge& e = record.edges[order[k]];
      throw InvalidArgument("edge [" + std::to_string(e.src) + ", " + std::to_string(e.dst) +
                            "] is listed twice (edges[" + std::to_string(order[k - 1]) + "] and edges[" +
                            std::to_string(order[k]) + "])");
    }
    edges.push_back(record.edges[order[k]]);
  }
  MoleculeGraph g;
  g.graph = build_graph(n, edges, {}, {.symmetrize = false, .deduplicate = false, .self_loops = SelfLoops::keep});
  GATKIT_REQUIRE(g.graph.num_edges() == static_cast<std::int64_t>(edges.size()), "the CSR lost edges");
  const std::int64_t node_width = generic_node_width(record);
  const std::int64_t edge_width = record.edges.empty() ? edge_columns : generic_edge_width(record);
  g.atom_features = record.node_features.empty() ? MatrixF::Ones(n, 1) : MatrixF(n, node_width);
  for (std::int64_t i = 0; i < n && !record.node_features.empty(); ++i)
    for (std::int64_t c = 0; c < node_width; ++c)
      g.atom_features(i, c) = record.node_features[static_cast<std::size_t>(i)][static_cast<std::size_t>(c)];
  g.edge_features = MatrixF(static_cast<Eigen::Index>(edges.size()), edge_width);
  for (std::size_t k = 0; k < order.size(); ++k)
    for (std::int64_t c = 0; c < edge_width; ++c)
      g.edge_features(static_cast<Eigen::Index>(k), c) = record.edge_features[order[k]][static_cast<std::size_t>(c)];
  return g;
}

bool has_widths(const io::GraphRecord& record, std::int64_t node_width, std::int64_t edge_width) {
  return generic_node_width(record) == node_width && (record.edges.empty() || generic_edge_width(record) == edge_width);
}

MoleculeGraph model_graph(const io::GraphRecord& record, std::int64_t node_width, std::int64_t edge_width,
                          const std::string& expected) {
  GATKIT_REQUIRE(has_widths(record, node_width, edge_width),
                 std::to_string(generic_node_width(record)) + " node and " + std::to_string(generic_edge_width(record)) +
                     " edge feature columns, " + expected + " " + std::to_string(node_width) + " and " +
                     std::to_string(edge_width));
  return model_graph(record, edge_width);
}

void append_degree_columns(MoleculeGraph& graph) {
  static_assert(kDegreeColumns == degree_buckets);
  const Graph& g = graph.graph;
  const auto n = static_cast<Eigen::Index>(g.num_nodes()), width = graph.atom_features.cols();
  MatrixF x = MatrixF::Zero(n, width + kDegreeColumns);
  x.leftCols(width) = graph.atom_features;
  for (NodeId i = 0; i < g.num_nodes(); ++i) {
    std::int64_t degree = 0;
    for (EdgeId e = g.in_offsets()[static_cast<std::size_t>(i)]; e < g.in_offsets()[static_cast<std::size_t>(i) + 1]; ++e)
      degree += g.sources()[static_cast<std::size_t>(e)] != i;  // model_graph's CSR has no edge twice
    x(i, width + degree_bucket(degree)) = 1.0f;
  }
  graph.atom_features = std::move(x);
}

}  // namespace gatkit::chem
