// Attention graphs of the range of attention: k-hop against powers of the adjacency matrix, k = 1 as
// the graph itself, full against every pair with its hop distance, the refusals (sizes, edge cap,
// non-block-diagonal batches), hop-distance edge features, names, and thread independence.
#include "gatkit/graph/range.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "gatkit/nn/random.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {
namespace {

/// Random directed graph with self-loops on a few nodes and the last two nodes isolated.
Graph random_graph(std::int64_t n, double degree, std::uint64_t seed, bool symmetric) {
  Rng rng(seed);
  std::vector<Edge> edges;
  const std::int64_t active = n - 2;
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(static_cast<double>(active) * degree); ++k)
    edges.push_back({static_cast<NodeId>(rng.below(active)), static_cast<NodeId>(rng.below(active))});
  return build_graph(n, edges, {}, {.symmetrize = symmetric});
}

/// dist(j, i): fewest edges on a directed path j -> ... -> i (0 for i == j, max int when none), by
/// powers of the dense adjacency matrix: reach_t = reach_{t-1} x A.
std::vector<std::vector<int>> dense_distances(const Graph& g) {
  const auto n = static_cast<std::size_t>(g.num_nodes());
  std::vector<std::vector<int>> a(n, std::vector<int>(n, 0));
  for (std::size_t i = 0; i < n; ++i)
    for (NodeId j : g.in_neighbors(static_cast<NodeId>(i))) a[static_cast<std::size_t>(j)][i] = 1;
  std::vector<std::vector<int>> dist(n, std::vector<int>(n, std::numeric_limits<int>::max()));
  std::vector<std::vector<int>> reach(n, std::vector<int>(n, 0));  // reach[j][i]: a walk of exactly t edges
  for (std::size_t j = 0; j < n; ++j) {
    dist[j][j] = 0;
    reach[j][j] = 1;
  }
  for (int t = 1; t <= static_cast<int>(n); ++t) {
    std::vector<std::vector<int>> next(n, std::vector<int>(n, 0));
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t m = 0; m < n; ++m)
        if (reach[j][m])
          for (std::size_t i = 0; i < n; ++i)
            if (a[m][i]) next[j][i] = 1;
    reach = next;
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t i = 0; i < n; ++i)
        if (reach[j][i] && dist[j][i] == std::numeric_limits<int>::max()) dist[j][i] = t;
  }
  return dist;
}

struct WeightedEdge {
  NodeId src, dst;
  float weight;
  friend bool operator==(const WeightedEdge&, const WeightedEdge&) = default;
};

std::vector<WeightedEdge> edges_of(const Graph& g) {
  std::vector<WeightedEdge> out;
  for (std::int64_t i = 0; i < g.num_nodes(); ++i)
    for (EdgeId e = g.in_offsets()[i]; e < g.in_offsets()[i + 1]; ++e)
      out.push_back({g.sources()[e], static_cast<NodeId>(i), g.has_weights() ? g.weights()[e] : 1.0f});
  return out;
}

void PrintTo(const WeightedEdge& e, std::ostream* os) { *os << e.src << "->" << e.dst << " (" << e.weight << ")"; }

TEST(KHop, KEqualToOneIsTheGraphItself) {
  for (bool symmetric : {false, true})
    for (std::uint64_t seed : {1, 2, 3}) {
      const Graph g = random_graph(30, 2.0, seed, symmetric);
      ASSERT_GT(g.num_self_loops(), 0) << "the input should have self-loops for this test";
      const Graph k1 = k_hop_graph(g, 1);
      EXPECT_EQ(k1.in_offsets(), g.in_offsets());
      EXPECT_EQ(k1.sources(), g.sources());
      for (float w : k1.weights()) EXPECT_EQ(w, 1.0f);
    }
}

TEST(KHop, EqualsTheDenseReferenceOfAdjacencyPowers) {
  for (bool symmetric : {false, true})
    for (std::uint64_t seed : {4, 5, 6}) {
      const Graph g = random_graph(16, symmetric ? 1.0 : 1.5, seed, symmetric);
      const auto dist = dense_distances(g);
      for (int k : {1, 2, 3, 5}) {
        std::vector<WeightedEdge> expected;
        for (std::size_t i = 0; i < dist.size(); ++i)
          for (std::size_t j = 0; j < dist.size(); ++j) {
            const auto src = static_cast<NodeId>(j), dst = static_cast<NodeId>(i);
            const auto in = g.in_neighbors(dst);
            if (j == i) {
              if (std::find(in.begin(), in.end(), src) != in.end()) expected.push_back({src, dst, 1.0f});  // input loop kept
            } else if (dist[j][i] <= k) {
              expected.push_back({src, dst, static_cast<float>(dist[j][i])});
            }
          }
        EXPECT_EQ(edges_of(k_hop_graph(g, k)), expected) << "seed " << seed << " k " << k << (symmetric ? " symmetric" : " directed");
      }
    }
}

TEST(KHop, LargeKReachesTheComponentAndStops) {
  // A path 0 - 1 - 2 - 3 and an edge 4 - 5: with k = 64 every node sees its whole component only.
  const Graph g = build_graph(6, std::vector<Edge>{{0, 1}, {1, 2}, {2, 3}, {4, 5}}, {}, {.symmetrize = true});
  const Graph k = k_hop_graph(g, 64);
  EXPECT_EQ(k.num_edges(), 4 * 3 + 2);
  EXPECT_EQ(k.in_neighbors(0).size(), 3u);
  EXPECT_EQ(k.weights()[2], 3.0f);  // 3 -> 0: three hops
}

TEST(KHop, RefusesMoreEdgesThanTheCap) {
  const Graph g = random_graph(200, 3.0, 7, true);
  try {
    (void)k_hop_graph(g, 4, 1000);
    FAIL() << "no error";
  } catch (const InvalidArgument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("k-hop graph (k = 4)"), std::string::npos) << what;
    EXPECT_NE(what.find("more than 1000 edges"), std::string::npos) << what;
    EXPECT_NE(what.find("--max-range-edges"), std::string::npos) << what;
  }
  EXPECT_THROW((void)k_hop_graph(g, 0), InvalidArgument);
}

TEST(KHop, SameGraphForOneAndTwoThreads) {
  const Graph g = random_graph(3000, 3.0, 8, true);
  set_num_threads(1);
  const Graph a = k_hop_graph(g, 2);
  set_num_threads(2);
  const Graph b = k_hop_graph(g, 2);
  set_num_threads(0);
  EXPECT_EQ(a.in_offsets(), b.in_offsets());
  EXPECT_EQ(a.sources(), b.sources());
  EXPECT_EQ(a.weights(), b.weights());
  EXPECT_GT(a.num_edges(), g.num_edges());
}

// Batch of three graphs:  0 - 1 - 2 (path)    3 - 4, 5 (two fragments of one graph)    6 (alone)
TEST(Full, EveryPairWithinEachGraphWithItsHopDistance) {
  const Graph g = build_graph(7, std::vector<Edge>{{0, 1}, {1, 2}, {3, 4}}, {}, {.symmetrize = true});
  const std::vector<std::int64_t> offsets = {0, 3, 6, 7};
  const Graph f = full_graph(g, offsets);
  const auto dist = dense_distances(g);
  std::vector<WeightedEdge> expected;
  for (std::size_t b = 0; b + 1 < offsets.size(); ++b)
    for (std::int64_t i = offsets[b]; i < offsets[b + 1]; ++i)
      for (std::int64_t j = offsets[b]; j < offsets[b + 1]; ++j)
        if (i != j) {
          const int d = dist[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)];
          expected.push_back({static_cast<NodeId>(j), static_cast<NodeId>(i),
                              d == std::numeric_limits<int>::max() ? 0.0f : static_cast<float>(d)});
        }
  EXPECT_EQ(edges_of(f), expected);
  EXPECT_EQ(f.num_edges(), 6 + 6);  // 3 x 2 per graph of three nodes, none for the single node
  // Without offsets the whole graph is one graph: 7 x 6 pairs.
  EXPECT_EQ(full_graph(g).num_edges(), 42);
}

TEST(Full, RefusesLargeGraphsNamingThem) {
  const Graph g = build_graph(10, std::vector<Edge>{{0, 1}, {5, 6}}, {}, {.symmetrize = true});
  const std::vector<std::int64_t> offsets = {0, 4, 10};
  try {
    (void)full_graph(g, offsets, 5);
    FAIL() << "no error";
  } catch (const InvalidArgument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("graph 1 (nodes 4..9) has 6 nodes"), std::string::npos) << what;
    EXPECT_NE(what.find("limit of 5"), std::string::npos) << what;
    EXPECT_NE(what.find("--max-full-nodes"), std::string::npos) << what;
  }
  EXPECT_NO_THROW((void)full_graph(g, offsets, 6));
  // The edge cap is checked before any pair is made.
  EXPECT_THROW((void)full_graph(g, offsets, 6, 20), InvalidArgument);
  // A huge graph is refused by its size, without allocating n^2 of anything.
  const Graph huge = build_graph(2'000'000, std::vector<Edge>{{0, 1}});
  EXPECT_THROW((void)full_graph(huge, {}, 512), InvalidArgument);
  // A "batch" whose graphs share an edge is not block-diagonal.
  const Graph joined = build_graph(4, std::vector<Edge>{{1, 2}});
  const std::vector<std::int64_t> halves = {0, 2, 4};
  EXPECT_THROW((void)full_graph(joined, halves), InvalidArgument);
}

TEST(Range, NamesRoundTripAndBadValuesAreRefused) {
  for (const std::string name : {"1-hop", "k-hop:1", "k-hop:3", "k-hop:64", "full"})
    EXPECT_EQ(parse_attention_range(name).name(), name);
  EXPECT_EQ(parse_attention_range("k-hop:3").k, 3);
  for (const std::string bad : {"", "2-hop", "k-hop", "k-hop:", "k-hop:0", "k-hop:65", "k-hop:2x", "Full"}) {
    try {
      (void)parse_attention_range(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find("expected 1-hop, k-hop:K"), std::string::npos) << e.what();
    }
  }
}

TEST(Range, AttentionGraphAndSizeCheck) {
  const Graph g = build_graph(4, std::vector<Edge>{{0, 1}, {1, 2}, {2, 3}}, {}, {.symmetrize = true});
  AttentionRange r;
  EXPECT_EQ(attention_graph(g, {}, r).sources(), g.sources());
  r = parse_attention_range("k-hop:2");
  EXPECT_EQ(attention_graph(g, {}, r).num_edges(), 6 + 4);
  r = parse_attention_range("full");
  EXPECT_EQ(attention_graph(g, {}, r).num_edges(), 12);
  r.max_full_nodes = 3;
  EXPECT_THROW((void)attention_graph(g, {}, r), InvalidArgument);
  try {
    check_range_size(r, 4, "record 7 'big'");
    FAIL() << "no error";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("record 7 'big': 4 nodes, more than the limit of 3"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(check_range_size(parse_attention_range("k-hop:5"), 1'000'000, "x"));
}

// Path 0 - 1 - 2 with bond rows: edge features of the 2-hop and full graphs are the bond row (zeros
// for a non-bond) and the one-hot hop distance.
TEST(RangeEdgeFeatures, BondRowsAndHopColumns) {
  const Graph g = build_graph(4, std::vector<Edge>{{0, 1}, {1, 2}}, {}, {.symmetrize = true});  // node 3 alone
  RowMatrix<double> bonds(g.num_edges(), 2);
  for (EdgeId e = 0; e < g.num_edges(); ++e) bonds.row(e) << 1.0 + static_cast<double>(e), -1.0;
  const AttentionRange two = parse_attention_range("k-hop:2");
  const Graph k2 = k_hop_graph(g, 2);
  const RowMatrix<double> f2 = range_edge_features(g, bonds, k2, two);
  ASSERT_EQ(f2.cols(), 2 + 2);
  EXPECT_EQ(range_edge_column_names(two), (std::vector<std::string>{"hop=1", "hop=2"}));
  for (std::int64_t i = 0; i < k2.num_nodes(); ++i)
    for (EdgeId e = k2.in_offsets()[i]; e < k2.in_offsets()[i + 1]; ++e) {
      const NodeId j = k2.sources()[e];
      const bool bond = std::abs(j - i) == 1;
      if (bond) {  // the row of the same edge in g
        EdgeId b = g.in_offsets()[i];
        while (g.sources()[b] != j) ++b;
        EXPECT_EQ(f2.row(e).head(2), bonds.row(b));
      } else {
        EXPECT_EQ(f2.row(e).head(2).cwiseAbs().sum(), 0.0);
      }
      EXPECT_EQ(f2(e, 2), bond ? 1.0 : 0.0);
      EXPECT_EQ(f2(e, 3), bond ? 0.0 : 1.0);
    }
  const AttentionRange full = parse_attention_range("full");
  const Graph fg = full_graph(g);
  const RowMatrix<double> ff = range_edge_features(g, bonds, fg, full);
  ASSERT_EQ(ff.cols(), 2 + kFullHopColumns);
  EXPECT_EQ(range_edge_column_names(full).back(), "hop>=8|none");
  for (EdgeId e = 0; e < fg.num_edges(); ++e) EXPECT_EQ(ff.row(e).tail(kFullHopColumns).sum(), 1.0);
  // 3 -> 0: no path, last column; 2 -> 0: two hops.
  EXPECT_EQ(ff(fg.in_offsets()[0] + 2, 2 + kFullHopColumns - 1), 1.0);
  EXPECT_EQ(ff(fg.in_offsets()[0] + 1, 2 + 1), 1.0);
  // 1-hop: the bond rows as they are.
  EXPECT_EQ(range_edge_features(g, bonds, g, AttentionRange()), bonds);
}

}  // namespace
}  // namespace gatkit
