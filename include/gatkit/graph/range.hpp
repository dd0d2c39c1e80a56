#pragma once
// Range of attention: the graph a model's attention layers run on, built from the data's graph. The
// graph form of truncated self-attention (docs/range_and_positions.md):
//
//  - 1-hop  (default): the graph's own edges; a node attends to its neighbours.
//  - k-hop:  edge j -> i whenever i can be reached from j in 1..k steps of the graph (a directed path
//            j -> ... -> i); found by a breadth-first search per source node bounded at depth k, run by
//            Boost.Graph on a DirectedView of the graph (no copy). k = 1 gives the graph's own edges.
//  - full:   edge j -> i for every ordered pair of distinct nodes of the same graph: plain
//            self-attention over the node set (a Transformer encoder). "Graph" means one graph of a
//            block-diagonal batch (one molecule, even when it has several fragments), and for node tasks
//            the whole input graph (every node attends to every other node, connected or not).
//
// Common rules:
//  - No self-loops are added here: the model's self-loop policy adds them afterwards (so `full` with
//    self-loops is attention over every node including itself). Self-loops of the input are kept.
//  - The result is deduplicated, rows sorted by source, like every Graph. Its per-edge weight is the hop
//    distance from source to destination in the input graph (1 for the input's own edges and
//    self-loops), 0 for `full` pairs with no path between them. Attention layers ignore weights; the
//    molecule model turns them into hop-distance edge features (range_edge_features).
//  - Refusals, before anything of the size of the result is allocated: a `full` graph with more than
//    max_full_nodes nodes, and any result with more than max_edges edges. The messages name the graph
//    and the limit (and the option that raises it).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit {

enum class RangeKind { one_hop, k_hop, full };

/// Default refusal limits. 512 nodes is 261,632 pairs per graph; 2^25 edges keep E x heads attention
/// state of an 8-head layer near 1 GiB.
inline constexpr std::int64_t kDefaultMaxFullNodes = 512;
inline constexpr std::int64_t kDefaultMaxRangeEdges = std::int64_t{1} << 25;
/// Hop-distance columns of `full` edge features: hop=1 .. hop=7, and hop>=8 (or no path).
inline constexpr std::int64_t kFullHopColumns = 8;

struct AttentionRange {
  RangeKind kind = RangeKind::one_hop;
  int k = 1;                                        ///< k-hop only: 1 .. 64
  std::int64_t max_full_nodes = kDefaultMaxFullNodes;  ///< full: largest graph accepted
  std::int64_t max_edges = kDefaultMaxRangeEdges;      ///< k-hop and full: largest result accepted

  bool is_one_hop() const { return kind == RangeKind::one_hop; }
  /// "1-hop", "k-hop:K" or "full" (what parse_attention_range reads).
  std::string name() const;
  /// Throws InvalidArgument on k outside 1..64 (k-hop) or non-positive limits.
  void validate() const;
  friend bool operator==(const AttentionRange&, const AttentionRange&) = default;
};

/// "1-hop", "k-hop:K" (K in 1..64) or "full"; throws InvalidArgument naming the value otherwise. The
/// limits keep their defaults.
AttentionRange parse_attention_range(std::string_view text);

/// The k-hop graph of `g` (see the header comment). Throws InvalidArgument for k < 1 and when the result
/// would have more than max_edges edges.
Graph k_hop_graph(const Graph& g, int k, std::int64_t max_edges = kDefaultMaxRangeEdges);

/// The `full` graph: every ordered pair of distinct nodes within each graph [offsets[g], offsets[g+1])
/// of a block-diagonal batch (offsets empty: the whole graph is one graph), plus the input's self-loops.
/// `g` must not have edges between different graphs of the batch. Throws InvalidArgument naming the
/// graph (its index in the batch and its size) when it has more than max_nodes nodes, and when the
/// result would have more than max_edges edges.
Graph full_graph(const Graph& g, std::span<const std::int64_t> offsets = {},
                 std::int64_t max_nodes = kDefaultMaxFullNodes, std::int64_t max_edges = kDefaultMaxRangeEdges);

/// The attention graph of `g` under `range`: g itself (a copy) for 1-hop, else k_hop_graph / full_graph.
Graph attention_graph(const Graph& g, std::span<const std::int64_t> offsets, const AttentionRange& range);

/// Throws InvalidArgument naming `what` when a graph of `num_nodes` nodes is refused by `range` (full,
/// above max_full_nodes). For checking one input (a molecule) before batching it.
void check_range_size(const AttentionRange& range, std::int64_t num_nodes, const std::string& what);

/// Hop-distance columns appended to edge (bond) features of the attention graph: 0 for 1-hop, k for
/// k-hop (hop=1 .. hop=k), kFullHopColumns for full.
std::int64_t range_edge_columns(const AttentionRange& range);
std::vector<std::string> range_edge_column_names(const AttentionRange& range);

/// Edge features of `attention` (= attention_graph(g, ..., range), rows in its in-edge order) from the
/// features of g's edges (`features`, rows in g's in-edge order): [the row of the same edge in g, or
/// zeros for a pair that is not an edge of g | one-hot hop distance (range_edge_columns columns) read
/// from attention's weights]. For 1-hop it returns `features` unchanged.
template <class T>
RowMatrix<T> range_edge_features(const Graph& g, const RowMatrix<T>& features, const Graph& attention,
                                 const AttentionRange& range);

}  // namespace gatkit
