// Generic graph entries as model graphs (chem/generic_graph.hpp): the CSR keeps the entry's edges as
// in-edges (dst attends to src), edge rows follow the CSR's order, an entry without node features gets
// a column of ones, and what the JSON reader refuses or a model could not use is an error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gatkit/chem/generic_graph.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::chem {
namespace {

io::GraphRecord triangle() {
  io::GraphRecord g;
  g.num_nodes = 3;
  g.node_features = {{1, 10}, {2, 20}, {3, 30}};
  // Listed out of CSR order, with a self-loop on node 1.
  g.edges = {{2, 0}, {0, 1}, {1, 1}, {0, 2}, {1, 0}};
  g.edge_features = {{20}, {1}, {11}, {2}, {10}};  // row = 10 * src + dst, as a label of the edge
  return g;
}

TEST(GenericGraph, EdgesAreInEdgesAndTheirRowsFollowTheCsr) {
  const MoleculeGraph m = model_graph(triangle());
  ASSERT_EQ(m.graph.num_nodes(), 3);
  ASSERT_EQ(m.graph.num_edges(), 5);
  EXPECT_EQ(m.atom_features.cols(), 2);
  EXPECT_EQ(m.atom_features(2, 1), 30);
  ASSERT_EQ(m.edge_features.cols(), 1);
  // Every CSR edge's row is the row the entry gave that edge, whatever the input order.
  for (NodeId dst = 0; dst < 3; ++dst)
    for (EdgeId e = m.graph.in_offsets()[static_cast<std::size_t>(dst)]; e < m.graph.in_offsets()[static_cast<std::size_t>(dst) + 1]; ++e)
      EXPECT_EQ(m.edge_features(e, 0), static_cast<float>(10 * m.graph.sources()[static_cast<std::size_t>(e)] + dst)) << "edge " << e;
  EXPECT_EQ(m.graph.num_self_loops(), 1);
}

TEST(GenericGraph, DefaultsWithoutFeatureRows) {
  io::GraphRecord g;
  g.num_nodes = 2;
  g.edges = {{0, 1}};
  EXPECT_EQ(generic_node_width(g), 1);
  EXPECT_EQ(generic_edge_width(g), 0);
  const MoleculeGraph m = model_graph(g);
  EXPECT_TRUE((m.atom_features.array() == 1.0f).all());
  EXPECT_EQ(m.atom_features.rows(), 2);
  EXPECT_EQ(m.edge_features.rows(), 1);
  EXPECT_EQ(m.edge_features.cols(), 0);
}

TEST(GenericGraph, RefusesWhatAModelCannotUse) {
  auto expect_refused = [](io::GraphRecord g, const std::string& needle) {
    try {
      (void)model_graph(g);
      ADD_FAILURE() << "accepted; expected '" << needle << "'";
    } catch (const InvalidArgument& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr(needle));
    }
  };
  io::GraphRecord twice = triangle();
  twice.edges.push_back({0, 1});
  twice.edge_features.push_back({1});
  expect_refused(twice, "edge [0, 1] is listed twice (edges[1] and edges[5])");
  io::GraphRecord empty;
  expect_refused(empty, "at least one node");
  io::GraphRecord out_of_range = triangle();
  out_of_range.edges[0] = {3, 0};
  expect_refused(out_of_range, "edge [3, 0] out of range");
  io::GraphRecord short_rows = triangle();
  short_rows.edge_features.pop_back();
  expect_refused(short_rows, "edge_features: expected 5 rows");
  io::GraphRecord ragged = triangle();
  ragged.node_features[1].push_back(7);
  expect_refused(ragged, "node_features: ragged rows");
}

TEST(GenericGraph, AGraphWithoutEdgesHasEveryEdgeWidth) {
  io::GraphRecord lone;
  lone.num_nodes = 1;
  lone.node_features = {{1, 2}};
  EXPECT_TRUE(has_widths(lone, 2, 0));
  EXPECT_TRUE(has_widths(lone, 2, 7));
  EXPECT_FALSE(has_widths(lone, 3, 7));
  const MoleculeGraph m = model_graph(lone, 2, 7, "expected");
  EXPECT_EQ(m.edge_features.rows(), 0);
  EXPECT_EQ(m.edge_features.cols(), 7);  // so that it batches with graphs that have edge rows
  EXPECT_TRUE(has_widths(triangle(), 2, 1));
  EXPECT_FALSE(has_widths(triangle(), 2, 2));
  try {
    (void)model_graph(triangle(), 2, 3, "the model was trained on");
    ADD_FAILURE() << "widths 2/1 against 2/3";
  } catch (const InvalidArgument& e) {
    EXPECT_STREQ(e.what(), "2 node and 1 edge feature columns, the model was trained on 2 and 3");
  }
  io::GraphRecord unfeatured = triangle();
  unfeatured.edge_features.clear();  // edges without rows: width 0, not "any"
  EXPECT_FALSE(has_widths(unfeatured, 2, 1));
}

}  // namespace
}  // namespace gatkit::chem
