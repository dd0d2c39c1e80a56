// The Boost.Graph views: concept checks at compile time, the edge lists they expose, and Boost's own
// algorithms (connected_components, breadth_first_search, topological_sort, dijkstra) running on them.
#include "gatkit/graph/boost_adapter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <vector>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/graph_concepts.hpp>
#include <boost/graph/topological_sort.hpp>

#include "gatkit/graph/stats.hpp"

namespace gatkit {
namespace {

BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<UndirectedView>));
BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<UndirectedView>));
BOOST_CONCEPT_ASSERT((boost::AdjacencyGraphConcept<UndirectedView>));
BOOST_CONCEPT_ASSERT((boost::ReadablePropertyGraphConcept<UndirectedView, NodeId, boost::vertex_index_t>));
BOOST_CONCEPT_ASSERT((boost::ReadablePropertyGraphConcept<UndirectedView, ViewEdge, boost::edge_index_t>));
BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<DirectedView>));
BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<DirectedView>));
BOOST_CONCEPT_ASSERT((boost::BidirectionalGraphConcept<DirectedView>));
BOOST_CONCEPT_ASSERT((boost::AdjacencyGraphConcept<DirectedView>));
BOOST_CONCEPT_ASSERT((boost::ReadablePropertyGraphConcept<DirectedView, NodeId, boost::vertex_index_t>));
BOOST_CONCEPT_ASSERT((boost::ReadablePropertyGraphConcept<DirectedView, ViewEdge, boost::edge_index_t>));

template <class Range>
auto collect(Range range) {
  std::vector<typename std::iterator_traits<decltype(range.first)>::value_type> out;
  for (auto it = range.first; it != range.second; ++it) out.push_back(*it);
  return out;
}

std::vector<NodeId> targets_of(const std::vector<ViewEdge>& edges) {
  std::vector<NodeId> out;
  for (const ViewEdge& e : edges) out.push_back(e.target);
  return out;
}

//        +--+
//        v  |
//   0 -> 1 -+ -> 3          in-CSR: row 1 = [0 1 2] (edges 0, 1, 2), row 3 = [1] (edge 3)
//        ^
//        2
const std::vector<Edge> kStar = {{0, 1}, {2, 1}, {1, 3}, {1, 1}};

TEST(UndirectedView, OutEdgesAreInEdgesThenOutEdges) {
  const Graph g = build_graph(4, kStar);
  const UndirectedView view(g);
  EXPECT_EQ(view.graph, &g);  // a view, not a copy
  EXPECT_EQ(num_vertices(view), 4u);
  EXPECT_EQ(collect(vertices(view)), (std::vector<NodeId>{0, 1, 2, 3}));

  const std::vector<ViewEdge> edges = collect(out_edges(1, view));
  ASSERT_EQ(edges.size(), 5u);
  EXPECT_EQ(targets_of(edges), (std::vector<NodeId>{0, 1, 2, 1, 3}));
  const std::vector<EdgeId> ids = {0, 1, 2, 1, 3};
  for (std::size_t k = 0; k < edges.size(); ++k) {
    EXPECT_EQ(source(edges[k], view), 1);
    EXPECT_EQ(target(edges[k], view), edges[k].target);
    EXPECT_EQ(edges[k].id, ids[k]);
    EXPECT_EQ(get(boost::edge_index, view, edges[k]), ids[k]);
  }
  EXPECT_EQ(out_degree(1, view), 5u);  // the loop counts twice
  EXPECT_EQ(degree(1, view), 5u);
  EXPECT_EQ(collect(adjacent_vertices(1, view)), (std::vector<NodeId>{0, 1, 2, 1, 3}));

  // Node 3 only has the in-edge 1 -> 3; node 0 only the out-edge 0 -> 1. Both are seen from their node.
  const std::vector<ViewEdge> three = collect(out_edges(3, view));
  ASSERT_EQ(three.size(), 1u);
  EXPECT_EQ(three[0].source, 3);
  EXPECT_EQ(three[0].target, 1);
  EXPECT_EQ(three[0].id, 3);
  const std::vector<ViewEdge> zero = collect(out_edges(0, view));
  ASSERT_EQ(zero.size(), 1u);
  EXPECT_EQ(zero[0].source, 0);
  EXPECT_EQ(zero[0].target, 1);
  EXPECT_EQ(zero[0].id, 0);
  // The same gatkit edge seen from either end is the same undirected edge.
  EXPECT_TRUE(zero[0] == edges[0]);
  EXPECT_FALSE(zero[0] == edges[2]);
}

TEST(UndirectedView, IteratorsAreRandomAccess) {
  const Graph g = build_graph(4, kStar);
  const UndirectedView view(g);
  auto [first, last] = out_edges(1, view);
  EXPECT_EQ(last - first, 5);
  EXPECT_EQ((first + 3)->target, 1);
  const ViewEdge fifth = first[4];  // operator[] of a by-value iterator returns a proxy
  EXPECT_EQ(fifth.target, 3);
  EXPECT_EQ((last - 1)->target, 3);
  auto it = first;
  it += 2;
  EXPECT_EQ(it->target, 2);
  --it;
  EXPECT_EQ(it->target, 1);
  EXPECT_TRUE(first < it);
  auto [a, b] = adjacent_vertices(1, view);
  EXPECT_EQ(b - a, 5);
  EXPECT_EQ(NodeId(a[3]), 1);
  auto [v, v_end] = vertices(view);
  EXPECT_EQ(v_end - v, 4);
}

TEST(DirectedView, OutAndInEdgesFollowTheCsr) {
  const Graph g = build_graph(4, kStar);
  const DirectedView view(g);
  EXPECT_EQ(view.graph, &g);
  EXPECT_EQ(num_vertices(view), 4u);

  const std::vector<ViewEdge> out = collect(out_edges(1, view));
  EXPECT_EQ(targets_of(out), (std::vector<NodeId>{1, 3}));
  EXPECT_EQ(out[0].id, 1);
  EXPECT_EQ(out[1].id, 3);
  EXPECT_EQ(out_degree(1, view), 2u);
  EXPECT_EQ(collect(adjacent_vertices(1, view)), (std::vector<NodeId>{1, 3}));

  const std::vector<ViewEdge> in = collect(in_edges(1, view));
  ASSERT_EQ(in.size(), 3u);
  for (std::size_t k = 0; k < in.size(); ++k) {
    EXPECT_EQ(target(in[k], view), 1);
    EXPECT_EQ(source(in[k], view), g.sources()[in[k].id]);
    EXPECT_EQ(in[k].id, static_cast<EdgeId>(k));
  }
  EXPECT_EQ(in_degree(1, view), 3u);
  EXPECT_EQ(degree(1, view), 5u);

  // Every out-edge id names the in-edge with the same endpoints, for every node.
  for (NodeId v = 0; v < 4; ++v)
    for (const ViewEdge& e : collect(out_edges(v, view))) {
      EXPECT_EQ(e.source, v);
      EXPECT_EQ(g.sources()[e.id], v);
      EXPECT_TRUE(e.id >= g.in_offsets()[e.target] && e.id < g.in_offsets()[e.target + 1]);
    }
}

TEST(Views, EmptyGraph) {
  const Graph g;
  EXPECT_EQ(num_vertices(UndirectedView(g)), 0u);
  EXPECT_EQ(num_vertices(DirectedView(g)), 0u);
  auto [v, v_end] = vertices(UndirectedView(g));
  EXPECT_TRUE(v == v_end);
  std::int64_t count = -1;
  EXPECT_TRUE(connected_components(g, &count).empty());
  EXPECT_EQ(count, 0);
}

// Three weak components and two isolated nodes (3 and 10), directed input:
//
//   0 -> 1 <- 2     3     7 -> 4 <-> 5     6 <-> 8 <- 9     10
//                                               8 -> 8
const std::vector<Edge> kComponents = {{0, 1}, {2, 1},                  // {0, 1, 2}
                                       {7, 4}, {4, 5}, {5, 4},          // {4, 5, 7}
                                       {6, 8}, {8, 6}, {8, 8}, {9, 8}};  // {6, 8, 9}
const std::vector<std::int32_t> kExpectedComponents = {0, 0, 0, 1, 2, 2, 3, 2, 3, 3, 4};

TEST(Components, BoostConnectedComponentsOnUndirectedView) {
  const Graph g = build_graph(11, kComponents);
  const UndirectedView view(g);
  std::vector<int> component(11, -1);
  const int count = boost::connected_components(
      view, boost::make_iterator_property_map(component.begin(), get(boost::vertex_index, view)));
  EXPECT_EQ(count, 5);
  EXPECT_EQ(component, (std::vector<int>{0, 0, 0, 1, 2, 2, 3, 2, 3, 3, 4}));
}

TEST(Components, GatkitConnectedComponents) {
  const Graph g = build_graph(11, kComponents);
  std::int64_t count = 0;
  EXPECT_EQ(connected_components(g, &count), kExpectedComponents);
  EXPECT_EQ(count, 5);
  EXPECT_EQ(connected_components(g), kExpectedComponents);  // count is optional

  // Direction, duplicates and self-loops do not change weak components.
  GraphBuildOptions options;
  options.symmetrize = true;
  options.self_loops = SelfLoops::add;
  EXPECT_EQ(connected_components(build_graph(11, kComponents, {}, options)), kExpectedComponents);

  // Only edges into a node, never out: 0 -> 1 and 2 -> 1 still join 0, 1 and 2.
  EXPECT_EQ(connected_components(build_graph(3, std::vector<Edge>{{0, 1}, {2, 1}})),
            (std::vector<std::int32_t>{0, 0, 0}));
  // No edges at all: one component per node.
  EXPECT_EQ(connected_components(build_graph(3, {}), &count), (std::vector<std::int32_t>{0, 1, 2}));
  EXPECT_EQ(count, 3);
}

TEST(Components, LongPathDoesNotOverflowTheStack) {
  // Boost's DFS is iterative; a 200k-node path must not recurse 200k deep.
  const NodeId n = 200000;
  std::vector<Edge> path;
  for (NodeId i = n - 1; i > 0; --i) path.push_back({i, i - 1});
  std::int64_t count = 0;
  const std::vector<std::int32_t> component = connected_components(build_graph(n, path), &count);
  EXPECT_EQ(count, 1);
  EXPECT_EQ(std::count(component.begin(), component.end(), 0), n);
}

//   0 -> 1 -> 3 -> 4
//   |         ^
//   +--> 2 ---+          5 -> 0
const std::vector<Edge> kDag = {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 4}, {5, 0}};

/// BFS hop counts from `start` (-1: unreachable), through Boost's breadth_first_search.
template <class View>
std::vector<int> bfs_distances(const View& view, NodeId start) {
  std::vector<int> distance(num_vertices(view), -1);
  auto distance_map = boost::make_iterator_property_map(distance.begin(), get(boost::vertex_index, view));
  distance[static_cast<std::size_t>(start)] = 0;
  boost::breadth_first_search(
      view, start,
      boost::visitor(boost::make_bfs_visitor(boost::record_distances(distance_map, boost::on_tree_edge()))));
  return distance;
}

TEST(BreadthFirstSearch, DistancesOnDirectedView) {
  const Graph g = build_graph(6, kDag);
  const DirectedView view(g);
  EXPECT_EQ(bfs_distances(view, 0), (std::vector<int>{0, 1, 1, 2, 3, -1}));
  EXPECT_EQ(bfs_distances(view, 5), (std::vector<int>{1, 2, 2, 3, 4, 0}));
  EXPECT_EQ(bfs_distances(view, 4), (std::vector<int>{-1, -1, -1, -1, 0, -1}));
}

TEST(BreadthFirstSearch, DistancesOnUndirectedView) {
  const Graph g = build_graph(6, kDag);
  const UndirectedView view(g);
  EXPECT_EQ(bfs_distances(view, 4), (std::vector<int>{3, 2, 2, 1, 0, 4}));
  EXPECT_EQ(bfs_distances(view, 0), (std::vector<int>{0, 1, 1, 2, 3, 1}));
}

TEST(BreadthFirstSearch, KHopNeighbourhoodAndPredecessors) {
  // The 2-hop out-neighbourhood of 5 is {5, 0, 1, 2}; predecessors give the BFS tree.
  const Graph g = build_graph(6, kDag);
  const DirectedView view(g);
  std::vector<NodeId> parent(6, -1);
  std::vector<int> distance(6, -1);
  distance[5] = 0;
  const auto index = get(boost::vertex_index, view);
  boost::breadth_first_search(
      view, 5,
      boost::visitor(boost::make_bfs_visitor(std::make_pair(
          boost::record_distances(boost::make_iterator_property_map(distance.begin(), index),
                                  boost::on_tree_edge()),
          boost::record_predecessors(boost::make_iterator_property_map(parent.begin(), index),
                                     boost::on_tree_edge())))));
  std::vector<NodeId> within_two;
  for (NodeId v = 0; v < 6; ++v)
    if (distance[v] >= 0 && distance[v] <= 2) within_two.push_back(v);
  EXPECT_EQ(within_two, (std::vector<NodeId>{0, 1, 2, 5}));
  EXPECT_EQ(parent, (std::vector<NodeId>{5, 0, 0, 1, 3, -1}));  // 3 is first reached through 1
}

TEST(OtherAlgorithms, TopologicalSortOnDirectedView) {
  const Graph g = build_graph(6, kDag);
  const DirectedView view(g);
  std::vector<NodeId> reversed;
  boost::topological_sort(view, std::back_inserter(reversed));
  ASSERT_EQ(reversed.size(), 6u);
  std::vector<int> position(6);
  for (int k = 0; k < 6; ++k) position[reversed[k]] = 5 - k;
  for (const Edge& e : kDag) EXPECT_LT(position[e.src], position[e.dst]) << e.src << " -> " << e.dst;
}

TEST(OtherAlgorithms, DijkstraWithGraphWeightsThroughEdgeIndex) {
  //   0 --1--> 1 --1--> 3        0 --5--> 3 directly is longer than through 1 (2) but
  //   |                          0 --1--> 2 --0.5--> 3 is shorter still (1.5)
  //   +--1--> 2 --0.5--+
  const std::vector<Edge> edges = {{0, 1}, {1, 3}, {0, 3}, {0, 2}, {2, 3}};
  const std::vector<float> weights = {1.f, 1.f, 5.f, 1.f, 0.5f};
  const Graph g = build_graph(4, edges, weights);
  const DirectedView view(g);
  std::vector<float> distance(4);
  std::vector<NodeId> parent(4);
  const auto index = get(boost::vertex_index, view);
  boost::dijkstra_shortest_paths(
      view, 0,
      boost::weight_map(boost::make_iterator_property_map(g.weights().begin(), get(boost::edge_index, view)))
          .distance_map(boost::make_iterator_property_map(distance.begin(), index))
          .predecessor_map(boost::make_iterator_property_map(parent.begin(), index)));
  EXPECT_EQ(distance, (std::vector<float>{0.f, 1.f, 1.f, 1.5f}));
  EXPECT_EQ(parent, (std::vector<NodeId>{0, 0, 0, 2}));
}

}  // namespace
}  // namespace gatkit
