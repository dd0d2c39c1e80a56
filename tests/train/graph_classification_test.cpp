// Graph-level training learns: a synthetic task (does the molecule contain oxygen?) that always runs,
// and MUTAG (bundled in datasets/molecules/mutag).
#include "gatkit/train/graph_classification.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "gatkit/chem/sdf.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

chem::Atom atom(int z, const char* symbol) {
  chem::Atom a;
  a.atomic_number = static_cast<std::uint8_t>(z);
  a.symbol = symbol;
  return a;
}

// Random trees of 5-12 carbons and nitrogens; half of them get one oxygen somewhere. Label: has oxygen.
std::vector<chem::Molecule> oxygen_set(int count, RowMatrix<double>& targets) {
  Rng rng(7);
  std::vector<chem::Molecule> out;
  targets.resize(count, 1);
  for (int m = 0; m < count; ++m) {
    chem::Molecule mol;
    const int n = 5 + static_cast<int>(rng.below(8));
    const bool oxygen = m % 2 == 0;
    const int o_at = static_cast<int>(rng.below(static_cast<std::uint64_t>(n)));
    for (int i = 0; i < n; ++i) {
      if (oxygen && i == o_at) mol.atoms.push_back(atom(8, "O"));
      else if (rng.uniform() < 0.3) mol.atoms.push_back(atom(7, "N"));
      else mol.atoms.push_back(atom(6, "C"));
      if (i > 0) {
        chem::Bond b;
        b.begin = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(i)));
        b.end = i;
        mol.bonds.push_back(b);
      }
    }
    targets(m, 0) = oxygen ? 1.0 : 0.0;
    out.push_back(std::move(mol));
  }
  return out;
}

GraphTrainOptions small_options() {
  GraphTrainOptions o;
  o.model.layers = 2;
  o.model.heads = 4;
  o.model.hidden = 8;
  o.model.readout = ReadoutKind::sum;
  o.max_epochs = 40;
  o.patience = 40;
  o.batch_size = 32;
  o.optimizer.learning_rate = 5e-3;
  return o;
}

TEST(GraphClassification, LearnsASyntheticTask) {
  RowMatrix<double> targets;
  const auto mols = oxygen_set(300, targets);
  std::vector<chem::MoleculeGraph> graphs;
  for (const auto& m : mols) graphs.push_back(chem::featurize(m));
  const train::Split split = train::random_split(300, 0.8, 0.1, 1);
  const GraphRunResult r = train_graph_classifier(graphs, targets, split, small_options(), 0);
  EXPECT_GT(r.test_metric, 0.95) << "val " << r.val_metric;
  EXPECT_GT(r.test_accuracy, 0.85);
  EXPECT_GT(r.val_accuracy, 0.85);
  EXPECT_GT(r.train_graphs_per_second, 0.0);
  // The further metrics of a binary task.
  ASSERT_EQ(r.test_per_task.size(), 1u);
  EXPECT_EQ(r.test_per_task[0], r.test_metric);
  EXPECT_EQ(r.test_roc_auc, r.test_metric);
  EXPECT_GT(r.test_pr_auc, 0.9);
  EXPECT_LE(r.test_pr_auc, 1.0);
  EXPECT_TRUE(std::isnan(r.test_mae));
  // reproducible
  const GraphRunResult again = train_graph_classifier(graphs, targets, split, small_options(), 0);
  EXPECT_EQ(r.test_metric, again.test_metric);
  EXPECT_EQ(r.best_epoch, again.best_epoch);
}

// Regression: the number of oxygen atoms of the synthetic molecules (0 or 1, plus noise-free extra
// oxygens on some): a sum readout can count it exactly.
TEST(GraphClassification, LearnsARegressionTask) {
  RowMatrix<double> has_oxygen;
  auto mols = oxygen_set(300, has_oxygen);
  RowMatrix<double> targets(300, 1);
  for (int m = 0; m < 300; ++m) {
    if (m % 3 == 0) mols[static_cast<std::size_t>(m)].atoms.back() = atom(8, "O");  // a second (or first) oxygen
    double count = 0;
    for (const auto& a : mols[static_cast<std::size_t>(m)].atoms) count += a.atomic_number == 8;
    targets(m, 0) = 2.5 * count - 1.0;  // arbitrary units: the trainer standardises them
  }
  std::vector<chem::MoleculeGraph> graphs;
  for (const auto& m : mols) graphs.push_back(chem::featurize(m));
  GraphTrainOptions o = small_options();
  o.task = GraphTask::regression;
  o.max_epochs = 60;
  const GraphRunResult r = train_graph_classifier(graphs, targets, train::random_split(300, 0.8, 0.1, 1), o, 0);
  EXPECT_EQ(r.metric, "rmse");
  double mean = targets.mean(), var = (targets.array() - mean).square().mean();
  EXPECT_LT(r.test_metric, 0.25 * std::sqrt(var)) << "std of the targets " << std::sqrt(var);
  EXPECT_LE(r.test_mae, r.test_metric);  // MAE <= RMSE
  EXPECT_GT(r.test_mae, 0.0);
  ASSERT_EQ(r.test_per_task.size(), 1u);
  EXPECT_DOUBLE_EQ(r.test_per_task[0], r.test_metric);
  EXPECT_TRUE(std::isnan(r.test_pr_auc));
  EXPECT_TRUE(std::isnan(r.val_accuracy));
}

// Multi-class: class 0 = carbon/nitrogen only, 1 = one oxygen, 2 = one sulfur, 3 = one chlorine (a
// leaf atom). An MLP head over a sum readout separates them.
TEST(GraphClassification, LearnsAMultiClassTask) {
  RowMatrix<double> unused;
  auto mols = oxygen_set(400, unused);
  RowMatrix<double> targets(400, 1);
  const chem::Atom hetero[] = {atom(8, "O"), atom(16, "S"), atom(17, "Cl")};
  for (int m = 0; m < 400; ++m) {
    auto& atoms = mols[static_cast<std::size_t>(m)].atoms;
    for (auto& a : atoms)
      if (a.atomic_number == 8) a = atom(6, "C");
    const int cls = m % 4;
    if (cls > 0) atoms.back() = hetero[cls - 1];  // the last atom is always a leaf of the tree
    targets(m, 0) = cls;
  }
  targets(5, 0) = std::numeric_limits<double>::quiet_NaN();  // a missing label is skipped
  std::vector<chem::MoleculeGraph> graphs;
  for (const auto& m : mols) graphs.push_back(chem::featurize(m));
  GraphTrainOptions o = small_options();
  o.task = GraphTask::multiclass;
  o.model.head_layers = 1;
  o.model.head_hidden = 16;
  const GraphRunResult r = train_graph_classifier(graphs, targets, train::random_split(400, 0.8, 0.1, 2), o, 0);
  EXPECT_EQ(r.metric, "accuracy");
  EXPECT_EQ(r.num_classes, 4);
  EXPECT_GT(r.test_metric, 0.9) << "val " << r.val_metric;
  EXPECT_EQ(r.test_accuracy, r.test_metric);
  EXPECT_EQ(r.val_accuracy, r.val_metric);
  EXPECT_GT(r.test_roc_auc, 0.95);
  EXPECT_EQ(r.test_per_task.size(), 4u);
  // Labels must be class indices; one target only.
  RowMatrix<double> bad = targets;
  bad(0, 0) = 1.5;
  EXPECT_THROW(train_graph_classifier(graphs, bad, train::random_split(400, 0.8, 0.1, 2), o, 0), InvalidArgument);
  RowMatrix<double> two(400, 2);
  two.setZero();
  EXPECT_THROW(train_graph_classifier(graphs, two, train::random_split(400, 0.8, 0.1, 2), o, 0), InvalidArgument);
}

// The reduce-on-plateau schedule lowers the rate after lr_patience epochs without improvement, never
// below the floor; with lr_decay = 1 it stays.
TEST(GraphClassification, LearningRateSchedule) {
  RowMatrix<double> targets;
  const auto mols = oxygen_set(120, targets);
  std::vector<chem::MoleculeGraph> graphs;
  for (const auto& m : mols) graphs.push_back(chem::featurize(m));
  GraphTrainOptions o = small_options();
  o.max_epochs = 25;
  o.patience = 25;
  const train::Split split = train::random_split(120, 0.8, 0.1, 1);
  EXPECT_EQ(train_graph_classifier(graphs, targets, split, o, 0).final_learning_rate, o.optimizer.learning_rate);
  o.lr_decay = 0.5;
  o.lr_patience = 1;
  o.min_learning_rate = 1e-3;
  const GraphRunResult r = train_graph_classifier(graphs, targets, split, o, 0);
  EXPECT_LT(r.final_learning_rate, o.optimizer.learning_rate);
  EXPECT_GE(r.final_learning_rate, 1e-3);
  o.lr_decay = 1.5;
  EXPECT_THROW(train_graph_classifier(graphs, targets, split, o, 0), InvalidArgument);
}

// Selection on the validation loss or accuracy: each restores the epoch that is best by its own rule,
// and training still learns; accuracy is refused for regression.
TEST(GraphClassification, SelectionRules) {
  RowMatrix<double> targets;
  const auto mols = oxygen_set(200, targets);
  std::vector<chem::MoleculeGraph> graphs;
  for (const auto& m : mols) graphs.push_back(chem::featurize(m));
  const train::Split split = train::random_split(200, 0.8, 0.1, 1);
  for (Selection rule : {Selection::loss, Selection::accuracy}) {
    GraphTrainOptions o = small_options();
    o.selection = rule;
    const GraphRunResult r = train_graph_classifier(graphs, targets, split, o, 0);
    EXPECT_GT(r.test_accuracy, 0.8) << to_string(rule);
    EXPECT_GE(r.best_epoch, 1);
  }
  GraphTrainOptions o = small_options();
  o.task = GraphTask::regression;
  o.selection = Selection::accuracy;
  EXPECT_THROW(train_graph_classifier(graphs, targets, split, o, 0), InvalidArgument);
  EXPECT_EQ(parse_selection("loss"), Selection::loss);
  EXPECT_THROW(parse_selection("auc"), InvalidArgument);
}

TEST(GraphClassification, Mutag) {
  const std::filesystem::path file = std::filesystem::path(GATKIT_BUNDLED_DATASETS) / "molecules" / "mutag" / "mutag.sdf";
  const auto mols = chem::read_sdf(file);
  ASSERT_EQ(mols.size(), 188u);
  std::vector<chem::MoleculeGraph> graphs;
  RowMatrix<double> targets(188, 1);
  for (std::size_t k = 0; k < mols.size(); ++k) {
    graphs.push_back(chem::featurize(mols[k]));
    targets(static_cast<Eigen::Index>(k), 0) = std::stod(*mols[k].property("class"));
  }
  const train::Split split = train::random_split(188, 0.8, 0.1, 3);
  GraphTrainOptions o = small_options();
  o.max_epochs = 60;
  const GraphRunResult r = train_graph_classifier(graphs, targets, split, o, 0);
  EXPECT_GT(r.val_metric, 0.8);
  EXPECT_GT(r.test_metric, 0.75);
  std::cout << "MUTAG: val ROC-AUC " << r.val_metric << ", test " << r.test_metric << ", " << r.train_graphs_per_second
            << " graphs/s\n";
}

}  // namespace
}  // namespace gatkit
