#pragma once
// The one graph type: CSR over in-edges. Row i lists the sources j of the edges j -> i ("i attends to
// its in-neighbours j"), ascending. The reverse CSR (out-edges) is always built too, with the index of
// each out-edge in the in-edge arrays, so that backward passes pull over sources instead of scattering
// with atomics. Graphs are immutable; build them with build_graph().
#include <cstdint>
#include <span>
#include <vector>

namespace gatkit {

using NodeId = std::int32_t;  ///< node index, 0..num_nodes-1
using EdgeId = std::int64_t;  ///< edge index into the in-edge arrays, 0..num_edges-1

struct Edge {
  NodeId src;
  NodeId dst;
  friend bool operator==(const Edge&, const Edge&) = default;
};

enum class SelfLoops {
  keep,    ///< leave self-loops as they are in the input
  remove,  ///< drop every self-loop
  add,     ///< exactly one self-loop per node: a node's existing loops are merged into one that keeps
           ///< the first one's weight (even without deduplicate); missing ones are added with weight 1
};

struct GraphBuildOptions {
  bool symmetrize = false;   ///< add j -> i for every i -> j
  bool deduplicate = true;   ///< keep one copy of repeated edges (the first one's weight)
  SelfLoops self_loops = SelfLoops::keep;
};

class Graph {
 public:
  Graph();  ///< the empty graph (0 nodes)

  std::int64_t num_nodes() const { return num_nodes_; }
  std::int64_t num_edges() const { return static_cast<std::int64_t>(sources_.size()); }
  bool has_weights() const { return !weights_.empty(); }

  // In-edges (row = destination).
  const std::vector<EdgeId>& in_offsets() const { return in_offsets_; }   ///< size num_nodes + 1
  const std::vector<NodeId>& sources() const { return sources_; }         ///< size num_edges
  const std::vector<float>& weights() const { return weights_; }          ///< size num_edges or 0
  std::int64_t in_degree(NodeId i) const { return in_offsets_[i + 1] - in_offsets_[i]; }
  std::span<const NodeId> in_neighbors(NodeId i) const {
    return {sources_.data() + in_offsets_[i], static_cast<std::size_t>(in_degree(i))};
  }

  // Out-edges (row = source), the transpose of the above.
  const std::vector<EdgeId>& out_offsets() const { return out_offsets_; } ///< size num_nodes + 1
  const std::vector<NodeId>& targets() const { return targets_; }         ///< size num_edges
  /// out_edge_ids()[k] is the in-edge index of the k-th out-edge: the same edge seen from its source.
  const std::vector<EdgeId>& out_edge_ids() const { return out_edge_ids_; }
  std::int64_t out_degree(NodeId j) const { return out_offsets_[j + 1] - out_offsets_[j]; }
  std::span<const NodeId> out_neighbors(NodeId j) const {
    return {targets_.data() + out_offsets_[j], static_cast<std::size_t>(out_degree(j))};
  }

  std::int64_t num_self_loops() const;
  /// True when every edge i -> j has its reverse j -> i.
  bool is_symmetric() const;

 private:
  friend Graph build_graph(std::int64_t, std::span<const Edge>, std::span<const float>,
                           const GraphBuildOptions&);
  void build_reverse();

  std::int64_t num_nodes_ = 0;
  std::vector<EdgeId> in_offsets_;
  std::vector<NodeId> sources_;
  std::vector<float> weights_;
  std::vector<EdgeId> out_offsets_;
  std::vector<NodeId> targets_;
  std::vector<EdgeId> out_edge_ids_;
};

/// Builds a graph on nodes 0..num_nodes-1 from edges (src -> dst), with optional per-edge weights
/// (empty, or one per edge). Throws InvalidArgument on ids out of range or a weight count mismatch.
Graph build_graph(std::int64_t num_nodes, std::span<const Edge> edges,
                  std::span<const float> weights = {}, const GraphBuildOptions& options = {});

/// The same graph with the self-loop policy applied (weights of added loops are 1). Other edges,
/// parallel ones included, are kept as they are.
Graph with_self_loops(const Graph& g, SelfLoops policy);

}  // namespace gatkit
