// build_graph, with_self_loops and the Graph accessors: hand-drawn cases for every option, a naive
// reference (a std::set of pairs) on random graphs, and 1-thread vs 2-thread identity.
#include "gatkit/graph/graph.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {
namespace {

using Row = std::vector<NodeId>;

/// In-neighbour lists, one per node.
std::vector<Row> in_rows(const Graph& g) {
  std::vector<Row> rows;
  for (NodeId i = 0; i < g.num_nodes(); ++i) {
    auto r = g.in_neighbors(i);
    rows.emplace_back(r.begin(), r.end());
  }
  return rows;
}

/// Out-neighbour lists, one per node.
std::vector<Row> out_rows(const Graph& g) {
  std::vector<Row> rows;
  for (NodeId j = 0; j < g.num_nodes(); ++j) {
    auto r = g.out_neighbors(j);
    rows.emplace_back(r.begin(), r.end());
  }
  return rows;
}

/// Weights of the in-edges of node i, in row order.
std::vector<float> in_weights(const Graph& g, NodeId i) {
  return {g.weights().begin() + g.in_offsets()[i], g.weights().begin() + g.in_offsets()[i + 1]};
}

/// Every structural invariant of a Graph: offsets, sorted rows, and a reverse CSR that is the exact
/// transpose, with out_edge_ids a permutation mapping each out-edge to the same (src, dst) in-edge.
void expect_valid(const Graph& g, bool deduplicated) {
  const std::int64_t n = g.num_nodes(), m = g.num_edges();
  ASSERT_EQ(g.in_offsets().size(), static_cast<std::size_t>(n + 1));
  ASSERT_EQ(g.out_offsets().size(), static_cast<std::size_t>(n + 1));
  EXPECT_EQ(g.in_offsets().front(), 0);
  EXPECT_EQ(g.out_offsets().front(), 0);
  EXPECT_EQ(g.in_offsets().back(), m);
  EXPECT_EQ(g.out_offsets().back(), m);
  ASSERT_EQ(g.sources().size(), static_cast<std::size_t>(m));
  ASSERT_EQ(g.targets().size(), static_cast<std::size_t>(m));
  ASSERT_EQ(g.out_edge_ids().size(), static_cast<std::size_t>(m));
  EXPECT_TRUE(g.weights().empty() || g.weights().size() == static_cast<std::size_t>(m));
  EXPECT_TRUE(std::is_sorted(g.in_offsets().begin(), g.in_offsets().end()));
  EXPECT_TRUE(std::is_sorted(g.out_offsets().begin(), g.out_offsets().end()));
  for (NodeId i = 0; i < n; ++i) {
    auto in = g.in_neighbors(i), out = g.out_neighbors(i);
    for (NodeId j : in) ASSERT_TRUE(j >= 0 && j < n);
    for (NodeId j : out) ASSERT_TRUE(j >= 0 && j < n);
    if (deduplicated) {
      EXPECT_TRUE(std::adjacent_find(in.begin(), in.end(), std::greater_equal<>()) == in.end())
          << "in-row " << i << " not strictly ascending";
      EXPECT_TRUE(std::adjacent_find(out.begin(), out.end(), std::greater_equal<>()) == out.end())
          << "out-row " << i << " not strictly ascending";
    } else {
      EXPECT_TRUE(std::is_sorted(in.begin(), in.end())) << "in-row " << i;
      EXPECT_TRUE(std::is_sorted(out.begin(), out.end())) << "out-row " << i;
    }
  }
  std::vector<bool> seen(static_cast<std::size_t>(m), false);
  for (NodeId j = 0; j < n; ++j) {
    for (EdgeId k = g.out_offsets()[j]; k < g.out_offsets()[j + 1]; ++k) {
      const EdgeId e = g.out_edge_ids()[k];
      const NodeId i = g.targets()[k];
      ASSERT_TRUE(e >= 0 && e < m);
      EXPECT_FALSE(seen[e]) << "in-edge " << e << " named twice";
      seen[e] = true;
      EXPECT_EQ(g.sources()[e], j) << "out-edge " << k;
      EXPECT_TRUE(e >= g.in_offsets()[i] && e < g.in_offsets()[i + 1]) << "out-edge " << k;
    }
  }
}

// ---- hand-drawn cases ------------------------------------------------------------------------------

TEST(Graph, DefaultIsEmpty) {
  const Graph g;
  EXPECT_EQ(g.num_nodes(), 0);
  EXPECT_EQ(g.num_edges(), 0);
  EXPECT_FALSE(g.has_weights());
  EXPECT_EQ(g.in_offsets(), std::vector<EdgeId>{0});
  EXPECT_EQ(g.out_offsets(), std::vector<EdgeId>{0});
  EXPECT_EQ(g.num_self_loops(), 0);
  EXPECT_TRUE(g.is_symmetric());
}

TEST(BuildGraph, ZeroNodes) {
  const Graph g = build_graph(0, {});
  expect_valid(g, true);
  EXPECT_EQ(g.num_nodes(), 0);
  EXPECT_EQ(g.num_edges(), 0);
  EXPECT_TRUE(g.is_symmetric());
  const Graph looped = with_self_loops(g, SelfLoops::add);
  EXPECT_EQ(looped.num_nodes(), 0);
  EXPECT_EQ(looped.num_edges(), 0);
}

TEST(BuildGraph, NodesWithoutEdges) {
  const Graph g = build_graph(4, {});
  expect_valid(g, true);
  EXPECT_EQ(g.num_edges(), 0);
  EXPECT_EQ(g.in_offsets(), (std::vector<EdgeId>{0, 0, 0, 0, 0}));
  EXPECT_EQ(g.out_offsets(), (std::vector<EdgeId>{0, 0, 0, 0, 0}));
  for (NodeId i = 0; i < 4; ++i) {
    EXPECT_EQ(g.in_degree(i), 0);
    EXPECT_EQ(g.out_degree(i), 0);
  }
  EXPECT_TRUE(g.is_symmetric());

  GraphBuildOptions add;
  add.self_loops = SelfLoops::add;
  const Graph looped = build_graph(4, {}, {}, add);
  expect_valid(looped, true);
  EXPECT_EQ(in_rows(looped), (std::vector<Row>{{0}, {1}, {2}, {3}}));
  EXPECT_EQ(looped.num_self_loops(), 4);
}

//   0 ---> 2 <--- 4        5 (isolated)
//   |      ^
//   v      |
//   1 -----+     3 -> 1
TEST(BuildGraph, RowsSortedWithIsolatedNode) {
  const std::vector<Edge> edges = {{4, 2}, {0, 2}, {3, 1}, {1, 2}, {0, 1}};
  const Graph g = build_graph(6, edges);
  expect_valid(g, true);
  EXPECT_EQ(g.num_edges(), 5);
  EXPECT_EQ(in_rows(g), (std::vector<Row>{{}, {0, 3}, {0, 1, 4}, {}, {}, {}}));
  EXPECT_EQ(out_rows(g), (std::vector<Row>{{1, 2}, {2}, {}, {1}, {2}, {}}));
  EXPECT_EQ(g.in_offsets(), (std::vector<EdgeId>{0, 0, 2, 5, 5, 5, 5}));
  EXPECT_EQ(g.out_offsets(), (std::vector<EdgeId>{0, 2, 3, 3, 4, 5, 5}));
  // sources = [0 3 | 0 1 4]: out-edge 0->1 is in-edge 0, 0->2 is 2, 1->2 is 3, 3->1 is 1, 4->2 is 4.
  EXPECT_EQ(g.targets(), (std::vector<NodeId>{1, 2, 2, 1, 2}));
  EXPECT_EQ(g.out_edge_ids(), (std::vector<EdgeId>{0, 2, 3, 1, 4}));
  EXPECT_EQ(g.in_degree(5), 0);
  EXPECT_EQ(g.out_degree(5), 0);
  EXPECT_FALSE(g.is_symmetric());
  EXPECT_FALSE(g.has_weights());
}

TEST(BuildGraph, DeduplicateKeepsFirstWeight) {
  // 0 -> 1 three times, 2 -> 1 twice.
  const std::vector<Edge> edges = {{0, 1}, {2, 1}, {0, 1}, {2, 1}, {0, 1}};
  const std::vector<float> weights = {1.f, 2.f, 3.f, 4.f, 5.f};
  const Graph g = build_graph(3, edges, weights);
  expect_valid(g, true);
  EXPECT_EQ(in_rows(g), (std::vector<Row>{{}, {0, 2}, {}}));
  EXPECT_EQ(in_weights(g, 1), (std::vector<float>{1.f, 2.f}));
}

TEST(BuildGraph, WithoutDeduplicationParallelEdgesStayInInputOrder) {
  const std::vector<Edge> edges = {{2, 1}, {0, 1}, {2, 1}, {0, 1}};
  const std::vector<float> weights = {1.f, 2.f, 3.f, 4.f};
  GraphBuildOptions options;
  options.deduplicate = false;
  const Graph g = build_graph(3, edges, weights, options);
  expect_valid(g, false);
  EXPECT_EQ(in_rows(g), (std::vector<Row>{{}, {0, 0, 2, 2}, {}}));
  EXPECT_EQ(in_weights(g, 1), (std::vector<float>{2.f, 4.f, 1.f, 3.f}));
  EXPECT_EQ(out_rows(g), (std::vector<Row>{{1, 1}, {}, {1, 1}}));
  // Two 2 -> 1 but no 1 -> 2: not symmetric; after symmetrising, counts match both ways.
  EXPECT_FALSE(g.is_symmetric());
  options.symmetrize = true;
  const Graph s = build_graph(3, edges, weights, options);
  expect_valid(s, false);
  EXPECT_TRUE(s.is_symmetric());
  EXPECT_EQ(in_rows(s), (std::vector<Row>{{1, 1}, {0, 0, 2, 2}, {1, 1}}));
}

//   0 -> 1 -> 2      symmetrised:   0 <-> 1 <-> 2,  2 -> 2 stays one loop
//        ^    |
//        +----+  (2 -> 1 given too), 2 -> 2
TEST(BuildGraph, Symmetrize) {
  const std::vector<Edge> edges = {{0, 1}, {1, 2}, {2, 1}, {2, 2}};
  const std::vector<float> weights = {1.f, 2.f, 3.f, 4.f};
  GraphBuildOptions options;
  options.symmetrize = true;
  const Graph g = build_graph(3, edges, weights, options);
  expect_valid(g, true);
  EXPECT_EQ(in_rows(g), (std::vector<Row>{{1}, {0, 2}, {1, 2}}));
  EXPECT_TRUE(g.is_symmetric());
  EXPECT_EQ(g.num_self_loops(), 1);
  // The mirror of an edge carries its weight; 1 -> 2 (weight 2) comes before 2 -> 1 (weight 3), so both
  // directions between 1 and 2 keep weight 2.
  EXPECT_EQ(in_weights(g, 0), (std::vector<float>{1.f}));
  EXPECT_EQ(in_weights(g, 1), (std::vector<float>{1.f, 2.f}));
  EXPECT_EQ(in_weights(g, 2), (std::vector<float>{2.f, 4.f}));
}

TEST(BuildGraph, SymmetrizeSymmetricInputIsUnchanged) {
  const std::vector<Edge> edges = {{0, 1}, {1, 0}, {1, 2}, {2, 1}};
  const Graph plain = build_graph(3, edges);
  GraphBuildOptions options;
  options.symmetrize = true;
  const Graph sym = build_graph(3, edges, {}, options);
  EXPECT_TRUE(plain.is_symmetric());
  EXPECT_EQ(plain.sources(), sym.sources());
  EXPECT_EQ(plain.in_offsets(), sym.in_offsets());
}

// Self-loop input shared by the three policy tests: 1 -> 1 twice (weights 2, 5), 0 -> 1, 2 -> 0.
//   +--+
//   v  |
//   1 -+  <- 0 <- 2
const std::vector<Edge> kLoopEdges = {{0, 1}, {1, 1}, {2, 0}, {1, 1}};
const std::vector<float> kLoopWeights = {1.f, 2.f, 3.f, 5.f};

TEST(BuildGraph, SelfLoopsKeep) {
  GraphBuildOptions options;
  options.self_loops = SelfLoops::keep;
  const Graph g = build_graph(3, kLoopEdges, kLoopWeights, options);
  expect_valid(g, true);
  EXPECT_EQ(in_rows(g), (std::vector<Row>{{2}, {0, 1}, {}}));
  EXPECT_EQ(in_weights(g, 1), (std::vector<float>{1.f, 2.f}));
  EXPECT_EQ(g.num_self_loops(), 1);

  options.deduplicate = false;
  const Graph dup = build_graph(3, kLoopEdges, kLoopWeights, options);
  expect_valid(dup, false);
  EXPECT_EQ(in_rows(dup), (std::vector<Row>{{2}, {0, 1, 1}, {}}));
  EXPECT_EQ(in_weights(dup, 1), (std::vector<float>{1.f, 2.f, 5.f}));
  EXPECT_EQ(dup.num_self_loops(), 2);
  EXPECT_EQ(out_rows(dup), (std::vector<Row>{{1}, {1, 1}, {0}}));
}

TEST(BuildGraph, SelfLoopsRemove) {
  for (bool dedup : {true, false}) {
    GraphBuildOptions options;
    options.self_loops = SelfLoops::remove;
    options.deduplicate = dedup;
    const Graph g = build_graph(3, kLoopEdges, kLoopWeights, options);
    expect_valid(g, true);
    EXPECT_EQ(in_rows(g), (std::vector<Row>{{2}, {0}, {}})) << "deduplicate " << dedup;
    EXPECT_EQ(g.weights(), (std::vector<float>{3.f, 1.f}));
    EXPECT_EQ(g.num_self_loops(), 0);
  }
}

TEST(BuildGraph, SelfLoopsAddMergesExistingAndAddsMissing) {
  // Node 1's two loops become one with the first weight (2); nodes 0 and 2 get weight-1 loops. The
  // merge happens with and without deduplication ("exactly one loop per node").
  for (bool dedup : {true, false}) {
    GraphBuildOptions options;
    options.self_loops = SelfLoops::add;
    options.deduplicate = dedup;
    const Graph g = build_graph(3, kLoopEdges, kLoopWeights, options);
    expect_valid(g, true);
    EXPECT_EQ(in_rows(g), (std::vector<Row>{{0, 2}, {0, 1}, {2}})) << "deduplicate " << dedup;
    EXPECT_EQ(g.weights(), (std::vector<float>{1.f, 3.f, 1.f, 2.f, 1.f}));
    EXPECT_EQ(g.num_self_loops(), 3);
  }
  // Without deduplication other parallel edges still stay.
  GraphBuildOptions options;
  options.self_loops = SelfLoops::add;
  options.deduplicate = false;
  const std::vector<Edge> edges = {{0, 1}, {0, 1}, {1, 1}, {1, 1}};
  const Graph g = build_graph(2, edges, {}, options);
  expect_valid(g, false);
  EXPECT_EQ(in_rows(g), (std::vector<Row>{{0}, {0, 0, 1}}));
}

TEST(BuildGraph, SelfLoopsAddWithSymmetrize) {
  GraphBuildOptions options;
  options.self_loops = SelfLoops::add;
  options.symmetrize = true;
  const Graph g = build_graph(3, kLoopEdges, kLoopWeights, options);
  expect_valid(g, true);
  EXPECT_EQ(in_rows(g), (std::vector<Row>{{0, 1, 2}, {0, 1}, {0, 2}}));
  EXPECT_TRUE(g.is_symmetric());
  EXPECT_EQ(g.num_self_loops(), 3);
  EXPECT_EQ(in_weights(g, 1), (std::vector<float>{1.f, 2.f}));
}

TEST(WithSelfLoops, AppliesPolicyAndKeepsOtherEdges) {
  GraphBuildOptions options;
  options.deduplicate = false;  // keep the parallel 1 -> 1 loops and add a parallel 0 -> 1
  std::vector<Edge> edges = kLoopEdges;
  std::vector<float> weights = kLoopWeights;
  edges.push_back({0, 1});
  weights.push_back(7.f);
  const Graph g = build_graph(3, edges, weights, options);
  ASSERT_EQ(in_rows(g), (std::vector<Row>{{2}, {0, 0, 1, 1}, {}}));

  const Graph added = with_self_loops(g, SelfLoops::add);
  expect_valid(added, false);
  EXPECT_EQ(in_rows(added), (std::vector<Row>{{0, 2}, {0, 0, 1}, {2}}));
  EXPECT_EQ(added.weights(), (std::vector<float>{1.f, 3.f, 1.f, 7.f, 2.f, 1.f}));
  EXPECT_EQ(added.num_self_loops(), 3);

  const Graph removed = with_self_loops(g, SelfLoops::remove);
  expect_valid(removed, false);
  EXPECT_EQ(in_rows(removed), (std::vector<Row>{{2}, {0, 0}, {}}));
  EXPECT_EQ(removed.weights(), (std::vector<float>{3.f, 1.f, 7.f}));

  const Graph kept = with_self_loops(g, SelfLoops::keep);
  EXPECT_EQ(kept.sources(), g.sources());
  EXPECT_EQ(kept.weights(), g.weights());
  EXPECT_EQ(kept.out_edge_ids(), g.out_edge_ids());

  // Adding twice changes nothing more; unweighted graphs stay unweighted.
  const Graph twice = with_self_loops(added, SelfLoops::add);
  EXPECT_EQ(twice.sources(), added.sources());
  EXPECT_EQ(twice.weights(), added.weights());
  const Graph plain = with_self_loops(build_graph(3, kLoopEdges), SelfLoops::add);
  EXPECT_FALSE(plain.has_weights());
  EXPECT_EQ(plain.num_self_loops(), 3);
}

TEST(Graph, NumSelfLoopsAndIsSymmetric) {
  EXPECT_EQ(build_graph(3, std::vector<Edge>{{0, 0}, {1, 2}, {2, 2}}).num_self_loops(), 2);
  EXPECT_TRUE(build_graph(2, std::vector<Edge>{{0, 0}, {1, 1}}).is_symmetric());
  EXPECT_TRUE(build_graph(2, std::vector<Edge>{{0, 1}, {1, 0}, {1, 1}}).is_symmetric());
  EXPECT_FALSE(build_graph(2, std::vector<Edge>{{0, 1}}).is_symmetric());
  EXPECT_FALSE(build_graph(3, std::vector<Edge>{{0, 1}, {1, 0}, {1, 2}}).is_symmetric());
}

TEST(BuildGraph, RejectsOutOfRangeIds) {
  const auto build = [](std::int64_t n, std::vector<Edge> edges) { return build_graph(n, edges); };
  EXPECT_THROW(build(3, {{0, 3}}), InvalidArgument);
  EXPECT_THROW(build(3, {{3, 0}}), InvalidArgument);
  EXPECT_THROW(build(3, {{-1, 0}}), InvalidArgument);
  EXPECT_THROW(build(3, {{0, -2}}), InvalidArgument);
  EXPECT_THROW(build(0, {{0, 0}}), InvalidArgument);
  EXPECT_THROW(build(-1, {}), InvalidArgument);
  EXPECT_THROW(build(std::int64_t{1} << 40, {}), InvalidArgument);
  // The message names the offending edge.
  try {
    build(3, {{0, 1}, {1, 7}});
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("edge 1"), std::string::npos) << what;
    EXPECT_NE(what.find("7"), std::string::npos) << what;
  }
  EXPECT_NO_THROW(build(3, {{2, 2}}));
}

TEST(BuildGraph, RejectsWeightCountMismatch) {
  const std::vector<Edge> edges = {{0, 1}, {1, 2}};
  EXPECT_THROW(build_graph(3, edges, std::vector<float>{1.f}), InvalidArgument);
  EXPECT_THROW(build_graph(3, edges, std::vector<float>{1.f, 2.f, 3.f}), InvalidArgument);
  EXPECT_THROW(build_graph(3, {}, std::vector<float>{1.f}), InvalidArgument);
  // An InvalidArgument is a gatkit::Error.
  EXPECT_THROW(build_graph(3, edges, std::vector<float>{1.f}), Error);
  EXPECT_NO_THROW(build_graph(3, edges, std::vector<float>{1.f, 2.f}));
}

// ---- random graphs against a naive reference --------------------------------------------------------

struct Input {
  std::int64_t num_nodes = 0;
  std::vector<Edge> edges;
  std::vector<float> weights;  ///< weight k is float(k + 1), so "which copy won" is visible
};

/// Random multigraph with repeated edges and (repeated) self-loops.
Input random_input(std::int64_t num_nodes, std::size_t num_edges, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<NodeId> node(0, static_cast<NodeId>(num_nodes - 1));
  std::uniform_int_distribution<int> kind(0, 9);
  Input in;
  in.num_nodes = num_nodes;
  while (in.edges.size() < num_edges) {
    const int k = kind(rng);
    if (k == 0 && !in.edges.empty()) {  // repeat an earlier edge
      std::uniform_int_distribution<std::size_t> pick(0, in.edges.size() - 1);
      in.edges.push_back(in.edges[pick(rng)]);
    } else if (k == 1 && !in.edges.empty()) {  // the reverse of an earlier edge
      std::uniform_int_distribution<std::size_t> pick(0, in.edges.size() - 1);
      const Edge e = in.edges[pick(rng)];
      in.edges.push_back({e.dst, e.src});
    } else if (k == 2) {  // a self-loop on one of the first few nodes, so loops repeat
      const NodeId v = node(rng) % 16;
      in.edges.push_back({v, v});
    } else {
      in.edges.push_back({node(rng), node(rng)});
    }
  }
  for (std::size_t k = 0; k < in.edges.size(); ++k) in.weights.push_back(static_cast<float>(k + 1));
  return in;
}

/// The expected graph as (dst, src, weight) triples in CSR order, computed the slow, obvious way.
std::vector<std::tuple<NodeId, NodeId, float>> reference(const Input& in, const GraphBuildOptions& opt) {
  struct Directed {
    NodeId dst, src;
    float weight;
  };
  std::vector<Directed> all;  // every directed copy, in input order
  for (std::size_t k = 0; k < in.edges.size(); ++k) {
    const Edge e = in.edges[k];
    if (e.src == e.dst && opt.self_loops == SelfLoops::remove) continue;
    all.push_back({e.dst, e.src, in.weights[k]});
    if (opt.symmetrize && e.src != e.dst) all.push_back({e.src, e.dst, in.weights[k]});
  }
  std::vector<Directed> kept;
  std::set<std::pair<NodeId, NodeId>> seen;  // (dst, src) pairs already kept
  for (const Directed& d : all) {
    const bool loop_merged = opt.self_loops == SelfLoops::add && d.src == d.dst;
    if ((opt.deduplicate || loop_merged) && !seen.insert({d.dst, d.src}).second) continue;
    kept.push_back(d);
  }
  if (opt.self_loops == SelfLoops::add)
    for (NodeId i = 0; i < in.num_nodes; ++i)
      if (seen.insert({i, i}).second) kept.push_back({i, i, 1.f});
  std::stable_sort(kept.begin(), kept.end(), [](const Directed& a, const Directed& b) {
    return std::pair(a.dst, a.src) < std::pair(b.dst, b.src);
  });
  std::vector<std::tuple<NodeId, NodeId, float>> out;
  for (const Directed& d : kept) out.emplace_back(d.dst, d.src, d.weight);
  return out;
}

std::vector<std::tuple<NodeId, NodeId, float>> triples(const Graph& g) {
  std::vector<std::tuple<NodeId, NodeId, float>> out;
  for (NodeId i = 0; i < g.num_nodes(); ++i)
    for (EdgeId e = g.in_offsets()[i]; e < g.in_offsets()[i + 1]; ++e)
      out.emplace_back(i, g.sources()[e], g.has_weights() ? g.weights()[e] : 1.f);
  return out;
}

std::string describe(const GraphBuildOptions& o) {
  const char* loops[] = {"keep", "remove", "add"};
  return std::string("symmetrize=") + (o.symmetrize ? "1" : "0") +
         " deduplicate=" + (o.deduplicate ? "1" : "0") +
         " self_loops=" + loops[static_cast<int>(o.self_loops)];
}

std::vector<GraphBuildOptions> all_options() {
  std::vector<GraphBuildOptions> all;
  for (bool symmetrize : {false, true})
    for (bool deduplicate : {true, false})
      for (SelfLoops loops : {SelfLoops::keep, SelfLoops::remove, SelfLoops::add}) {
        GraphBuildOptions o;
        o.symmetrize = symmetrize;
        o.deduplicate = deduplicate;
        o.self_loops = loops;
        all.push_back(o);
      }
  return all;
}

TEST(BuildGraphRandom, MatchesNaiveReferenceForEveryOption) {
  for (unsigned seed : {1u, 2u, 3u}) {
    const Input in = random_input(300, 2500, seed);
    for (const GraphBuildOptions& o : all_options()) {
      SCOPED_TRACE(describe(o) + " seed=" + std::to_string(seed));
      const Graph weighted = build_graph(in.num_nodes, in.edges, in.weights, o);
      expect_valid(weighted, o.deduplicate);
      EXPECT_EQ(triples(weighted), reference(in, o));
      if (o.symmetrize) {
        EXPECT_TRUE(weighted.is_symmetric());
      }
      if (o.self_loops == SelfLoops::add) {
        EXPECT_EQ(weighted.num_self_loops(), in.num_nodes);
      } else if (o.self_loops == SelfLoops::remove) {
        EXPECT_EQ(weighted.num_self_loops(), 0);
      }

      // Unweighted: same structure, no weights.
      const Graph plain = build_graph(in.num_nodes, in.edges, {}, o);
      EXPECT_FALSE(plain.has_weights());
      EXPECT_EQ(plain.sources(), weighted.sources());
      EXPECT_EQ(plain.in_offsets(), weighted.in_offsets());
      EXPECT_EQ(plain.out_edge_ids(), weighted.out_edge_ids());
    }
  }
}

TEST(BuildGraphRandom, WithSelfLoopsMatchesBuildingWithThePolicy) {
  const Input in = random_input(300, 2500, 7);
  for (bool deduplicate : {true, false}) {
    GraphBuildOptions keep;
    keep.deduplicate = deduplicate;
    const Graph base = build_graph(in.num_nodes, in.edges, in.weights, keep);
    for (SelfLoops policy : {SelfLoops::keep, SelfLoops::remove, SelfLoops::add}) {
      GraphBuildOptions direct = keep;
      direct.self_loops = policy;
      SCOPED_TRACE(describe(direct));
      const Graph expected = build_graph(in.num_nodes, in.edges, in.weights, direct);
      const Graph got = with_self_loops(base, policy);
      EXPECT_EQ(got.in_offsets(), expected.in_offsets());
      EXPECT_EQ(got.sources(), expected.sources());
      EXPECT_EQ(got.weights(), expected.weights());
      EXPECT_EQ(got.out_edge_ids(), expected.out_edge_ids());
    }
  }
}

/// Restores the default thread limit when a test ends, pass or fail.
struct ThreadLimitGuard {
  ~ThreadLimitGuard() { set_num_threads(0); }
};

TEST(BuildGraphRandom, IdenticalWithOneAndTwoThreads) {
  ThreadLimitGuard guard;
  // Enough rows (grain 256) for parallel_rows to split the work.
  const Input in = random_input(5000, 40000, 11);
  for (const GraphBuildOptions& o : all_options()) {
    SCOPED_TRACE(describe(o));
    set_num_threads(1);
    ASSERT_EQ(num_threads(), 1);
    const Graph one = build_graph(in.num_nodes, in.edges, in.weights, o);
    set_num_threads(2);
    ASSERT_EQ(num_threads(), 2);
    const Graph two = build_graph(in.num_nodes, in.edges, in.weights, o);
    EXPECT_EQ(one.in_offsets(), two.in_offsets());
    EXPECT_EQ(one.sources(), two.sources());
    EXPECT_EQ(one.weights(), two.weights());
    EXPECT_EQ(one.out_offsets(), two.out_offsets());
    EXPECT_EQ(one.targets(), two.targets());
    EXPECT_EQ(one.out_edge_ids(), two.out_edge_ids());
  }
}

}  // namespace
}  // namespace gatkit
