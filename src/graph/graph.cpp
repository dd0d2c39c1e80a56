#include "gatkit/graph/graph.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {

Graph::Graph() : in_offsets_(1, 0), out_offsets_(1, 0) {}

std::int64_t Graph::num_self_loops() const {
  std::int64_t loops = 0;
  for (std::int64_t i = 0; i < num_nodes_; ++i)
    for (NodeId j : in_neighbors(static_cast<NodeId>(i))) loops += (j == i);
  return loops;
}

bool Graph::is_symmetric() const {
  // Rows are sorted, so the in-neighbour list of i must equal its out-neighbour list.
  for (std::int64_t i = 0; i < num_nodes_; ++i) {
    auto in = in_neighbors(static_cast<NodeId>(i));
    auto out = out_neighbors(static_cast<NodeId>(i));
    if (!std::equal(in.begin(), in.end(), out.begin(), out.end())) return false;
  }
  return true;
}

void Graph::build_reverse() {
  // Counting sort of the in-edges by source. Rows are visited in destination order, so every out-row
  // comes out sorted by target without a further sort.
  const std::int64_t n = num_nodes_;
  out_offsets_.assign(static_cast<std::size_t>(n) + 1, 0);
  for (NodeId j : sources_) ++out_offsets_[static_cast<std::size_t>(j) + 1];
  std::partial_sum(out_offsets_.begin(), out_offsets_.end(), out_offsets_.begin());
  targets_.resize(sources_.size());
  out_edge_ids_.resize(sources_.size());
  std::vector<EdgeId> cursor(out_offsets_.begin(), out_offsets_.end() - 1);
  for (std::int64_t i = 0; i < n; ++i) {
    for (EdgeId e = in_offsets_[i]; e < in_offsets_[i + 1]; ++e) {
      const EdgeId slot = cursor[static_cast<std::size_t>(sources_[e])]++;
      targets_[slot] = static_cast<NodeId>(i);
      out_edge_ids_[slot] = e;
    }
  }
}

Graph build_graph(std::int64_t num_nodes, std::span<const Edge> edges, std::span<const float> weights,
                  const GraphBuildOptions& options) {
  GATKIT_REQUIRE(num_nodes >= 0 && num_nodes <= std::int64_t{INT32_MAX},
                 "graph: node count " + std::to_string(num_nodes) + " out of range");
  GATKIT_REQUIRE(weights.empty() || weights.size() == edges.size(),
                 "graph: " + std::to_string(weights.size()) + " weights for " +
                     std::to_string(edges.size()) + " edges");
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const Edge& e = edges[k];
    GATKIT_REQUIRE(e.src >= 0 && e.src < num_nodes && e.dst >= 0 && e.dst < num_nodes,
                   "graph: edge " + std::to_string(k) + " (" + std::to_string(e.src) + " -> " +
                       std::to_string(e.dst) + ") names a node outside 0.." +
                       std::to_string(num_nodes - 1));
  }
  const bool weighted = !weights.empty();
  const std::size_t n = static_cast<std::size_t>(num_nodes);
  const std::size_t copies = options.symmetrize ? 2 : 1;
  // SelfLoops::add keeps the input's loops (so the first one's weight survives) and appends one more
  // per node, after every input edge; step 5 then merges each node's loops into one.
  const bool drop_loops = options.self_loops == SelfLoops::remove;
  const bool add_loops = options.self_loops == SelfLoops::add;

  // 1. Count in-degrees (per destination), counting both directions when symmetrising.
  std::vector<EdgeId> offsets(n + 1, 0);
  for (const Edge& e : edges) {
    if (drop_loops && e.src == e.dst) continue;
    ++offsets[static_cast<std::size_t>(e.dst) + 1];
    if (copies == 2 && e.src != e.dst) ++offsets[static_cast<std::size_t>(e.src) + 1];
  }
  if (add_loops)
    for (std::size_t i = 0; i < n; ++i) ++offsets[i + 1];
  // 2. Prefix sum.
  std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
  // 3. Fill in input order (stable), remembering each entry's input position for "first weight wins".
  struct Entry {
    NodeId src;
    float weight;
    std::int64_t order;
  };
  std::vector<Entry> entries(static_cast<std::size_t>(offsets[n]));
  std::vector<EdgeId> cursor(offsets.begin(), offsets.end() - 1);
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const Edge& e = edges[k];
    if (drop_loops && e.src == e.dst) continue;
    const float w = weighted ? weights[k] : 1.0f;
    const std::int64_t order = static_cast<std::int64_t>(k);
    entries[cursor[static_cast<std::size_t>(e.dst)]++] = {e.src, w, order};
    if (copies == 2 && e.src != e.dst) entries[cursor[static_cast<std::size_t>(e.src)]++] = {e.dst, w, order};
  }
  if (add_loops)
    for (std::size_t i = 0; i < n; ++i)
      entries[cursor[i]++] = {static_cast<NodeId>(i), 1.0f, static_cast<std::int64_t>(edges.size())};

  // 4. Sort every row by source (ties by input order), 5. deduplicate within the row (with
  //    SelfLoops::add, the row's self-loops are merged even when not deduplicating).
  std::vector<EdgeId> row_size(n, 0);
  parallel_rows(num_nodes, 256, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      auto first = entries.begin() + offsets[i], last = entries.begin() + offsets[i + 1];
      std::sort(first, last, [](const Entry& a, const Entry& b) {
        return a.src != b.src ? a.src < b.src : a.order < b.order;
      });
      if (options.deduplicate || add_loops) {
        const bool dedup = options.deduplicate;
        last = std::unique(first, last, [dedup, i](const Entry& a, const Entry& b) {
          return a.src == b.src && (dedup || a.src == i);
        });
      }
      row_size[static_cast<std::size_t>(i)] = last - first;
    }
  });

  // 6. Compact into the final arrays.
  Graph g;
  g.num_nodes_ = num_nodes;
  g.in_offsets_.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) g.in_offsets_[i + 1] = g.in_offsets_[i] + row_size[i];
  const std::size_t total = static_cast<std::size_t>(g.in_offsets_[n]);
  g.sources_.resize(total);
  if (weighted) g.weights_.resize(total);
  for (std::size_t i = 0; i < n; ++i) {
    const EdgeId from = offsets[i], to = g.in_offsets_[i];
    for (EdgeId k = 0; k < row_size[i]; ++k) {
      g.sources_[to + k] = entries[from + k].src;
      if (weighted) g.weights_[to + k] = entries[from + k].weight;
    }
  }
  // 7. The reverse direction.
  g.build_reverse();
  return g;
}

Graph with_self_loops(const Graph& g, SelfLoops policy) {
  std::vector<Edge> edges;
  edges.reserve(g.sources().size());
  for (std::int64_t i = 0; i < g.num_nodes(); ++i)
    for (NodeId j : g.in_neighbors(static_cast<NodeId>(i))) edges.push_back({j, static_cast<NodeId>(i)});
  // No deduplication: parallel edges of a graph built without it stay; the loop policy merges loops.
  GraphBuildOptions options;
  options.deduplicate = false;
  options.self_loops = policy;
  return build_graph(g.num_nodes(), edges, g.weights(), options);
}

}  // namespace gatkit
