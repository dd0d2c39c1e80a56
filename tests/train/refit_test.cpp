// Refit (GraphTrainOptions::refit, `gatkit train --refit`): after early stopping, every model is
// trained again on the training and validation molecules for its best epoch count. The validation
// figures are those of the early-stopped run; the test figures, the returned model and its predictions
// are the refitted one's; what only the validation set teaches reaches the refitted model.
#include <gtest/gtest.h>

#include <cmath>
#include <span>
#include <vector>

#include "gatkit/chem/featurize.hpp"
#include "gatkit/chem/molecule.hpp"
#include "gatkit/train/graph_classification.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/metrics.hpp"
#include "checkpoint_test_util.hpp"

namespace gatkit {
namespace {

using test::Labelled;
using test::labelled;

GraphTrainOptions options(GraphTask task, int ensemble, bool refit) {
  GraphTrainOptions o;
  o.task = task;
  o.model.layers = 2;
  o.model.heads = 2;
  o.model.hidden = 8;
  o.max_epochs = 8;
  o.patience = 3;
  o.batch_size = 8;
  o.ensemble = ensemble;
  o.refit = refit;
  o.lr_decay = 0.5;  // the refit replays the rates of the first pass
  o.lr_patience = 1;
  return o;
}

RowMatrix<double> column(const Labelled& d, GraphTask task) { return d.targets.col(task == GraphTask::binary ? 0 : 1); }

train::Split split_of(const Labelled& d) {
  return train::random_split(static_cast<std::int64_t>(d.graphs.size()), 0.6, 0.2, 3);
}

// The early-stopped pass is the run without refit (same epochs, validation figures, rate); the model
// and the test figures are the refitted weights', which predict what the run reports.
TEST(Refit, ValidationIsTheEarlyStoppedRunsAndTestTheRefittedModels) {
  const Labelled d = labelled();
  const train::Split split = split_of(d);
  for (GraphTask task : {GraphTask::binary, GraphTask::regression}) {
    for (int members : {1, 2}) {
      SCOPED_TRACE(to_string(task) + " x" + std::to_string(members));
      const RowMatrix<double> y = column(d, task);
      TrainedGraphModel plain, refitted;
      const GraphRunResult a = train_graph_classifier(d.graphs, y, split, options(task, members, false), 7, &plain);
      const GraphRunResult b = train_graph_classifier(d.graphs, y, split, options(task, members, true), 7, &refitted);
      EXPECT_EQ(a.epochs, b.epochs);
      EXPECT_EQ(a.best_epoch, b.best_epoch);
      EXPECT_EQ(a.val_metric, b.val_metric);
      EXPECT_EQ(a.final_learning_rate, b.final_learning_rate);
      EXPECT_GT(a.best_epoch, 0);
      ASSERT_EQ(refitted.members, members);
      ASSERT_EQ(refitted.parameters.size(), plain.parameters.size());
      EXPECT_FALSE(refitted.parameters == plain.parameters);
      EXPECT_TRUE(refitted.target_mean == plain.target_mean);  // the training set's scaling

      // The reported test metric is that of the returned model's predictions.
      refitted.targets = {"y"};
      const RowMatrix<double> p = GraphPredictor(refitted).predict(std::span<const chem::MoleculeGraph>(d.graphs));
      std::vector<double> scores, labels;
      for (auto i : split.test) {
        if (task == GraphTask::binary && std::isnan(y(i, 0))) continue;
        scores.push_back(p(i, 0));
        labels.push_back(y(i, 0));
      }
      const auto n = static_cast<std::int64_t>(labels.size());
      const double expected = task == GraphTask::binary ? train::mean_roc_auc(scores, labels, n, 1).mean
                                                        : train::mean_rmse(scores, labels, n, 1).mean;
      EXPECT_NEAR(b.test_metric, expected, task == GraphTask::binary ? 1e-12 : 1e-6);
    }
  }
}

chem::MoleculeGraph chain(int atoms, int element) {
  chem::Molecule mol;
  mol.atoms.resize(static_cast<std::size_t>(atoms));
  for (auto& a : mol.atoms) {
    a.atomic_number = 6;
    a.symbol = "C";
  }
  if (element != 6) {
    mol.atoms.back().atomic_number = element;
    mol.atoms.back().symbol = element == 7 ? "N" : "O";
  }
  for (int k = 0; k + 1 < atoms; ++k) mol.bonds.push_back({k, k + 1, chem::BondOrder::single, 0, false});
  return chem::featurize(mol);
}

// Nitrogen occurs only in the validation and test molecules, with a value far from every training
// value: the refitted model, which trains on the validation molecules, learns it; the early-stopped one
// cannot. The validation set is mostly copies of the training molecules, so that its loss goes on
// falling while training fits (more than the two N chains' loss grows) and the best epoch (the
// refit's length) is late.
TEST(Refit, TheRefittedModelLearnsFromTheValidationMolecules) {
  std::vector<chem::MoleculeGraph> graphs;
  std::vector<double> values;
  train::Split split;
  for (int k = 0; k < 16; ++k) {  // training: C and O chains, value 0 or 1
    graphs.push_back(chain(3 + k % 4, k % 2 ? 8 : 6));
    values.push_back(k % 2);
    split.train.push_back(static_cast<std::int64_t>(graphs.size()) - 1);
  }
  for (int k = 0; k < 64; ++k) {  // validation: copies of training molecules
    graphs.push_back(chain(3 + k % 4, k % 2 ? 8 : 6));
    values.push_back(k % 2);
    split.val.push_back(static_cast<std::int64_t>(graphs.size()) - 1);
  }
  for (int k = 0; k < 4; ++k) {  // validation and test: N chains, value 4
    graphs.push_back(chain(3 + k, 7));
    values.push_back(4);
    (k < 2 ? split.val : split.test).push_back(static_cast<std::int64_t>(graphs.size()) - 1);
  }
  RowMatrix<double> y(static_cast<Eigen::Index>(values.size()), 1);
  for (std::size_t i = 0; i < values.size(); ++i) y(static_cast<Eigen::Index>(i), 0) = values[i];
  GraphTrainOptions o;
  o.task = GraphTask::regression;
  o.model.layers = 2;
  o.model.heads = 2;
  o.model.hidden = 8;
  o.model.dropout = 0;
  o.optimizer.learning_rate = 5e-3;
  o.max_epochs = 150;
  o.patience = 150;
  o.batch_size = 4;
  o.selection = Selection::loss;
  const GraphRunResult plain = train_graph_classifier(graphs, y, split, o, 3);
  o.refit = true;
  const GraphRunResult refitted = train_graph_classifier(graphs, y, split, o, 3);
  EXPECT_GE(plain.best_epoch, 10);
  // Test RMSE on the N chains (value 4; training values are 0 and 1).
  EXPECT_GT(plain.test_metric, 1.5);
  EXPECT_LT(refitted.test_metric, 0.5 * plain.test_metric);
}

}  // namespace
}  // namespace gatkit
