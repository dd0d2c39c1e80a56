#pragma once
// Summary numbers of a graph (what `gatkit info` style tools print) and its weakly connected components.
// Components are found by boost::connected_components on an UndirectedView of the graph (no copy).
#include <cstdint>
#include <vector>

#include "gatkit/graph/graph.hpp"

namespace gatkit {

/// Distribution of one per-node degree. All zero for a graph with no nodes.
struct DegreeStats {
  std::int64_t min = 0;
  std::int64_t max = 0;
  double mean = 0.0;
  double median = 0.0;  ///< mean of the two middle values when num_nodes is even
  double std = 0.0;     ///< population standard deviation (divides by num_nodes)
};

struct GraphStats {
  std::int64_t num_nodes = 0;
  std::int64_t num_edges = 0;       ///< stored (directed) edges, self-loops and duplicates included
  std::int64_t num_self_loops = 0;
  bool symmetric = true;            ///< Graph::is_symmetric(); true for the empty graph
  std::int64_t num_components = 0;  ///< weakly connected components; an isolated node is one
  std::int64_t largest_component = 0;  ///< node count of the largest weak component
  std::int64_t isolated_nodes = 0;  ///< nodes with no edge to or from another node (self-loops ignored)
  DegreeStats in_degree;            ///< over Graph::in_degree (self-loops count once)
  DegreeStats out_degree;           ///< over Graph::out_degree
};

/// Computes every field of GraphStats. O(num_nodes log num_nodes + num_edges).
GraphStats compute_graph_stats(const Graph& g);

/// Weakly connected component of every node (size num_nodes), numbered 0, 1, ... in order of each
/// component's smallest node, so node 0 is always in component 0. Stores the number of components in
/// *count when count is not null.
std::vector<std::int32_t> connected_components(const Graph& g, std::int64_t* count = nullptr);

}  // namespace gatkit
