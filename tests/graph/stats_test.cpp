// compute_graph_stats on hand-checked graphs.
#include "gatkit/graph/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace gatkit {
namespace {

// Ten nodes, three weak components with edges, a node with only a self-loop (8) and a bare one (9):
//
//   0 -> 1 <- 2      3 <-> 4      5 -> 6         8 -> 8      9
//                    4 -> 4       ^    |
//                                 +- 7 <+
//
// in-degree  (0..9): 0 2 0 1 2 1 1 1 1 0   sorted 0 0 0 1 1 1 1 1 2 2: mean 0.9, median 1,
//                    variance (3*0.81 + 5*0.01 + 2*1.21) / 10 = 0.49, std 0.7
// out-degree (0..9): 1 0 1 1 2 1 1 1 1 0   sorted 0 0 1 1 1 1 1 1 1 2: mean 0.9, median 1,
//                    variance (2*0.81 + 7*0.01 + 1*1.21) / 10 = 0.29
const std::vector<Edge> kEdges = {{0, 1}, {2, 1}, {3, 4}, {4, 3}, {4, 4},
                                  {5, 6}, {6, 7}, {7, 5}, {8, 8}};

TEST(GraphStats, HandCheckedDirectedGraph) {
  const GraphStats s = compute_graph_stats(build_graph(10, kEdges));
  EXPECT_EQ(s.num_nodes, 10);
  EXPECT_EQ(s.num_edges, 9);
  EXPECT_EQ(s.num_self_loops, 2);
  EXPECT_FALSE(s.symmetric);
  EXPECT_EQ(s.num_components, 5);  // {0,1,2} {3,4} {5,6,7} {8} {9}
  EXPECT_EQ(s.largest_component, 3);
  EXPECT_EQ(s.isolated_nodes, 2);  // 8 (a self-loop only) and 9

  EXPECT_EQ(s.in_degree.min, 0);
  EXPECT_EQ(s.in_degree.max, 2);
  EXPECT_DOUBLE_EQ(s.in_degree.mean, 0.9);
  EXPECT_DOUBLE_EQ(s.in_degree.median, 1.0);
  EXPECT_NEAR(s.in_degree.std, 0.7, 1e-12);

  EXPECT_EQ(s.out_degree.min, 0);
  EXPECT_EQ(s.out_degree.max, 2);
  EXPECT_DOUBLE_EQ(s.out_degree.mean, 0.9);
  EXPECT_DOUBLE_EQ(s.out_degree.median, 1.0);
  EXPECT_NEAR(s.out_degree.std, std::sqrt(0.29), 1e-12);
}

TEST(GraphStats, SymmetrisedWithSelfLoops) {
  // Symmetrising adds 1->0, 1->2, 6->5, 7->6, 5->7 (3<->4 is already there): 14 edges; adding loops
  // merges those of 4 and 8 and adds 8 more: 22. Every node then has a loop, none counts as isolated
  // except 9, which still has no edge to another node.
  GraphBuildOptions options;
  options.symmetrize = true;
  options.self_loops = SelfLoops::add;
  const GraphStats s = compute_graph_stats(build_graph(10, kEdges, {}, options));
  EXPECT_EQ(s.num_edges, 22);
  EXPECT_EQ(s.num_self_loops, 10);
  EXPECT_TRUE(s.symmetric);
  EXPECT_EQ(s.num_components, 5);
  EXPECT_EQ(s.largest_component, 3);
  EXPECT_EQ(s.isolated_nodes, 2);
  // in-degrees: 0:2 1:3 2:2 3:2 4:2 5:3 6:3 7:3 8:1 9:1  -> sorted 1 1 2 2 2 2 3 3 3 3
  EXPECT_EQ(s.in_degree.min, 1);
  EXPECT_EQ(s.in_degree.max, 3);
  EXPECT_DOUBLE_EQ(s.in_degree.mean, 2.2);
  EXPECT_DOUBLE_EQ(s.in_degree.median, 2.0);
  EXPECT_EQ(s.out_degree.min, s.in_degree.min);
  EXPECT_DOUBLE_EQ(s.out_degree.std, s.in_degree.std);
}

TEST(GraphStats, OddNodeCountMedianAndOneComponent) {
  //   0 -> 1 -> 2,  0 -> 2      in-degrees 0 1 2: median 1, mean 1, std sqrt(2/3)
  const GraphStats s = compute_graph_stats(build_graph(3, std::vector<Edge>{{0, 1}, {1, 2}, {0, 2}}));
  EXPECT_EQ(s.num_components, 1);
  EXPECT_EQ(s.largest_component, 3);
  EXPECT_EQ(s.isolated_nodes, 0);
  EXPECT_DOUBLE_EQ(s.in_degree.median, 1.0);
  EXPECT_DOUBLE_EQ(s.in_degree.mean, 1.0);
  EXPECT_NEAR(s.in_degree.std, std::sqrt(2.0 / 3.0), 1e-12);
  EXPECT_DOUBLE_EQ(s.out_degree.median, 1.0);  // out-degrees 2 1 0
}

TEST(GraphStats, EmptyGraphs) {
  const GraphStats none = compute_graph_stats(Graph());
  EXPECT_EQ(none.num_nodes, 0);
  EXPECT_EQ(none.num_edges, 0);
  EXPECT_EQ(none.num_components, 0);
  EXPECT_EQ(none.largest_component, 0);
  EXPECT_EQ(none.isolated_nodes, 0);
  EXPECT_TRUE(none.symmetric);
  EXPECT_EQ(none.in_degree.max, 0);
  EXPECT_EQ(none.in_degree.mean, 0.0);

  const GraphStats bare = compute_graph_stats(build_graph(4, {}));
  EXPECT_EQ(bare.num_components, 4);
  EXPECT_EQ(bare.largest_component, 1);
  EXPECT_EQ(bare.isolated_nodes, 4);
  EXPECT_EQ(bare.in_degree.max, 0);
  EXPECT_EQ(bare.in_degree.std, 0.0);
}

}  // namespace
}  // namespace gatkit
