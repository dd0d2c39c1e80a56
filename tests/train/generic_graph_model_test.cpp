// Graph models trained on generic graph entries (TrainedGraphModel::input = graphs): the checkpoint
// says so (and has no featuriser), reloads to the same predictions, and the predictor reads generic
// entries of the training widths only, never molecules; molecule checkpoints are unchanged.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "gatkit/chem/generic_graph.hpp"
#include "gatkit/train/graph_classification.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/splits.hpp"
#include "gatkit/util/error.hpp"
#include "checkpoint_test_util.hpp"

namespace gatkit {
namespace {

using test::container;
using test::json_of;
namespace fs = std::filesystem;

using GenericGraphModelTest = test::TempDirTest;

// Rings of 3..7 nodes with 3 node features; the label is whether node 0's first feature is set.
std::vector<io::GraphRecord> rings(RowMatrix<double>& targets) {
  std::vector<io::GraphRecord> records;
  targets.resize(20, 1);
  for (int k = 0; k < 20; ++k) {
    io::GraphRecord g;
    g.id = "r" + std::to_string(k);
    g.num_nodes = 3 + k % 5;
    for (std::int64_t i = 0; i < g.num_nodes; ++i) {
      g.node_features.push_back({i == 0 && k % 2 ? 1.0f : 0.0f, 0.1f * static_cast<float>(i), 1.0f});
      g.edges.push_back({static_cast<NodeId>(i), static_cast<NodeId>((i + 1) % g.num_nodes)});
      g.edge_features.push_back({static_cast<float>(i % 2), 1.0f});
    }
    targets(k, 0) = k % 2;
    records.push_back(std::move(g));
  }
  return records;
}

/// A small model trained for `epochs` on the rings' graphs.
TrainedGraphModel train_small(const std::vector<chem::MoleculeGraph>& graphs, const RowMatrix<double>& targets, int epochs) {
  GraphTrainOptions o;
  o.model.layers = 2;
  o.model.heads = 2;
  o.model.hidden = 4;
  o.max_epochs = epochs;
  o.batch_size = 4;
  TrainedGraphModel m;
  (void)train_graph_classifier(graphs, targets, train::random_split(20, 0.6, 0.2, 1), o, 1, &m);
  return m;
}

TEST_F(GenericGraphModelTest, CheckpointRoundTripsAndThePredictorReadsOnlyGraphsOfTheTrainingWidths) {
  RowMatrix<double> targets;
  const std::vector<io::GraphRecord> records = rings(targets);
  std::vector<chem::MoleculeGraph> graphs;
  for (const auto& r : records) graphs.push_back(chem::model_graph(r));
  TrainedGraphModel m = train_small(graphs, targets, 3);
  EXPECT_EQ(m.config.in_dim, 3);
  EXPECT_EQ(m.config.edge_dim, 2);
  m.targets = {"marked"};
  m.input = GraphInput::graphs;

  const fs::path f = dir_ / "generic.gk";
  save_graph_model(m, f);
  const std::string json = json_of(f);
  EXPECT_THAT(json, ::testing::HasSubstr("\"input\":\"graphs\""));
  EXPECT_EQ(json.find("featurizer"), std::string::npos);
  const TrainedGraphModel r = load_graph_model(f);
  EXPECT_EQ(r.input, GraphInput::graphs);
  GraphPredictor before(m), after(r);
  std::vector<chem::MoleculeGraph> read;
  for (const auto& g : records) read.push_back(after.graph(g));
  const RowMatrix<double> p = before.predict(std::span<const chem::MoleculeGraph>(graphs));
  const RowMatrix<double> q = after.predict(std::span<const chem::MoleculeGraph>(read));
  EXPECT_TRUE(p.allFinite());
  EXPECT_TRUE(p == q);

  io::GraphRecord narrow = records[0];
  for (auto& row : narrow.node_features) row.pop_back();
  EXPECT_THROW((void)after.graph(narrow), InvalidArgument);
  io::GraphRecord no_edge_rows = records[0];
  no_edge_rows.edge_features.clear();
  EXPECT_THROW((void)after.graph(no_edge_rows), InvalidArgument);
  chem::Molecule water;
  water.atoms.resize(1);
  water.atoms[0].atomic_number = 8;
  water.atoms[0].symbol = "O";
  try {
    (void)after.featurize(water);
    FAIL() << "a generic-graph model featurised a molecule";
  } catch (const InvalidArgument& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("trained on generic graph entries, not molecules"));
  }

  const std::vector<float> params(m.parameters.data(), m.parameters.data() + m.parameters.size());
  auto load = [](const fs::path& file) { return load_graph_model(file); };
  expect_error("unknown input", container(test::replaced(json, "\"input\":\"graphs\"", "\"input\":\"images\""), params),
               "unknown model input 'images'", load);
  expect_error("input not a string", container(test::replaced(json, "\"input\":\"graphs\"", "\"input\":1"), params),
               "input", load);
  // Without "input" the file is a molecule model's, which needs its featuriser.
  expect_error("molecule model without featurizer", container(test::replaced(json, ",\"input\":\"graphs\"", ""), params),
               "featurizer", load);
}

// --structural-features degree: the checkpoint records the 16 degree columns, the predictor adds them to
// the rows it reads (which keep the graph's own width), and a forged record is refused.
TEST_F(GenericGraphModelTest, DegreeColumnsAreRecordedAndAddedByThePredictor) {
  RowMatrix<double> targets;
  const std::vector<io::GraphRecord> records = rings(targets);
  std::vector<chem::MoleculeGraph> graphs;
  for (const auto& r : records) {
    graphs.push_back(chem::model_graph(r));
    chem::append_degree_columns(graphs.back());
  }
  ASSERT_EQ(graphs[0].atom_features.cols(), 3 + chem::kDegreeColumns);
  TrainedGraphModel m = train_small(graphs, targets, 2);
  m.targets = {"marked"};
  m.input = GraphInput::graphs;
  m.degree_features = true;
  EXPECT_EQ(generic_node_width(m), 3);
  const fs::path f = dir_ / "degree.gk";
  save_graph_model(m, f);
  const std::string json = json_of(f);
  EXPECT_THAT(json, ::testing::HasSubstr("\"structural_features\":[\"degree\"]"));
  const TrainedGraphModel r = load_graph_model(f);
  EXPECT_TRUE(r.degree_features);
  GraphPredictor before(m), after(r);
  std::vector<chem::MoleculeGraph> read;
  for (const auto& g : records) read.push_back(after.graph(g));
  EXPECT_TRUE(read[3].atom_features == graphs[3].atom_features);
  EXPECT_TRUE(before.predict(std::span<const chem::MoleculeGraph>(graphs)) ==
              after.predict(std::span<const chem::MoleculeGraph>(read)));

  const std::vector<float> params(m.parameters.data(), m.parameters.data() + m.parameters.size());
  auto load = [](const fs::path& file) { return load_graph_model(file); };
  expect_error("unknown kind", container(test::replaced(json, "[\"degree\"]", "[\"identity\"]"), params),
               "config.structural_features: expected [\"degree\"]", load);
  // Without the record, the rows the model reads would be 16 columns wider: the same parameters describe
  // a model of in_dim 19 over rows of 19 columns, so the file loads, and reads graphs of that width only.
  const TrainedGraphModel plain = load_graph_model([&] {
    const fs::path g = dir_ / "plain.gk";
    std::ofstream(g, std::ios::binary) << container(test::replaced(json, ",\"structural_features\":[\"degree\"]", ""), params);
    return g;
  }());
  EXPECT_FALSE(plain.degree_features);
  EXPECT_EQ(generic_node_width(plain), 3 + chem::kDegreeColumns);
  EXPECT_THROW((void)GraphPredictor(plain).graph(records[0]), InvalidArgument);
}

TEST(GenericGraphDegree, ColumnsCountDistinctSourcesWithoutTheSelfLoop) {
  io::GraphRecord g;
  g.num_nodes = 3;
  g.edges = {{1, 0}, {2, 0}, {0, 0}, {0, 1}};  // node 0 reads 1, 2 and itself; 1 reads 0; 2 reads nothing
  chem::MoleculeGraph m = chem::model_graph(g);
  chem::append_degree_columns(m);
  ASSERT_EQ(m.atom_features.cols(), 1 + chem::kDegreeColumns);
  EXPECT_EQ(m.atom_features.row(0).sum(), 2.0f);  // the constant column and one degree column
  EXPECT_EQ(m.atom_features(0, 0), 1.0f);
  EXPECT_EQ(m.atom_features(0, 1 + 2), 1.0f);
  EXPECT_EQ(m.atom_features(1, 1 + 1), 1.0f);
  EXPECT_EQ(m.atom_features(2, 1 + 0), 1.0f);
}

}  // namespace
}  // namespace gatkit
