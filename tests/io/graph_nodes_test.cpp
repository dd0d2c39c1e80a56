// Node classification on a generic graph entry (io/graph_nodes.hpp): labels, classes, features, the
// graph as the node loaders build theirs, and the refusals; which files the command line reads so.
#include "gatkit/io/graph_nodes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io_test_util.hpp"

namespace gatkit::io {
namespace {

using ::testing::ElementsAre;

GraphRecord path_of_four() {
  GraphRecord g;
  g.id = "p";
  g.num_nodes = 4;
  g.node_features = {{1, 0}, {0, 1}, {1, 1}, {0, 0}};
  g.edges = {{0, 1}, {1, 2}, {2, 3}, {2, 3}, {3, 3}};  // a repeat and a self-loop
  g.node_labels = {0.0, 2.0, std::nullopt, 0.0};
  return g;
}

TEST(GraphNodes, LabelsFeaturesAndTheGraphAsTheNodeLoadersHaveThem) {
  const NodeDataset d = node_dataset_from_graph(path_of_four(), "p");
  EXPECT_EQ(d.name, "p");
  EXPECT_EQ(d.layout, "json");
  EXPECT_THAT(d.labels, ElementsAre(0, 2, -1, 0));
  EXPECT_EQ(d.num_classes, 3);
  EXPECT_THAT(d.class_names, ElementsAre("0", "1", "2"));
  EXPECT_THAT(d.node_ids, ElementsAre("0", "1", "2", "3"));
  ASSERT_FALSE(d.features.is_sparse());
  EXPECT_EQ(d.features.dense()(2, 1), 1.0f);
  EXPECT_EQ(d.graph.num_edges(), 6);  // 3 edges both ways; the repeat and the self-loop dropped
  EXPECT_TRUE(d.graph.is_symmetric());
  EXPECT_EQ(d.graph.num_self_loops(), 0);
  NodeDatasetOptions directed;
  directed.symmetrize = false;
  EXPECT_EQ(node_dataset_from_graph(path_of_four(), "p", directed).graph.num_edges(), 3);
  // Every labelled node is in one split (Planetoid: all of them train when the graph is this small).
  EXPECT_EQ(d.train.size() + d.val.size() + d.test.size(), 3u);
}

TEST(GraphNodes, RefusesWhatIsNotNodeClassification) {
  GraphRecord g = path_of_four();
  g.node_labels.clear();
  EXPECT_THROW(node_dataset_from_graph(g, "p"), InvalidArgument);
  for (const double bad : {-1.0, 1.5, 1e9}) {
    g = path_of_four();
    g.node_labels[1] = bad;
    try {
      node_dataset_from_graph(g, "p");
      ADD_FAILURE() << bad;
    } catch (const InvalidArgument& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("node_labels[1]: expected a class index"));
    }
  }
  g = path_of_four();
  g.node_labels.assign(4, std::nullopt);
  EXPECT_THROW(node_dataset_from_graph(g, "p"), InvalidArgument);
  g = path_of_four();
  g.node_features.clear();
  EXPECT_EQ(node_dataset_from_graph(g, "p").features.cols(), 0);  // structural features go there
}

TEST(GraphNodes, OnlyAFileOfOneGraphWithNodeLabelsIsNodeData) {
  testing::ScratchDir dir;
  GraphFile one;
  one.graphs = {path_of_four()};
  write_graph_json(dir.path() / "one.json", one);
  const auto read = node_graph_of(dir.path() / "one.json");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->id, "p");
  GraphFile two = one;
  two.graphs.push_back(path_of_four());
  write_graph_json(dir.path() / "two.json", two);
  EXPECT_FALSE(node_graph_of(dir.path() / "two.json"));
  GraphFile unlabelled = one;
  unlabelled.graphs[0].node_labels.clear();
  write_graph_json(dir.path() / "unlabelled.json", unlabelled);
  EXPECT_FALSE(node_graph_of(dir.path() / "unlabelled.json"));
  EXPECT_FALSE(node_graph_of(dir.write("broken.json", "{\"format\": ")));
  EXPECT_FALSE(node_graph_of(dir.path() / "missing.json"));
}

}  // namespace
}  // namespace gatkit::io
