// Numerical safety: a NaN or infinite loss or gradient stops training with an error naming the epoch
// (and the batch), instead of going on and keeping or saving a poisoned model.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "gatkit/chem/featurize.hpp"
#include "gatkit/graph/graph.hpp"
#include "gatkit/io/dataset.hpp"
#include "gatkit/train/graph_classification.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

NodeDataset tiny_nodes(float poison) {
  NodeDataset d;
  d.graph = build_graph(6, std::vector<Edge>{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}}, {}, {.symmetrize = true});
  MatrixF x = MatrixF::Identity(6, 4);
  x(0, 0) = poison;  // a value no reader lets through, but a C++ caller can pass
  d.features = FeatureMatrix<float>(x);
  d.labels = {0, 1, 0, 1, 0, 1};
  d.num_classes = 2;
  d.class_names = {"a", "b"};
  d.train = {0, 1};
  d.val = {2, 3};
  d.test = {4, 5};
  return d;
}

TEST(NanGuard, NodeTrainingStopsAtTheFirstEpochWithANaNLoss) {
  TrainOptions o;
  o.normalize_features = false;
  o.max_epochs = 5;
  o.model.dropout = o.model.attention_dropout = 0;  // (a dropped input would hide the NaN in training)
  TrainedModel model;
  model.parameters = Vector<float>::Constant(3, 1.0f);
  try {
    train_node_classifier(tiny_nodes(kNaN), o, 0, &model);
    FAIL() << "training went on with a NaN loss";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("training stopped at epoch 1: the training loss is NaN"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("no model is saved"));
  }
  EXPECT_EQ(model.parameters.size(), 3) << "the output model must be left alone";
}

TEST(NanGuard, NodeTrainingStopsWhenTheWeightsBlowUp) {
  // A huge learning rate: the first Adam step moves every weight by ~1e30, so the second epoch overflows.
  TrainOptions o;
  o.normalize_features = false;
  o.max_epochs = 20;
  o.model.dropout = o.model.attention_dropout = 0;
  o.optimizer.learning_rate = 1e38;
  try {
    train_node_classifier(tiny_nodes(1.0f), o, 0, nullptr);
    FAIL() << "training went on with a non-finite loss";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::ContainsRegex("training stopped at epoch [0-9]+: the (training|validation) loss is|"
                                                   "training stopped at epoch [0-9]+: a gradient of '"));
  }
}

TEST(NanGuard, GraphTrainingNamesTheEpochAndTheBatch) {
  std::vector<chem::MoleculeGraph> graphs;
  RowMatrix<double> targets(8, 1);
  for (int m = 0; m < 8; ++m) {
    chem::Molecule mol;
    mol.atoms.resize(3);
    for (auto& a : mol.atoms) {
      a.atomic_number = 6;
      a.symbol = "C";
    }
    mol.bonds = {{0, 1, chem::BondOrder::single, 0, false}, {1, 2, chem::BondOrder::single, 0, false}};
    graphs.push_back(chem::featurize(mol));
    graphs.back().atom_features(0, 0) = kNaN;  // every molecule: the first batch is poisoned, whatever the order
    targets(m, 0) = m % 2;
  }
  train::Split split;
  split.train = {0, 1, 2, 3, 4, 5};
  split.val = {6, 7};
  GraphTrainOptions o;
  o.batch_size = 4;
  o.max_epochs = 3;
  TrainedGraphModel trained;
  try {
    train_graph_classifier(graphs, targets, split, o, 0, &trained);
    FAIL() << "graph training went on with a NaN loss";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("training stopped at epoch 1, batch 1: the training loss is NaN"));
  }
  EXPECT_EQ(trained.parameters.size(), 0) << "nothing is handed back";
}

}  // namespace
}  // namespace gatkit
