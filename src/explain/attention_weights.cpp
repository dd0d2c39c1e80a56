#include "gatkit/explain/attention_weights.hpp"

#include <algorithm>
#include <cassert>

#include "gatkit/util/error.hpp"

namespace gatkit::explain {

std::vector<NodeId> AttentionWeights::edge_targets() const {
  std::vector<NodeId> targets(static_cast<std::size_t>(graph.num_edges()));
  for (NodeId i = 0; i < graph.num_nodes(); ++i)
    for (EdgeId e = graph.in_offsets()[i]; e < graph.in_offsets()[i + 1]; ++e) targets[static_cast<std::size_t>(e)] = i;
  return targets;
}

void AttentionWeights::check_complete() const {
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const auto expected = static_cast<std::size_t>(graph.num_edges()) * static_cast<std::size_t>(layers[l].heads);
    if (layers[l].heads < 1 || layers[l].alpha.size() != expected)
      throw Error("explain: attention layer " + std::to_string(l + 1) + " holds " + std::to_string(layers[l].alpha.size()) +
                  " weights, expected " + std::to_string(expected) + " (edges x heads); this model's attention weights are not available");
  }
}

double edge_weight(const AttentionWeights& weights, int layer, int head, EdgeId e) {
  const LayerAttention& l = weights.layers[static_cast<std::size_t>(layer)];
  if (head >= 0) return l.weight(e, head);
  double sum = 0;  // in head order: the same value whatever the caller
  for (int h = 0; h < l.heads; ++h) sum += l.weight(e, h);
  return sum / l.heads;
}

std::vector<EdgeId> top_incoming(const AttentionWeights& weights, int layer, int head, NodeId node, int k) {
  GATKIT_REQUIRE(layer >= 0 && layer < weights.num_layers(), "explain: layer out of range");
  GATKIT_REQUIRE(head >= -1 && head < weights.layers[static_cast<std::size_t>(layer)].heads, "explain: head out of range");
  GATKIT_REQUIRE(node >= 0 && node < weights.graph.num_nodes(), "explain: node out of range");
  const Graph& g = weights.graph;
  std::vector<EdgeId> edges;
  for (EdgeId e = g.in_offsets()[node]; e < g.in_offsets()[node + 1]; ++e) edges.push_back(e);
  // Rows are sorted by source, so a stable sort by weight leaves ties in source order.
  std::stable_sort(edges.begin(), edges.end(), [&](EdgeId a, EdgeId b) {
    return edge_weight(weights, layer, head, a) > edge_weight(weights, layer, head, b);
  });
  if (k >= 0 && edges.size() > static_cast<std::size_t>(k)) edges.resize(static_cast<std::size_t>(k));
  return edges;
}

std::vector<double> attention_received(const AttentionWeights& weights, int layer, int head) {
  const Graph& g = weights.graph;
  std::vector<double> received(static_cast<std::size_t>(g.num_nodes()), 0.0);
  for (EdgeId e = 0; e < g.num_edges(); ++e)
    received[static_cast<std::size_t>(g.sources()[static_cast<std::size_t>(e)])] += edge_weight(weights, layer, head, e);
  return received;
}

EdgeId find_edge(const Graph& graph, NodeId source, NodeId target) {
  if (target < 0 || target >= graph.num_nodes()) return -1;
  // Rows are sorted by source: binary search.
  const auto begin = graph.sources().begin() + graph.in_offsets()[target];
  const auto end = graph.sources().begin() + graph.in_offsets()[target + 1];
  const auto it = std::lower_bound(begin, end, source);
  return it != end && *it == source ? static_cast<EdgeId>(it - graph.sources().begin()) : -1;
}

}  // namespace gatkit::explain
