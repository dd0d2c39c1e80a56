// Attention graphs for the range of attention (1-hop, k-hop, full); see range.hpp.
//
// Both k-hop and full run one breadth-first search per source node (Boost.Graph's breadth_first_visit
// on a DirectedView, so the graph is not copied). The searches are independent: sources are split into
// fixed blocks, each block searches with its own colour and distance arrays (reset only where a search
// went, so a search costs what it visits, not O(n)) and writes its own edge list; the lists are joined
// in block order, so the result does not depend on the thread count. A running total of the edges found
// (an atomic counter, whose final value and therefore whose verdict is the same for any schedule)
// stops the construction as soon as it exceeds the limit.
#include "gatkit/graph/range.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <limits>

#include <boost/graph/breadth_first_search.hpp>

#include "gatkit/graph/boost_adapter.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {
namespace {

constexpr int kMaxK = 64;

/// Boost's BFS buffer (push/top/pop/empty) that does not queue vertices at depth `limit`: they are
/// discovered (and recorded) but never expanded, so the search stops at depth `limit`.
class DepthBoundedQueue {
 public:
  using value_type = NodeId;
  DepthBoundedQueue(const std::vector<int>& depth, int limit) : depth_(depth), limit_(limit) {}
  void push(NodeId v) {
    if (depth_[static_cast<std::size_t>(v)] < limit_) items_.push_back(v);
  }
  NodeId& top() { return items_[head_]; }
  const NodeId& top() const { return items_[head_]; }
  void pop() { ++head_; }
  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }

 private:
  const std::vector<int>& depth_;
  int limit_;
  std::vector<NodeId> items_;
  std::size_t head_ = 0;
};

/// Records every discovered vertex and its depth (tree edges run before the target is queued).
struct DepthRecorder : boost::default_bfs_visitor {
  std::vector<int>* depth = nullptr;
  std::vector<NodeId>* reached = nullptr;
  void discover_vertex(NodeId v, const DirectedView&) const { reached->push_back(v); }
  void tree_edge(const ViewEdge& e, const DirectedView&) const {
    (*depth)[static_cast<std::size_t>(e.target)] = (*depth)[static_cast<std::size_t>(e.source)] + 1;
  }
};

/// One block's searches: colour and depth arrays over the whole graph, reset after every search.
class BoundedSearch {
 public:
  explicit BoundedSearch(const Graph& g)
      : view_(g),
        color_(static_cast<std::size_t>(g.num_nodes()), boost::white_color),
        depth_(static_cast<std::size_t>(g.num_nodes()), 0) {}

  /// Nodes reachable from `source` in 0..limit steps along the edges (source first), with depth().
  const std::vector<NodeId>& run(NodeId source, int limit) {
    for (NodeId v : reached_) color_[static_cast<std::size_t>(v)] = boost::white_color;
    reached_.clear();
    depth_[static_cast<std::size_t>(source)] = 0;
    DepthBoundedQueue queue(depth_, limit);
    DepthRecorder recorder;
    recorder.depth = &depth_;
    recorder.reached = &reached_;
    boost::breadth_first_visit(view_, source, queue, recorder,
                               boost::make_iterator_property_map(color_.begin(), get(boost::vertex_index, view_)));
    return reached_;
  }
  int depth(NodeId v) const { return depth_[static_cast<std::size_t>(v)]; }
  /// Whether the last run() reached v.
  bool reached(NodeId v) const { return color_[static_cast<std::size_t>(v)] != boost::white_color; }

 private:
  DirectedView view_;
  std::vector<boost::default_color_type> color_;
  std::vector<int> depth_;
  std::vector<NodeId> reached_;
};

bool has_self_loop(const Graph& g, NodeId v) {
  const auto out = g.out_neighbors(v);
  return std::binary_search(out.begin(), out.end(), v);
}

std::string too_many_edges(const std::string& what, std::int64_t limit) {
  return what + " has more than " + std::to_string(limit) +
         " edges, the limit (max_edges, --max-range-edges); use a smaller range or raise the limit";
}

/// Runs emit(source, search, edges, weights) for every source node in fixed blocks (in parallel) and
/// builds the graph of the edges emitted, joined in source order.
template <class Emit>
Graph build_from_searches(const Graph& g, Emit&& emit) {
  const std::int64_t n = g.num_nodes();
  const std::int64_t block = std::max<std::int64_t>(256, (n + 15) / 16);  // at most 16 blocks of scratch
  const std::int64_t blocks = n == 0 ? 0 : (n + block - 1) / block;
  std::vector<std::vector<Edge>> edges(static_cast<std::size_t>(blocks));
  std::vector<std::vector<float>> weights(static_cast<std::size_t>(blocks));
  parallel_blocks(n, block, [&](std::int64_t begin, std::int64_t end) {
    BoundedSearch search(g);
    const auto k = static_cast<std::size_t>(begin / block);
    for (std::int64_t j = begin; j < end; ++j) emit(static_cast<NodeId>(j), search, edges[k], weights[k]);
  });
  std::vector<Edge> all;
  std::vector<float> all_weights;
  std::size_t total = 0;
  for (const auto& e : edges) total += e.size();
  all.reserve(total);
  all_weights.reserve(total);
  for (std::size_t k = 0; k < edges.size(); ++k) {
    all.insert(all.end(), edges[k].begin(), edges[k].end());
    all_weights.insert(all_weights.end(), weights[k].begin(), weights[k].end());
    std::vector<Edge>().swap(edges[k]);
    std::vector<float>().swap(weights[k]);
  }
  return build_graph(n, all, all_weights);
}

}  // namespace

std::string AttentionRange::name() const {
  switch (kind) {
    case RangeKind::one_hop: return "1-hop";
    case RangeKind::k_hop: return "k-hop:" + std::to_string(k);
    case RangeKind::full: return "full";
  }
  return "?";
}

void AttentionRange::validate() const {
  GATKIT_REQUIRE(kind != RangeKind::k_hop || (k >= 1 && k <= kMaxK),
                 "range k-hop: k must be in 1.." + std::to_string(kMaxK) + ", got " + std::to_string(k));
  GATKIT_REQUIRE(max_full_nodes >= 1, "range: the full-attention node limit must be positive");
  GATKIT_REQUIRE(max_edges >= 1, "range: the edge limit must be positive");
}

AttentionRange parse_attention_range(std::string_view text) {
  AttentionRange r;
  const std::string expected = "expected 1-hop, k-hop:K (K in 1.." + std::to_string(kMaxK) + ") or full";
  if (text == "1-hop") return r;
  if (text == "full") {
    r.kind = RangeKind::full;
    return r;
  }
  constexpr std::string_view prefix = "k-hop:";
  if (text.substr(0, prefix.size()) == prefix) {
    const std::string_view digits = text.substr(prefix.size());
    int k = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), k);
    if (ec == std::errc() && ptr == digits.data() + digits.size() && !digits.empty() && k >= 1 && k <= kMaxK) {
      r.kind = RangeKind::k_hop;
      r.k = k;
      return r;
    }
  }
  throw InvalidArgument("unknown range '" + std::string(text) + "' (" + expected + ")");
}

Graph k_hop_graph(const Graph& g, int k, std::int64_t max_edges) {
  GATKIT_REQUIRE(k >= 1, "k-hop graph: k must be >= 1, got " + std::to_string(k));
  std::atomic<std::int64_t> found{0};
  return build_from_searches(g, [&](NodeId j, BoundedSearch& search, std::vector<Edge>& edges, std::vector<float>& weights) {
    const auto& reached = search.run(j, k);
    const bool loop = has_self_loop(g, j);
    const auto count = static_cast<std::int64_t>(reached.size()) - 1 + (loop ? 1 : 0);
    if (found.fetch_add(count, std::memory_order_relaxed) + count > max_edges)
      throw InvalidArgument(too_many_edges("the k-hop graph (k = " + std::to_string(k) + ") of a graph of " +
                                               std::to_string(g.num_nodes()) + " nodes and " +
                                               std::to_string(g.num_edges()) + " edges",
                                           max_edges));
    for (std::size_t r = 1; r < reached.size(); ++r) {  // reached[0] is j itself
      edges.push_back({j, reached[r]});
      weights.push_back(static_cast<float>(search.depth(reached[r])));
    }
    if (loop) {
      edges.push_back({j, j});
      weights.push_back(1.0f);
    }
  });
}

Graph full_graph(const Graph& g, std::span<const std::int64_t> offsets, std::int64_t max_nodes, std::int64_t max_edges) {
  const std::int64_t n = g.num_nodes();
  const std::vector<std::int64_t> whole = {0, n};
  if (offsets.empty()) offsets = whole;
  GATKIT_REQUIRE(offsets.size() >= 2 && offsets.front() == 0 && offsets.back() == n,
                 "full graph: offsets must run from 0 to the node count " + std::to_string(n));
  // 1. Sizes, before anything is allocated: every graph within max_nodes, the total within max_edges.
  std::int64_t total = 0;
  std::vector<std::int32_t> graph_of(static_cast<std::size_t>(n));
  for (std::size_t b = 0; b + 1 < offsets.size(); ++b) {
    const std::int64_t first = offsets[b], size = offsets[b + 1] - first;
    GATKIT_REQUIRE(size >= 0, "full graph: offsets must not decrease (graph " + std::to_string(b) + ")");
    if (size > max_nodes)
      throw InvalidArgument("range full: graph " + std::to_string(b) + " (nodes " + std::to_string(first) + ".." +
                            std::to_string(first + size - 1) + ") has " + std::to_string(size) +
                            " nodes, more than the limit of " + std::to_string(max_nodes) +
                            " for all-pairs attention (max_full_nodes, --max-full-nodes)");
    total += size * (size - 1);
    if (total > max_edges)
      throw InvalidArgument(too_many_edges("the full graph of " + std::to_string(offsets.size() - 1) + " graph(s) with " +
                                               std::to_string(n) + " nodes",
                                           max_edges));
    std::fill(graph_of.begin() + first, graph_of.begin() + first + size, static_cast<std::int32_t>(b));
  }
  // 2. The batch must be block-diagonal: pairs are formed within graphs only.
  for (std::int64_t i = 0; i < n; ++i)
    for (NodeId j : g.in_neighbors(static_cast<NodeId>(i)))
      GATKIT_REQUIRE(graph_of[static_cast<std::size_t>(j)] == graph_of[static_cast<std::size_t>(i)],
                     "full graph: edge " + std::to_string(j) + " -> " + std::to_string(i) +
                         " joins two graphs of the batch");
  // 3. Every pair within the graph, weighted by its hop distance (0: no path).
  return build_from_searches(g, [&](NodeId j, BoundedSearch& search, std::vector<Edge>& edges, std::vector<float>& weights) {
    search.run(j, std::numeric_limits<int>::max());
    const auto b = static_cast<std::size_t>(graph_of[static_cast<std::size_t>(j)]);
    for (std::int64_t i = offsets[b]; i < offsets[b + 1]; ++i) {
      const auto v = static_cast<NodeId>(i);
      if (v == j) continue;
      edges.push_back({j, v});
      weights.push_back(search.reached(v) ? static_cast<float>(search.depth(v)) : 0.0f);
    }
    if (has_self_loop(g, j)) {
      edges.push_back({j, j});
      weights.push_back(1.0f);
    }
  });
}

Graph attention_graph(const Graph& g, std::span<const std::int64_t> offsets, const AttentionRange& range) {
  range.validate();
  switch (range.kind) {
    case RangeKind::one_hop: return g;
    case RangeKind::k_hop: return k_hop_graph(g, range.k, range.max_edges);
    case RangeKind::full: return full_graph(g, offsets, range.max_full_nodes, range.max_edges);
  }
  return g;
}

void check_range_size(const AttentionRange& range, std::int64_t num_nodes, const std::string& what) {
  if (range.kind == RangeKind::full && num_nodes > range.max_full_nodes)
    throw InvalidArgument(what + ": " + std::to_string(num_nodes) + " nodes, more than the limit of " +
                          std::to_string(range.max_full_nodes) +
                          " for --range full (all-pairs attention; raise it with --max-full-nodes)");
}

std::int64_t range_edge_columns(const AttentionRange& range) {
  switch (range.kind) {
    case RangeKind::one_hop: return 0;
    case RangeKind::k_hop: return range.k;
    case RangeKind::full: return kFullHopColumns;
  }
  return 0;
}

std::vector<std::string> range_edge_column_names(const AttentionRange& range) {
  std::vector<std::string> names;
  const std::int64_t columns = range_edge_columns(range);
  for (std::int64_t c = 1; c <= columns; ++c) names.push_back("hop=" + std::to_string(c));
  if (range.kind == RangeKind::full) names.back() = "hop>=" + std::to_string(kFullHopColumns) + "|none";
  return names;
}

template <class T>
RowMatrix<T> range_edge_features(const Graph& g, const RowMatrix<T>& features, const Graph& attention,
                                 const AttentionRange& range) {
  GATKIT_REQUIRE(features.rows() == g.num_edges() && attention.num_nodes() == g.num_nodes(),
                 "range edge features: " + std::to_string(features.rows()) + " feature rows for " +
                     std::to_string(g.num_edges()) + " edges, or graphs of different sizes");
  if (range.is_one_hop()) return features;
  GATKIT_REQUIRE(attention.has_weights(), "range edge features: the attention graph carries no hop distances");
  const std::int64_t n = g.num_nodes(), F = features.cols(), hops = range_edge_columns(range);
  RowMatrix<T> out = RowMatrix<T>::Zero(attention.num_edges(), F + hops);
  parallel_rows(n, 256, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      // Both rows are sorted by source: walk them together.
      EdgeId from = g.in_offsets()[i];
      const EdgeId from_end = g.in_offsets()[i + 1];
      for (EdgeId e = attention.in_offsets()[i]; e < attention.in_offsets()[i + 1]; ++e) {
        const NodeId j = attention.sources()[e];
        while (from < from_end && g.sources()[from] < j) ++from;
        if (from < from_end && g.sources()[from] == j) out.row(e).head(F) = features.row(from);
        const auto d = static_cast<std::int64_t>(attention.weights()[static_cast<std::size_t>(e)]);
        const std::int64_t column = d >= 1 && d <= hops ? d - 1 : hops - 1;  // full: far or no path -> last
        out(e, F + column) = T(1);
      }
    }
  });
  return out;
}

template RowMatrix<float> range_edge_features<float>(const Graph&, const RowMatrix<float>&, const Graph&, const AttentionRange&);
template RowMatrix<double> range_edge_features<double>(const Graph&, const RowMatrix<double>&, const Graph&, const AttentionRange&);

}  // namespace gatkit
