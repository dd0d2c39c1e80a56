// Ensembles of molecule models (GraphTrainOptions::ensemble, `gatkit train --ensemble M`): every member is
// exactly the single model of its member seed; the run's metrics, GraphPredictor and a saved checkpoint
// all give the mean of the members' predictions; forged member counts and unsupported combinations are
// refused with a message naming the problem.
#include <gtest/gtest.h>

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "gatkit/train/graph_classification.hpp"
#include "gatkit/train/graph_predictor.hpp"
#include "gatkit/train/metrics.hpp"
#include "gatkit/util/error.hpp"
#include "checkpoint_test_util.hpp"

namespace gatkit {
namespace {

using test::Labelled;
using test::labelled;
namespace fs = std::filesystem;

GraphTrainOptions options(GraphTask task, int ensemble) {
  GraphTrainOptions o;
  o.task = task;
  o.model.layers = 2;
  o.model.heads = 2;
  o.model.hidden = 8;
  o.max_epochs = 6;
  o.patience = 3;  // members stop at different epochs
  o.batch_size = 8;
  o.ensemble = ensemble;
  return o;
}

RowMatrix<double> column(const Labelled& d, GraphTask task) {
  return d.targets.col(task == GraphTask::binary ? 0 : 1);
}

train::Split split_of(const Labelled& d) {
  return train::random_split(static_cast<std::int64_t>(d.graphs.size()), 0.6, 0.2, 3);
}

TrainedGraphModel train_model(const Labelled& d, GraphTask task, int ensemble, std::uint64_t seed,
                              GraphRunResult* result = nullptr) {
  TrainedGraphModel m;
  const GraphRunResult r = train_graph_classifier(d.graphs, column(d, task), split_of(d), options(task, ensemble), seed, &m);
  if (result) *result = r;
  m.targets = {task == GraphTask::binary ? "active" : "logp"};
  return m;
}

TEST(EnsembleTest, MemberZeroIsTheRunSeedAndTheOthersDiffer) {
  EXPECT_EQ(ensemble_member_seed(42, 0), 42u);
  EXPECT_NE(ensemble_member_seed(42, 1), 42u);
  EXPECT_NE(ensemble_member_seed(42, 1), ensemble_member_seed(42, 2));
  EXPECT_NE(ensemble_member_seed(42, 1), ensemble_member_seed(43, 1));
  EXPECT_THROW((void)ensemble_member_seed(42, -1), InvalidArgument);
}

// The members are bit for bit the single models of the member seeds, and every prediction (predictor and
// the run's own test metric) is the mean of theirs.
TEST(EnsembleTest, MembersAreTheSingleModelsAndPredictionsTheirMean) {
  const Labelled d = labelled();
  for (GraphTask task : {GraphTask::binary, GraphTask::regression}) {
    SCOPED_TRACE(to_string(task));
    const int members = 3;
    GraphRunResult result;
    const TrainedGraphModel ensemble = train_model(d, task, members, 5, &result);
    ASSERT_EQ(ensemble.members, members);
    const Eigen::Index count = ensemble.config.parameter_count();
    ASSERT_EQ(ensemble.parameters.size(), members * count);
    RowMatrix<double> sum;
    std::vector<RowMatrix<double>> singles;
    for (int m = 0; m < members; ++m) {
      const TrainedGraphModel single = train_model(d, task, 1, ensemble_member_seed(5, m));
      ASSERT_EQ(single.members, 1);
      ASSERT_EQ(single.parameters.size(), count);
      EXPECT_TRUE(single.parameters == ensemble.parameters.segment(m * count, count)) << "member " << m;
      EXPECT_TRUE(single.target_mean == ensemble.target_mean);
      const RowMatrix<double> p = GraphPredictor(single).predict(std::span<const chem::MoleculeGraph>(d.graphs));
      if (m == 0) sum = p;
      else sum += p;
      singles.push_back(p);
      RowMatrix<double> none;  // a single network's members agree with it
      (void)GraphPredictor(single).predict(std::span<const chem::MoleculeGraph>(d.graphs), 256, &none);
      EXPECT_TRUE(none == RowMatrix<double>::Zero(p.rows(), p.cols()));
    }
    const RowMatrix<double> mean = sum / static_cast<double>(members);
    const RowMatrix<double> q = GraphPredictor(ensemble).predict(std::span<const chem::MoleculeGraph>(d.graphs));
    ASSERT_EQ(q.rows(), mean.rows());
    EXPECT_TRUE(q == mean);  // the same sums in the same order
    // member_std: the population standard deviation of the members' predictions.
    RowMatrix<double> spread, deviation = RowMatrix<double>::Zero(mean.rows(), mean.cols());
    const RowMatrix<double> again = GraphPredictor(ensemble).predict(std::span<const chem::MoleculeGraph>(d.graphs), 5, &spread);
    EXPECT_LT((again - mean).cwiseAbs().maxCoeff(), 1e-6);  // other batches: rounding only
    for (const RowMatrix<double>& p : singles) deviation += (p - mean).cwiseAbs2();
    const RowMatrix<double> want = (deviation / static_cast<double>(members)).cwiseSqrt();
    ASSERT_EQ(spread.rows(), want.rows());
    EXPECT_LT((spread - want).cwiseAbs().maxCoeff(), 1e-6);
    EXPECT_GT(spread.maxCoeff(), 1e-4);  // the members disagree somewhere
    // The members differ, so the mean is not any one of them.
    EXPECT_FALSE(ensemble.parameters.segment(0, count) == ensemble.parameters.segment(count, count));

    // The run's test metric is the metric of the mean predictions on the test molecules.
    const train::Split split = split_of(d);
    std::vector<double> scores, labels;
    for (auto i : split.test) {
      const double y = column(d, task)(i, 0);
      if (task == GraphTask::binary && std::isnan(y)) continue;
      scores.push_back(mean(i, 0));
      labels.push_back(y);
    }
    const auto n = static_cast<std::int64_t>(labels.size());
    const double expected = task == GraphTask::binary ? train::mean_roc_auc(scores, labels, n, 1).mean
                                                      : train::mean_rmse(scores, labels, n, 1).mean;
    // (The trainer holds regression labels as floats: 1e-6 covers their rounding.)
    EXPECT_NEAR(result.test_metric, expected, task == GraphTask::binary ? 1e-12 : 1e-6);
  }
}

class EnsembleCheckpointTest : public test::TempDirTest {};

TEST_F(EnsembleCheckpointTest, SavedEnsemblePredictsTheSame) {
  const Labelled d = labelled();
  const TrainedGraphModel m = train_model(d, GraphTask::regression, 2, 1);
  const fs::path f = dir_ / "ensemble.gk";
  save_graph_model(m, f);
  const TrainedGraphModel r = load_graph_model(f);
  EXPECT_EQ(r.members, 2);
  EXPECT_TRUE(r.parameters == m.parameters);
  const auto graphs = std::span<const chem::MoleculeGraph>(d.graphs);
  EXPECT_TRUE(GraphPredictor(r).predict(graphs) == GraphPredictor(m).predict(graphs));

  // The attention weights are one member's; members attend differently.
  GraphPredictor predictor(r);
  const auto first = predictor.attention(d.graphs[0], 0);
  const auto second = predictor.attention(d.graphs[0], 1);
  ASSERT_EQ(first.layers.size(), second.layers.size());
  EXPECT_FALSE(first.layers[0].alpha == second.layers[0].alpha);
  EXPECT_THROW((void)predictor.attention(d.graphs[0], 2), InvalidArgument);
  // Predictions after an attention call still use every member.
  EXPECT_TRUE(predictor.predict(graphs) == GraphPredictor(m).predict(graphs));
}

TEST_F(EnsembleCheckpointTest, ForgedMemberCountsAreErrors) {
  const Labelled d = labelled();
  const TrainedGraphModel m = train_model(d, GraphTask::binary, 2, 1);
  const fs::path f = dir_ / "ensemble.gk";
  save_graph_model(m, f);
  const std::string json = test::json_of(f);
  ASSERT_NE(json.find("\"members\":2"), std::string::npos) << json;
  const std::vector<float> params(m.parameters.data(), m.parameters.data() + m.parameters.size());
  const std::vector<float> one_member(params.begin(), params.begin() + static_cast<std::ptrdiff_t>(params.size() / 2));
  auto with = [&](const std::string& to, const std::vector<float>& values) {
    return test::container(test::replaced(json, "\"members\":2", to), values);
  };
  auto load = [](const fs::path& file) { return load_graph_model(file); };
  expect_error("members 0", with("\"members\":0", params), "members", load);
  expect_error("members 65", with("\"members\":65", params), "members", load);
  expect_error("members a string", with("\"members\":\"2\"", params), "members", load);
  expect_error("3 members, 2 sets of weights", with("\"members\":3", params), "parameters", load);
  expect_error("2 members, 1 set of weights", with("\"members\":2", one_member), "parameters", load);
  // A single model's file (no "members") holds one set of weights.
  expect_error("no members, 2 sets of weights", with("\"members\":1", params), "parameters", load);
  test::write_bytes(dir_ / "one.gk", with("\"members\":1", one_member));
  EXPECT_EQ(load_graph_model(dir_ / "one.gk").members, 1);

  TrainedGraphModel wrong = m;
  wrong.members = 3;
  EXPECT_THROW(save_graph_model(wrong, dir_ / "wrong.gk"), InvalidArgument);
  EXPECT_FALSE(fs::exists(dir_ / "wrong.gk"));
}

TEST(EnsembleTest, MemberCountsOutOfRangeAreRefused) {
  const Labelled d = labelled();
  const RowMatrix<double> y = column(d, GraphTask::binary);
  for (int bad : {0, -1, kMaxEnsembleMembers + 1}) {
    GraphTrainOptions o = options(GraphTask::binary, bad);
    EXPECT_THROW(train_graph_classifier(d.graphs, y, split_of(d), o, 0), InvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace gatkit
