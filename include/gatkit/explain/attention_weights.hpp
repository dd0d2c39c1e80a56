#pragma once
// The attention weights a trained model computes, gathered per layer, head and edge, for `gatkit
// explain` (docs/attention.md, "Seeing the attention").
//
// Edges are those of the attention graph the model ran on: the input graph after the model's range
// (k-hop/full add pairs that are not input edges) and self-loop policy. The graph is CSR over in-edges:
// edge e of row i is source j = graph.sources()[e] -> target i, and weight alpha[e * heads + h] is how much
// target i attends to source j in head h. The weights are those after the normaliser (softmax, sparsemax
// or relu normalisation), from a forward pass in evaluation mode (no dropout): under softmax and
// sparsemax the weights of every target's in-edges sum to 1 per head.
#include <cstdint>
#include <vector>

#include "gatkit/graph/graph.hpp"

namespace gatkit::explain {

/// The weights of one attention layer.
struct LayerAttention {
  int heads = 0;
  std::vector<float> alpha;  ///< num_edges x heads, edge-major (row e is the graph's in-edge e)
  float weight(EdgeId e, int head) const { return alpha[static_cast<std::size_t>(e) * static_cast<std::size_t>(heads) + static_cast<std::size_t>(head)]; }
};

/// Every attention layer of one forward pass over one graph.
struct AttentionWeights {
  Graph graph;                        ///< the attention graph, CSR over in-edges
  std::vector<LayerAttention> layers; ///< in model order; layer l is layers[l]

  int num_layers() const { return static_cast<int>(layers.size()); }
  /// Target (destination) node of every edge: the CSR row, expanded; size num_edges.
  std::vector<NodeId> edge_targets() const;
  /// Throws gatkit::Error unless every layer holds num_edges x heads weights (a model whose layers keep
  /// their weights elsewhere would otherwise hand back empty or stale vectors).
  void check_complete() const;
};

/// The in-edges of `node` in `layer` ordered by weight, largest first (ties: smaller source first), at
/// most `k` of them. head >= 0 ranks that head's weights; head == -1 ranks the mean over the heads.
std::vector<EdgeId> top_incoming(const AttentionWeights& weights, int layer, int head, NodeId node, int k);

/// Per node: the attention it receives as a source, sum over its out-edges (self-loop included) of the
/// edge weight, for one head or (head == -1) averaged over heads. Under softmax/sparsemax the mean over
/// the nodes is exactly 1 (every target distributes a total weight of 1), so a node above 1 draws more
/// than its share of attention.
std::vector<double> attention_received(const AttentionWeights& weights, int layer, int head);

/// Weight of edge e for one head, or (head == -1) averaged over the layer's heads.
double edge_weight(const AttentionWeights& weights, int layer, int head, EdgeId e);

/// The in-edge index of source -> target in the attention graph, or -1 when absent.
EdgeId find_edge(const Graph& graph, NodeId source, NodeId target);

}  // namespace gatkit::explain
