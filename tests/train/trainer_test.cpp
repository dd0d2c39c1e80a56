// Training and inference on the bundled Cora: reproducibility (seed, thread count), the early-stopping
// protocol, restored weights, predictions, argument checks; and summarize() on hand-made runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "gatkit/io/dataset.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {
namespace {

struct TrainingRun {
  RunResult result;
  TrainedModel model;
  std::vector<EpochStats> epochs;
};

TrainOptions short_options(int epochs = 30) {
  TrainOptions o;
  o.max_epochs = epochs;
  return o;
}

TrainingRun train(const NodeDataset& data, const TrainOptions& options, std::uint64_t seed) {
  TrainingRun run;
  run.result = train_node_classifier(data, options, seed, &run.model,
                                     [&](const EpochStats& s) { run.epochs.push_back(s); });
  return run;
}

// Everything but the timings.
void expect_same_result(const RunResult& a, const RunResult& b) {
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.epochs, b.epochs);
  EXPECT_EQ(a.best_epoch, b.best_epoch);
  EXPECT_EQ(a.val_accuracy, b.val_accuracy);
  EXPECT_EQ(a.val_loss, b.val_loss);
  EXPECT_EQ(a.test_accuracy, b.test_accuracy);
}

double accuracy_of(const MatrixF& probabilities, const NodeDataset& data, const std::vector<NodeId>& nodes) {
  int correct = 0;
  for (NodeId i : nodes) {
    Eigen::Index best;
    probabilities.row(i).maxCoeff(&best);
    correct += best == data.labels[static_cast<std::size_t>(i)];
  }
  return static_cast<double>(correct) / static_cast<double>(nodes.size());
}

class CoraTraining : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::filesystem::path folder = std::filesystem::path(GATKIT_BUNDLED_DATASETS) / "cora";
    if (!std::filesystem::exists(folder)) return;
    cora_ = std::make_unique<NodeDataset>(load_node_dataset(folder));
    reference_ = std::make_unique<TrainingRun>(train(*cora_, short_options(), 3));
  }
  static void TearDownTestSuite() {
    reference_.reset();
    cora_.reset();
  }
  void SetUp() override {
    if (!cora_) GTEST_SKIP() << "bundled Cora not found under " << GATKIT_BUNDLED_DATASETS;
  }

  static std::unique_ptr<NodeDataset> cora_;
  static std::unique_ptr<TrainingRun> reference_;  ///< seed 3, 30 epochs, default threads
};

std::unique_ptr<NodeDataset> CoraTraining::cora_;
std::unique_ptr<TrainingRun> CoraTraining::reference_;

TEST_F(CoraTraining, SameSeedGivesIdenticalRuns) {
  const TrainingRun again = train(*cora_, short_options(), 3);
  expect_same_result(again.result, reference_->result);
  EXPECT_TRUE(again.model.parameters == reference_->model.parameters);
  EXPECT_EQ(again.result.seed, 3u);
  EXPECT_EQ(again.result.epochs, 30);  // patience 100 cannot stop a 30-epoch run
  // It learned something: 7 classes, chance is ~0.14 (GAT reaches ~0.8 after a few hundred epochs).
  EXPECT_GT(reference_->result.test_accuracy, 0.5);
  EXPECT_GT(reference_->result.val_accuracy, 0.5);
  // The trained model describes the data it was trained on.
  const TrainedModel& m = reference_->model;
  EXPECT_EQ(m.config.in_dim, cora_->features.cols());
  EXPECT_EQ(m.config.num_classes, cora_->num_classes);
  EXPECT_EQ(m.class_names, cora_->class_names);
  EXPECT_TRUE(m.normalize_features);
  EXPECT_EQ(m.parameters.size(), GatModel<float>(m.config).parameters().size());
}

TEST_F(CoraTraining, DifferentSeedsGiveDifferentModels) {
  const TrainingRun other = train(*cora_, short_options(), 4);
  EXPECT_EQ(other.result.seed, 4u);
  ASSERT_EQ(other.model.parameters.size(), reference_->model.parameters.size());
  EXPECT_FALSE(other.model.parameters == reference_->model.parameters);
  EXPECT_GT((other.model.parameters - reference_->model.parameters).cwiseAbs().maxCoeff(), 1e-3f);
}

TEST_F(CoraTraining, OneAndTwoThreadsGiveIdenticalRuns) {
  set_num_threads(1);
  const TrainingRun one = train(*cora_, short_options(), 3);
  set_num_threads(2);
  const TrainingRun two = train(*cora_, short_options(), 3);
  set_num_threads(0);
  expect_same_result(one.result, two.result);
  EXPECT_TRUE(one.model.parameters == two.model.parameters);
  EXPECT_TRUE(one.model.parameters == reference_->model.parameters);
  ASSERT_EQ(one.epochs.size(), two.epochs.size());
  for (std::size_t e = 0; e < one.epochs.size(); ++e) {
    EXPECT_EQ(one.epochs[e].train_loss, two.epochs[e].train_loss) << "epoch " << e + 1;
    EXPECT_EQ(one.epochs[e].val_loss, two.epochs[e].val_loss) << "epoch " << e + 1;
  }
}

TEST_F(CoraTraining, CallbackSeesEveryEpochAndBestWeightsAreRestored) {
  const TrainingRun& r = *reference_;
  ASSERT_EQ(static_cast<int>(r.epochs.size()), r.result.epochs);
  int last_improved = 0;
  for (std::size_t e = 0; e < r.epochs.size(); ++e) {
    const EpochStats& s = r.epochs[e];
    EXPECT_EQ(s.epoch, static_cast<int>(e) + 1);
    EXPECT_TRUE(std::isfinite(s.train_loss) && std::isfinite(s.val_loss));
    EXPECT_GE(s.val_accuracy, 0.0);
    EXPECT_LE(s.val_accuracy, 1.0);
    if (s.improved) last_improved = s.epoch;
  }
  // The training loss goes down over 30 epochs.
  EXPECT_LT(r.epochs.back().train_loss, r.epochs.front().train_loss);
  ASSERT_GE(r.result.best_epoch, 1);
  EXPECT_EQ(r.result.best_epoch, last_improved);
  // The restored model is the model of that epoch: its validation numbers are the epoch's, bit for bit.
  const EpochStats& best = r.epochs[static_cast<std::size_t>(r.result.best_epoch - 1)];
  EXPECT_TRUE(best.improved);
  EXPECT_EQ(r.result.val_loss, best.val_loss);
  EXPECT_EQ(r.result.val_accuracy, best.val_accuracy);
}

// The GAT rule: patience resets whenever validation accuracy reaches its max or loss its min; the run
// stops after `patience` epochs without either. Replayed from the callback's numbers.
TEST_F(CoraTraining, EarlyStoppingFollowsThePatienceRule) {
  TrainOptions o = short_options(60);
  o.patience = 2;
  o.optimizer.learning_rate = 0.05;  // overfits quickly, so validation stops improving early
  const TrainingRun r = train(*cora_, o, 5);
  ASSERT_EQ(static_cast<int>(r.epochs.size()), r.result.epochs);
  double max_acc = 0, min_loss = INFINITY;
  int waited = 0, stop = 0, best = 0;
  for (const EpochStats& s : r.epochs) {
    const bool acc_ok = s.val_accuracy >= max_acc, loss_ok = s.val_loss <= min_loss;
    EXPECT_EQ(s.improved, acc_ok && loss_ok) << "epoch " << s.epoch;
    if (acc_ok && loss_ok) best = s.epoch;
    if (acc_ok || loss_ok) {
      max_acc = std::max(max_acc, s.val_accuracy);
      min_loss = std::min(min_loss, s.val_loss);
      waited = 0;
    } else {
      ++waited;
    }
    if (waited >= o.patience && stop == 0) stop = s.epoch;
  }
  EXPECT_GT(stop, 0) << "validation kept improving for 60 epochs: early stopping was not exercised";
  EXPECT_EQ(r.result.epochs, stop ? stop : o.max_epochs);
  EXPECT_EQ(r.result.best_epoch, best);
}

TEST_F(CoraTraining, PredictionsAreDistributionsMatchingTheRun) {
  const MatrixF p = predict_probabilities(reference_->model, *cora_);
  ASSERT_EQ(p.rows(), cora_->graph.num_nodes());
  ASSERT_EQ(p.cols(), cora_->num_classes);
  ASSERT_TRUE(p.allFinite());
  EXPECT_GE(p.minCoeff(), 0.0f);
  for (Eigen::Index i = 0; i < p.rows(); ++i) ASSERT_NEAR(p.row(i).sum(), 1.0f, 1e-5f) << "row " << i;
  // Arg-max of the probabilities reproduces the accuracies the run reported for the restored model.
  EXPECT_DOUBLE_EQ(accuracy_of(p, *cora_, cora_->test), reference_->result.test_accuracy);
  EXPECT_DOUBLE_EQ(accuracy_of(p, *cora_, cora_->val), reference_->result.val_accuracy);
  // Deterministic.
  EXPECT_TRUE(predict_probabilities(reference_->model, *cora_) == p);
}

// evaluate_node_model gives the run's test (and validation) figures for the restored model; labels are
// matched to the model's classes by name, so data that names its classes in another order scores the
// same; unlabelled nodes are left out and counted; an unknown class is refused naming it.
TEST_F(CoraTraining, EvaluationReproducesTheRunsFigures) {
  const RunResult& r = reference_->result;
  const NodeEvaluation test = evaluate_node_model(reference_->model, *cora_, cora_->test);
  EXPECT_EQ(test.labelled, static_cast<std::int64_t>(cora_->test.size()));
  EXPECT_EQ(test.unlabelled, 0);
  EXPECT_EQ(test.accuracy, r.test_accuracy);
  EXPECT_EQ(test.macro_f1, r.test_macro_f1);
  EXPECT_TRUE(std::isnan(test.roc_auc));  // seven classes
  const NodeEvaluation val = evaluate_node_model(reference_->model, *cora_, cora_->val);
  EXPECT_EQ(val.accuracy, r.val_accuracy);
  EXPECT_EQ(val.macro_f1, r.val_macro_f1);

  // The same data with its classes named in reverse order (labels renumbered to match).
  NodeDataset reversed = *cora_;
  const auto classes = static_cast<std::int32_t>(reversed.class_names.size());
  std::reverse(reversed.class_names.begin(), reversed.class_names.end());
  for (auto& label : reversed.labels)
    if (label >= 0) label = classes - 1 - label;
  const NodeEvaluation again = evaluate_node_model(reference_->model, reversed, cora_->test);
  EXPECT_EQ(again.accuracy, test.accuracy);
  EXPECT_EQ(again.macro_f1, test.macro_f1);

  // Unlabelled nodes among those asked for are counted, not scored.
  NodeDataset partly = *cora_;
  std::vector<NodeId> nodes = cora_->test;
  for (std::size_t k = 0; k < 10; ++k) partly.labels[static_cast<std::size_t>(nodes[k])] = -1;
  const NodeEvaluation some = evaluate_node_model(reference_->model, partly, nodes);
  EXPECT_EQ(some.labelled, static_cast<std::int64_t>(nodes.size()) - 10);
  EXPECT_EQ(some.unlabelled, 10);
  const std::vector<NodeId> rest(nodes.begin() + 10, nodes.end());
  EXPECT_EQ(some.accuracy, evaluate_node_model(reference_->model, *cora_, rest).accuracy);
  const std::vector<NodeId> none(nodes.begin(), nodes.begin() + 10);
  EXPECT_TRUE(std::isnan(evaluate_node_model(reference_->model, partly, none).accuracy));

  NodeDataset renamed = *cora_;
  renamed.class_names[0] = "Unknown_Topic";
  try {
    (void)evaluate_node_model(reference_->model, renamed, cora_->test);
    ADD_FAILURE() << "an unknown class was accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("has class 'Unknown_Topic', which the model does not know"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW((void)evaluate_node_model(reference_->model, *cora_, std::vector<NodeId>{static_cast<NodeId>(cora_->graph.num_nodes())}),
               InvalidArgument);
}

TEST_F(CoraTraining, PredictRejectsMismatchedDataAndModel) {
  NodeDataset wrong = *cora_;
  wrong.features = FeatureMatrix<float>(MatrixF::Ones(cora_->graph.num_nodes(), cora_->features.cols() + 1));
  EXPECT_THROW(predict_probabilities(reference_->model, wrong), InvalidArgument);
  NodeDataset short_features = *cora_;
  short_features.features = FeatureMatrix<float>(MatrixF::Ones(cora_->graph.num_nodes() - 1, cora_->features.cols()));
  EXPECT_THROW(predict_probabilities(reference_->model, short_features), InvalidArgument);
  EXPECT_THROW(train_node_classifier(short_features, short_options(), 1), InvalidArgument);
  TrainedModel broken = reference_->model;
  broken.parameters.conservativeResize(broken.parameters.size() - 1);
  EXPECT_THROW(predict_probabilities(broken, *cora_), InvalidArgument);
}

TEST_F(CoraTraining, RejectsUnusableDataAndOptions) {
  NodeDataset data = *cora_;
  data.val.clear();
  EXPECT_THROW(train_node_classifier(data, short_options(), 1), InvalidArgument);
  data = *cora_;
  data.train.clear();
  EXPECT_THROW(train_node_classifier(data, short_options(), 1), InvalidArgument);
  EXPECT_THROW(train_node_classifier(*cora_, short_options(0), 1), InvalidArgument);
  TrainOptions o = short_options();
  o.patience = 0;
  EXPECT_THROW(train_node_classifier(*cora_, o, 1), InvalidArgument);
  o = short_options();
  o.model.heads = 0;
  EXPECT_THROW(train_node_classifier(*cora_, o, 1), InvalidArgument);
}

RunResult run_with(double test, double val, double step_ms) {
  RunResult r;
  r.test_accuracy = test;
  r.val_accuracy = val;
  r.train_step_ms_median = step_ms;
  return r;
}

TEST(Summarize, MeanAndPopulationStd) {
  const ExperimentSummary s = summarize({run_with(0.8, 0.7, 3.0), run_with(0.9, 0.8, 1.0), run_with(0.7, 0.9, 2.0)});
  EXPECT_NEAR(s.test_mean, 0.8, 1e-12);
  EXPECT_NEAR(s.test_std, std::sqrt(0.02 / 3.0), 1e-12);
  EXPECT_NEAR(s.val_mean, 0.8, 1e-12);
  EXPECT_DOUBLE_EQ(s.train_step_ms_median, 2.0);
  EXPECT_EQ(s.runs.size(), 3u);
  EXPECT_EQ(s.runs[1].test_accuracy, 0.9);
  EXPECT_EQ(s.metric, "accuracy");

  const ExperimentSummary even = summarize({run_with(0.5, 0.5, 4.0), run_with(0.5, 0.5, 1.0),
                                            run_with(0.5, 0.5, 3.0), run_with(0.5, 0.5, 2.0)});
  EXPECT_DOUBLE_EQ(even.test_mean, 0.5);
  EXPECT_DOUBLE_EQ(even.test_std, 0.0);
  EXPECT_DOUBLE_EQ(even.train_step_ms_median, 2.5);

  const ExperimentSummary one = summarize({run_with(0.6, 0.4, 7.0)});
  EXPECT_DOUBLE_EQ(one.test_mean, 0.6);
  EXPECT_DOUBLE_EQ(one.test_std, 0.0);
  EXPECT_DOUBLE_EQ(one.train_step_ms_median, 7.0);

  const ExperimentSummary none = summarize({});
  EXPECT_EQ(none.test_mean, 0.0);
  EXPECT_EQ(none.test_std, 0.0);
  EXPECT_TRUE(none.runs.empty());
}

}  // namespace
}  // namespace gatkit
