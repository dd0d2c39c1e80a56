// Graph-model checkpoints and GraphPredictor: the trainer hands back its best model; save -> load gives
// the same model and bit-identical predictions; damaged or forged graph checkpoints are errors naming
// the file; node checkpoints (including one written before graph models existed) still load, and each
// loader refuses the other kind with a message saying what the file holds.
#include "gatkit/train/graph_predictor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>
#include <unistd.h>

#include "gatkit/chem/sdf.hpp"
#include "gatkit/nn/model.hpp"
#include "gatkit/train/graph_classification.hpp"
#include "gatkit/train/node_classification.hpp"
#include "gatkit/util/error.hpp"
#include "checkpoint_test_util.hpp"

namespace gatkit {
namespace {

using test::container;
using test::Labelled;
using test::labelled;
using test::read_bytes;
using test::write_bytes;
namespace fs = std::filesystem;

/// The small model these tests train: 2 layers of 2 heads x 8, batches of 8, `epochs` epochs.
GraphTrainOptions small_options(GraphTask task, int epochs) {
  GraphTrainOptions o;
  o.task = task;
  o.model.layers = 2;
  o.model.heads = 2;
  o.model.hidden = 8;
  o.max_epochs = epochs;
  o.batch_size = 8;
  return o;
}

/// labelled.sdf's logp binned into 3 classes (below 1, below 2, the rest; NaN stays missing).
RowMatrix<double> logp_classes(const Labelled& d) {
  RowMatrix<double> y(d.targets.rows(), 1);
  for (Eigen::Index i = 0; i < y.rows(); ++i) {
    const double logp = d.targets(i, 1);
    y(i, 0) = std::isnan(logp) ? logp : (logp < 1.0 ? 0.0 : logp < 2.0 ? 1.0 : 2.0);
  }
  return y;
}

/// A model trained for a few epochs on labelled.sdf (task binary: column 0; regression: column 1).
TrainedGraphModel trained(const Labelled& d, GraphTask task, ReadoutKind readout = ReadoutKind::mean,
                          AttentionKind attention = AttentionKind::additive, int epochs = 5,
                          const std::function<void(int, double)>& on_epoch = {}) {
  GraphTrainOptions o = small_options(task, epochs);
  o.model.readout = readout;
  o.model.attention = attention;
  const RowMatrix<double> y = d.targets.col(task == GraphTask::binary ? 0 : 1);
  TrainedGraphModel m;
  (void)train_graph_classifier(d.graphs, y, train::random_split(static_cast<std::int64_t>(d.graphs.size()), 0.6, 0.2, 3), o,
                               /*seed=*/1, &m, on_epoch);
  m.targets = {task == GraphTask::binary ? "active" : "logp"};
  return m;
}

class GraphCheckpointTest : public test::TempDirTest {
 protected:
  void expect_graph_error(const std::string& what, const std::string& bytes, const std::string& needle) {
    expect_error(what, bytes, needle, [](const fs::path& f) { return load_graph_model(f); });
  }
};

TEST(GraphModelConfigTest, ParameterCountMatchesTheModel) {
  for (ReadoutKind readout : {ReadoutKind::mean, ReadoutKind::sum, ReadoutKind::max, ReadoutKind::attention})
    for (std::int64_t edge_dim : {0, 6})
      for (int layers : {1, 3})
        for (AttentionKind attention : {AttentionKind::additive, AttentionKind::gatv2, AttentionKind::dot})
          for (int head_layers : {0, 2})
          for (HeadMerge merge : {HeadMerge::concat, HeadMerge::project, HeadMerge::mean})
          for (int jk : {0, 1}) {
          GraphModelConfig c;
          c.jumping_knowledge = jk == 1;
          if (jk) c.extra_readouts = {ReadoutKind::attention, readout == ReadoutKind::max ? ReadoutKind::sum : ReadoutKind::max};
          c.attention = attention;
          c.head_merge = merge;
          c.head_layers = head_layers;
          c.head_hidden = 7;
          c.residual = head_layers > 0;
          c.in_dim = 39;
          c.edge_dim = edge_dim;
          c.num_tasks = 3;
          c.layers = layers;
          c.heads = 2;
          c.hidden = 5;
          c.readout = readout;
          EXPECT_EQ(c.parameter_count(), GraphGat<float>(c).parameters().size())
              << to_string(readout) << " edge_dim " << edge_dim << " layers " << layers << " " << to_string(attention)
              << " head layers " << head_layers << " " << to_string(merge) << " jk " << jk;
          }
  GraphModelConfig huge;
  huge.in_dim = std::int64_t{1} << 31;
  huge.heads = 1 << 16;
  huge.hidden = std::int64_t{1} << 24;
  huge.layers = 1024;
  EXPECT_EQ(huge.parameter_count(), -1);
}

TEST(GraphTaskTest, NamesRoundTrip) {
  for (GraphTask t : {GraphTask::binary, GraphTask::regression, GraphTask::multiclass})
    EXPECT_EQ(parse_graph_task(to_string(t)), t);
  EXPECT_THROW(parse_graph_task("multiclass-ish"), InvalidArgument);
}

TEST_F(GraphCheckpointTest, TrainerHandsBackItsBestModel) {
  const Labelled d = labelled();
  const TrainedGraphModel b = trained(d, GraphTask::binary);
  EXPECT_EQ(b.task, GraphTask::binary);
  EXPECT_EQ(b.config.in_dim, chem::kAtomFeatureWidth);
  EXPECT_EQ(b.config.edge_dim, chem::kBondFeatureWidth);
  EXPECT_EQ(b.config.num_tasks, 1);
  EXPECT_EQ(b.parameters.size(), b.config.parameter_count());
  EXPECT_EQ(b.target_mean.size(), 0);
  const TrainedGraphModel r = trained(d, GraphTask::regression);
  ASSERT_EQ(r.target_mean.size(), 1);
  ASSERT_EQ(r.target_std.size(), 1);
  EXPECT_GT(r.target_std(0), 0.1);  // logp of the training molecules, not a default of 1
  EXPECT_GT(r.target_mean(0), 0.0);
}

// graph_metrics on a predictor's predictions for the test molecules gives the trainer's test figures
// (gatkit evaluate relies on it): binary, regression and multi-class, an ensemble of two for binary.
TEST_F(GraphCheckpointTest, MetricsOfPredictionsAreTheTrainersTestFigures) {
  const Labelled d = labelled();
  const RowMatrix<double> classes = logp_classes(d);
  const train::Split split = train::random_split(static_cast<std::int64_t>(d.graphs.size()), 0.5, 0.2, 3);
  std::vector<chem::MoleculeGraph> test;
  for (auto i : split.test) test.push_back(d.graphs[static_cast<std::size_t>(i)]);
  const auto n = static_cast<std::int64_t>(test.size());
  for (const auto& [task, members] : {std::pair{GraphTask::binary, 1}, std::pair{GraphTask::binary, 2},
                                      std::pair{GraphTask::regression, 1}, std::pair{GraphTask::multiclass, 1}}) {
    SCOPED_TRACE(to_string(task) + " x" + std::to_string(members));
    GraphTrainOptions o = small_options(task, 6);
    o.ensemble = members;
    const RowMatrix<double> y = task == GraphTask::multiclass ? classes : d.targets.col(task == GraphTask::binary ? 0 : 1);
    TrainedGraphModel m;
    const GraphRunResult r = train_graph_classifier(d.graphs, y, split, o, /*seed=*/1, &m);
    m.targets = {"y"};
    const RowMatrix<double> p = GraphPredictor(m).predict(std::span<const chem::MoleculeGraph>(test));
    std::vector<double> labels;
    for (auto i : split.test) labels.push_back(y(i, 0));
    const GraphMetrics g = graph_metrics(task, {p.data(), static_cast<std::size_t>(p.size())}, labels, n, p.cols());
    EXPECT_EQ(g.metric, r.metric);
    // Regression: the trainer's labels went through float standardisation, so the last digits differ.
    const double tolerance = task == GraphTask::regression ? 1e-5 : 1e-9;
    EXPECT_NEAR(g.value, r.test_metric, tolerance);
    ASSERT_EQ(g.per_task.size(), r.test_per_task.size());
    for (std::size_t t = 0; t < g.per_task.size(); ++t)
      if (!std::isnan(r.test_per_task[t])) {
        EXPECT_NEAR(g.per_task[t], r.test_per_task[t], tolerance);
      }
    if (task == GraphTask::regression) {
      EXPECT_NEAR(g.mae, r.test_mae, tolerance);
      EXPECT_EQ(g.rmse, g.value);
      EXPECT_TRUE(std::isnan(g.roc_auc) && std::isnan(g.accuracy));
    } else {
      EXPECT_NEAR(g.accuracy, r.test_accuracy, 1e-12);
      EXPECT_NEAR(g.roc_auc, r.test_roc_auc, tolerance);
      if (task == GraphTask::binary) {
        EXPECT_NEAR(g.pr_auc, r.test_pr_auc, tolerance);
      }
      EXPECT_TRUE(std::isnan(g.rmse) && std::isnan(g.mae));
    }
  }
  // Shapes and labels the task cannot take are refused.
  const std::vector<double> probabilities = {0.2, 0.7}, bad = {0.0, 2.0};
  EXPECT_THROW(graph_metrics(GraphTask::binary, probabilities, bad, 2, 1), InvalidArgument);
  EXPECT_THROW(graph_metrics(GraphTask::binary, probabilities, bad, 1, 1), InvalidArgument);
  const std::vector<double> good = {0.0, 1.0};
  EXPECT_EQ(graph_metrics(GraphTask::binary, probabilities, good, 2, 1).value, 1.0);
}

TEST_F(GraphCheckpointTest, SaveLoadGivesTheSameModelAndIdenticalPredictions) {
  const Labelled d = labelled();
  for (GraphTask task : {GraphTask::binary, GraphTask::regression}) {
    const TrainedGraphModel m = trained(d, task, task == GraphTask::binary ? ReadoutKind::attention : ReadoutKind::sum);
    const fs::path f = dir_ / "model.gk";
    save_graph_model(m, f);
    EXPECT_EQ(checkpoint_kind(f), "graph_model");
    const TrainedGraphModel r = load_graph_model(f);
    EXPECT_EQ(r.task, m.task);
    EXPECT_EQ(r.targets, m.targets);
    EXPECT_EQ(r.featurizer.hybridisation, m.featurizer.hybridisation);
    EXPECT_EQ(r.config.in_dim, m.config.in_dim);
    EXPECT_EQ(r.config.edge_dim, m.config.edge_dim);
    EXPECT_EQ(r.config.num_tasks, m.config.num_tasks);
    EXPECT_EQ(r.config.layers, m.config.layers);
    EXPECT_EQ(r.config.heads, m.config.heads);
    EXPECT_EQ(r.config.hidden, m.config.hidden);
    EXPECT_EQ(r.config.readout, m.config.readout);
    EXPECT_EQ(r.config.dropout, m.config.dropout);
    EXPECT_EQ(r.config.attention_dropout, m.config.attention_dropout);
    EXPECT_EQ(r.config.self_loops, m.config.self_loops);
    EXPECT_EQ(r.config.attention, m.config.attention);
    EXPECT_TRUE(r.target_mean == m.target_mean);  // exact: doubles survive the JSON
    EXPECT_TRUE(r.target_std == m.target_std);
    ASSERT_EQ(r.parameters.size(), m.parameters.size());
    EXPECT_EQ(std::memcmp(r.parameters.data(), m.parameters.data(), sizeof(float) * static_cast<std::size_t>(m.parameters.size())), 0);

    GraphPredictor before(m), after(r);
    const RowMatrix<double> p = before.predict(std::span<const chem::Molecule>(d.molecules));
    const RowMatrix<double> q = after.predict(std::span<const chem::Molecule>(d.molecules));
    ASSERT_EQ(p.rows(), static_cast<Eigen::Index>(d.molecules.size()));
    EXPECT_TRUE(p == q) << to_string(task);
    if (task == GraphTask::binary) {
      EXPECT_TRUE((p.array() > 0).all() && (p.array() < 1).all());
    }
  }
}

// Several readouts with jumping knowledge: the checkpoint keeps the readout list and the flag, and the
// loaded model predicts exactly what the trained one does.
TEST_F(GraphCheckpointTest, JumpingKnowledgeWithSeveralReadoutsRoundTrips) {
  const Labelled d = labelled();
  GraphTrainOptions o;
  o.task = GraphTask::binary;
  o.model.layers = 2;
  o.model.heads = 2;
  o.model.hidden = 4;
  o.model.readout = ReadoutKind::mean;
  o.model.extra_readouts = {ReadoutKind::max, ReadoutKind::attention};
  o.model.jumping_knowledge = true;
  o.max_epochs = 3;
  o.batch_size = 8;
  TrainedGraphModel m;
  (void)train_graph_classifier(d.graphs, d.targets.col(0), train::random_split(static_cast<std::int64_t>(d.graphs.size()), 0.6, 0.2, 3),
                               o, 1, &m);
  m.targets = {"active"};
  const fs::path f = dir_ / "jk.gk";
  save_graph_model(m, f);
  const TrainedGraphModel r = load_graph_model(f);
  EXPECT_EQ(r.config.readouts(), m.config.readouts());
  EXPECT_TRUE(r.config.jumping_knowledge);
  EXPECT_EQ(r.parameters.size(), r.config.parameter_count());
  const RowMatrix<double> p = GraphPredictor(m).predict(std::span<const chem::Molecule>(d.molecules));
  const RowMatrix<double> q = GraphPredictor(r).predict(std::span<const chem::Molecule>(d.molecules));
  EXPECT_TRUE(p == q);
}

// A multi-class model with an MLP head and residual connections (logp binned into 3 classes): the
// checkpoint keeps the head and the class count, and predictions are class probabilities.
TEST_F(GraphCheckpointTest, MultiClassModelWithMlpHeadRoundTrips) {
  const Labelled d = labelled();
  const RowMatrix<double> y = logp_classes(d);
  GraphTrainOptions o = small_options(GraphTask::multiclass, 5);
  o.model.head_layers = 1;
  o.model.head_hidden = 6;
  o.model.residual = true;
  TrainedGraphModel m;
  (void)train_graph_classifier(d.graphs, y, train::random_split(static_cast<std::int64_t>(d.graphs.size()), 0.6, 0.2, 3), o,
                               /*seed=*/1, &m);
  m.targets = {"logp_class"};
  ASSERT_EQ(m.config.num_tasks, 3);
  const fs::path f = dir_ / "multiclass.gk";
  save_graph_model(m, f);
  const TrainedGraphModel r = load_graph_model(f);
  EXPECT_EQ(r.task, GraphTask::multiclass);
  EXPECT_EQ(r.config.num_tasks, 3);
  EXPECT_EQ(r.config.head_layers, 1);
  EXPECT_EQ(r.config.head_hidden, 6);
  EXPECT_TRUE(r.config.residual);
  GraphPredictor before(m), after(r);
  const RowMatrix<double> p = before.predict(std::span<const chem::Molecule>(d.molecules));
  const RowMatrix<double> q = after.predict(std::span<const chem::Molecule>(d.molecules));
  ASSERT_EQ(p.cols(), 3);
  EXPECT_TRUE(p == q);
  for (Eigen::Index i = 0; i < p.rows(); ++i) {
    EXPECT_NEAR(p.row(i).sum(), 1.0, 1e-9);
    EXPECT_TRUE((p.row(i).array() > 0).all());
  }
}

// Dot scoring with bond features in a molecule model: it trains (the validation RMSE falls), and
// save -> load -> predict gives the same predictions.
TEST_F(GraphCheckpointTest, DotAttentionWithBondFeaturesTrainsAndRoundTrips) {
  const Labelled d = labelled();
  std::vector<double> val_rmse;
  const TrainedGraphModel m = trained(d, GraphTask::regression, ReadoutKind::mean, AttentionKind::dot, 30,
                                      [&](int, double v) { val_rmse.push_back(v); });
  EXPECT_EQ(m.config.attention, AttentionKind::dot);
  EXPECT_EQ(m.config.edge_dim, chem::kBondFeatureWidth);
  EXPECT_EQ(m.parameters.size(), m.config.parameter_count());
  ASSERT_GE(val_rmse.size(), 2u);
  EXPECT_TRUE(std::all_of(val_rmse.begin(), val_rmse.end(), [](double v) { return std::isfinite(v); }));
  EXPECT_LT(*std::min_element(val_rmse.begin() + 1, val_rmse.end()), 0.9 * val_rmse.front());
  const fs::path f = dir_ / "dot.gk";
  save_graph_model(m, f);
  const TrainedGraphModel r = load_graph_model(f);
  EXPECT_EQ(r.config.attention, AttentionKind::dot);
  GraphPredictor before(m), after(r);
  const RowMatrix<double> p = before.predict(std::span<const chem::Molecule>(d.molecules));
  const RowMatrix<double> q = after.predict(std::span<const chem::Molecule>(d.molecules));
  ASSERT_EQ(p.rows(), static_cast<Eigen::Index>(d.molecules.size()));
  EXPECT_TRUE(p.allFinite());
  EXPECT_TRUE(p == q);
  EXPECT_GT(p.maxCoeff() - p.minCoeff(), 1e-3);  // not one constant
}

// A molecule's prediction is its own: the other molecules of its batch change it only by float rounding
// (the dense projections are blocked by rows, so a molecule's rows may be summed in another order).
TEST_F(GraphCheckpointTest, PredictionOfAMoleculeDependsOnItsBatchOnlyByRounding) {
  const Labelled d = labelled();
  GraphPredictor predictor(trained(d, GraphTask::binary));
  const RowMatrix<double> all = predictor.predict(std::span<const chem::MoleculeGraph>(d.graphs));
  const RowMatrix<double> again = predictor.predict(std::span<const chem::MoleculeGraph>(d.graphs));
  EXPECT_TRUE(all == again);  // the same batches give bit-identical results
  const RowMatrix<double> in_sevens = predictor.predict(std::span<const chem::MoleculeGraph>(d.graphs), 7);
  EXPECT_LT((all - in_sevens).cwiseAbs().maxCoeff(), 1e-6);
  for (std::size_t i : {std::size_t{0}, std::size_t{10}, d.graphs.size() - 1}) {
    const RowMatrix<double> alone = predictor.predict(std::span<const chem::MoleculeGraph>(&d.graphs[i], 1));
    EXPECT_NEAR(alone(0, 0), all(static_cast<Eigen::Index>(i), 0), 1e-6) << "molecule " << i;
  }
}

TEST_F(GraphCheckpointTest, RegressionPredictionsAreInTheTargetsUnits) {
  const Labelled d = labelled();
  TrainedGraphModel m = trained(d, GraphTask::regression);
  const RowMatrix<double> p = GraphPredictor(m).predict(std::span<const chem::MoleculeGraph>(d.graphs));
  m.target_mean(0) += 10.0;
  m.target_std(0) *= 2.0;
  const RowMatrix<double> q = GraphPredictor(m).predict(std::span<const chem::MoleculeGraph>(d.graphs));
  // q = 2 * (p - mean) + mean + 10, from the same network output.
  const double mean = m.target_mean(0) - 10.0;
  for (Eigen::Index i = 0; i < p.rows(); ++i) EXPECT_NEAR(q(i, 0), 2.0 * (p(i, 0) - mean) + mean + 10.0, 1e-9);
}

TEST_F(GraphCheckpointTest, UnfeaturisableMoleculeIsAnErrorNamingIt) {
  const Labelled d = labelled();
  GraphPredictor predictor(trained(d, GraphTask::binary));
  std::vector<chem::Molecule> molecules = {d.molecules[0], d.molecules[3], d.molecules[5]};
  molecules[1].bonds.push_back(molecules[1].bonds.front());  // two bonds between the same atoms
  molecules[1].record = 4;
  try {
    (void)predictor.predict(std::span<const chem::Molecule>(molecules));
    ADD_FAILURE() << "no error";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("record 4"), std::string::npos) << e.what();
  }
}

TEST_F(GraphCheckpointTest, InconsistentModelsAreRefusedBeforeSaving) {
  const Labelled d = labelled();
  const TrainedGraphModel good = trained(d, GraphTask::regression);
  const fs::path f = dir_ / "model.gk";
  TrainedGraphModel m = good;
  m.targets.clear();
  EXPECT_THROW(save_graph_model(m, f), InvalidArgument);
  m = good;
  m.target_std(0) = 0;
  EXPECT_THROW(save_graph_model(m, f), InvalidArgument);
  m = good;
  m.target_mean.resize(0);
  EXPECT_THROW(save_graph_model(m, f), InvalidArgument);
  m = good;
  m.featurizer.hybridisation = false;  // 32 atom columns, the model has 39
  EXPECT_THROW(save_graph_model(m, f), InvalidArgument);
  m = good;
  m.parameters.conservativeResize(m.parameters.size() - 1);
  EXPECT_THROW(save_graph_model(m, f), InvalidArgument);
  EXPECT_THROW(GraphPredictor{m}, InvalidArgument);
  EXPECT_FALSE(fs::exists(f));
}

TEST_F(GraphCheckpointTest, DamagedGraphCheckpointsAreErrors) {
  const Labelled d = labelled();
  const TrainedGraphModel m = trained(d, GraphTask::regression);
  const fs::path f = dir_ / "model.gk";
  save_graph_model(m, f);
  const std::string full = read_bytes(f);
  for (std::size_t len = 0; len < full.size(); len += 97)
    expect_graph_error("truncated to " + std::to_string(len), full.substr(0, len), "");
  expect_graph_error("last byte cut", full.substr(0, full.size() - 1), "truncated");
  expect_graph_error("trailing garbage", full + "x", "");
  for (std::size_t at : {std::size_t{30}, full.size() / 2, full.size() - 9}) {
    std::string bad = full;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    expect_graph_error("flipped byte at " + std::to_string(at), bad, "checksum");
  }
}

TEST_F(GraphCheckpointTest, ForgedGraphConfigurationsAreErrors) {
  const Labelled d = labelled();
  const TrainedGraphModel m = trained(d, GraphTask::regression);
  const fs::path f = dir_ / "model.gk";
  save_graph_model(m, f);
  const std::string full = read_bytes(f);
  std::uint64_t json_size;
  std::memcpy(&json_size, full.data() + 16, 8);
  const std::string json = full.substr(24, json_size);
  const std::vector<float> params(m.parameters.data(), m.parameters.data() + m.parameters.size());
  auto with = [&](const std::string& from, const std::string& to) {
    const auto at = json.find(from);
    EXPECT_NE(at, std::string::npos) << "test setup: '" << from << "' not in " << json;
    std::string edited = json;
    if (at != std::string::npos) edited.replace(at, from.size(), to);
    return container(edited, params);
  };
  write_bytes(dir_ / "same.gk", container(json, params));  // the forge itself is sound
  EXPECT_NO_THROW((void)load_graph_model(dir_ / "same.gk"));
  expect_graph_error("unknown task", with("\"task\":\"regression\"", "\"task\":\"ranking\""), "ranking");
  expect_graph_error("regression without target_mean", with(",\"target_mean\"", ",\"mean_was_here\""), "target_mean");
  expect_graph_error("two target names for one task", with("[\"logp\"]", "[\"logp\",\"x\"]"), "target names");
  expect_graph_error("target name not a string", with("[\"logp\"]", "[7]"), "targets");
  expect_graph_error("two stds for one task", with("\"target_std\":[", "\"target_std\":[0,"), "std");
  expect_graph_error("unknown readout", with("\"readout\":\"mean\"", "\"readout\":\"median\""), "median");
  expect_graph_error("heads is a string", with("\"heads\":2", "\"heads\":\"2\""), "heads");
  expect_graph_error("more layers than weights", with("\"layers\":2", "\"layers\":3"), "parameters");
  expect_graph_error("huge hidden", with("\"hidden\":8", "\"hidden\":16777216"), "parameters");
  expect_graph_error("in_dim 2^40", with("\"in_dim\":39", "\"in_dim\":1099511627776"), "in_dim");
  expect_graph_error("feature column renamed", with("\"element=H\"", "\"element=D\""), "element=D");
  expect_graph_error("no featurizer", with("\"featurizer\"", "\"featuriser\""), "featurizer");
  expect_graph_error("dropout 1", with("\"dropout\":0.0", "\"dropout\":1.0"), "dropout");
  expect_graph_error("unknown attention", with("\"attention\":\"additive\"", "\"attention\":\"cosine\""), "cosine");
  expect_graph_error("dot attention, additive weights", with("\"attention\":\"additive\"", "\"attention\":\"dot\""),
                     "parameters");
  expect_graph_error("gatv2 attention, additive weights", with("\"attention\":\"additive\"", "\"attention\":\"gatv2\""),
                     "parameters");
  expect_graph_error("unknown normalizer", with("\"residual\":false", "\"residual\":false,\"normalizer\":\"entmax\""),
                     "entmax");
  expect_graph_error("unknown head merge", with("\"residual\":false", "\"residual\":false,\"head_merge\":\"sum\""),
                     "head_merge");
  expect_graph_error("unknown cardinality", with("\"residual\":false", "\"residual\":false,\"cardinality\":\"scaled\""),
                     "scaled");
  expect_graph_error("cardinality without its weights",
                     with("\"residual\":false", "\"residual\":false,\"cardinality\":\"additive\""), "parameters");
  expect_graph_error("mean merge, concatenated weights", with("\"residual\":false", "\"residual\":false,\"head_merge\":\"mean\""),
                     "parameters");
  // A checkpoint written before the field existed is additive.
  const std::string field = ",\"attention\":\"additive\"";
  std::string old = json;
  ASSERT_NE(old.find(field), std::string::npos);
  old.erase(old.find(field), field.size());
  write_bytes(dir_ / "old.gk", container(old, params));
  EXPECT_EQ(load_graph_model(dir_ / "old.gk").config.attention, AttentionKind::additive);
}

// The attention switches in a molecule model: it trains, and save -> load -> predict gives the same
// predictions; a file without the switch members loads with the defaults.
TEST_F(GraphCheckpointTest, AttentionSwitchesTrainAndRoundTrip) {
  const Labelled d = labelled();
  constexpr Cardinality none = Cardinality::none, additive = Cardinality::additive;
  for (auto [kind, norm, merge, cardinality] :
       {std::tuple{AttentionKind::gatv2, AttentionNormalizer::softmax, HeadMerge::concat, none},
        std::tuple{AttentionKind::gatv2, AttentionNormalizer::sparsemax, HeadMerge::project, additive},
        std::tuple{AttentionKind::additive, AttentionNormalizer::relu, HeadMerge::mean, none},
        std::tuple{AttentionKind::additive, AttentionNormalizer::softmax, HeadMerge::concat, additive}}) {
    GraphTrainOptions o = small_options(GraphTask::regression, 5);
    o.model.attention = kind;
    o.model.normalizer = norm;
    o.model.head_merge = merge;
    o.model.cardinality = cardinality;
    TrainedGraphModel m;
    const auto result = train_graph_classifier(d.graphs, d.targets.col(1),
                                               train::random_split(static_cast<std::int64_t>(d.graphs.size()), 0.6, 0.2, 3),
                                               o, /*seed=*/1, &m);
    m.targets = {"logp"};
    const std::string what = to_string(kind) + " " + to_string(norm) + " " + to_string(merge) + " " + to_string(cardinality);
    EXPECT_TRUE(std::isfinite(result.val_metric)) << what;
    EXPECT_EQ(m.parameters.size(), m.config.parameter_count()) << what;
    const fs::path f = dir_ / "switches.gk";
    save_graph_model(m, f);
    const TrainedGraphModel r = load_graph_model(f);
    EXPECT_EQ(r.config.attention, kind);
    EXPECT_EQ(r.config.normalizer, norm);
    EXPECT_EQ(r.config.head_merge, merge);
    EXPECT_EQ(r.config.cardinality, cardinality);
    EXPECT_EQ(read_bytes(f).find("\"cardinality\"") != std::string::npos, cardinality != none) << what;
    GraphPredictor before(m), after(r);
    const RowMatrix<double> p = before.predict(std::span<const chem::Molecule>(d.molecules));
    const RowMatrix<double> q = after.predict(std::span<const chem::Molecule>(d.molecules));
    EXPECT_TRUE(p.allFinite()) << what;
    EXPECT_TRUE(p == q) << what;
  }
  // Without the members: softmax and concatenated heads.
  const TrainedGraphModel m = trained(d, GraphTask::regression, ReadoutKind::mean, AttentionKind::gatv2);
  const fs::path f = dir_ / "defaults.gk";
  save_graph_model(m, f);
  const std::string bytes = read_bytes(f);
  EXPECT_EQ(bytes.find("normalizer"), std::string::npos);
  EXPECT_EQ(bytes.find("head_merge"), std::string::npos);
  const TrainedGraphModel r = load_graph_model(f);
  EXPECT_EQ(r.config.attention, AttentionKind::gatv2);
  EXPECT_EQ(r.config.normalizer, AttentionNormalizer::softmax);
  EXPECT_EQ(r.config.head_merge, HeadMerge::concat);
  EXPECT_EQ(r.config.cardinality, Cardinality::none);
}

TEST_F(GraphCheckpointTest, EachLoaderRefusesTheOtherKind) {
  const Labelled d = labelled();
  const fs::path graph_file = dir_ / "graph.gk", node_file = dir_ / "node.gk";
  save_graph_model(trained(d, GraphTask::binary), graph_file);
  TrainedModel node;
  node.config.in_dim = 3;
  node.config.num_classes = 2;
  node.class_names = {"a", "b"};
  node.parameters = Vector<float>::Constant(GatModel<float>(node.config).parameters().size(), 0.5f);
  save_model(node, node_file);
  EXPECT_EQ(checkpoint_kind(node_file), "node_classifier");
  EXPECT_TRUE(load_model(node_file).parameters == node.parameters);
  expect_error("node loader on a graph model", read_bytes(graph_file), "graph-level (molecule) model",
               [](const fs::path& f) { return load_model(f); });
  expect_graph_error("graph loader on a node classifier", read_bytes(node_file), "node classifier");
}

// A node checkpoint exactly as gatkit wrote it before graph models existed (the configuration JSON of
// that version, byte for byte): the shared container must keep reading it.
TEST_F(GraphCheckpointTest, NodeCheckpointFromBeforeGraphModelsStillLoads) {
  const std::string json =
      R"({"kind":"node_classifier","model":{"in_dim":3,"num_classes":2,"attention":"additive","layers":1,"heads":1,)"
      R"("hidden":2,"output_heads":1,"dropout":0.6,"attention_dropout":0.6,"negative_slope":0.2,"self_loops":true},)"
      R"("normalize_features":true,"class_names":["a","b"]})";
  ModelConfig c;
  c.in_dim = 3;
  c.num_classes = 2;
  c.layers = 1;
  c.heads = 1;
  c.hidden = 2;
  std::vector<float> params(static_cast<std::size_t>(c.parameter_count()));
  for (std::size_t k = 0; k < params.size(); ++k) params[k] = static_cast<float>(k) * 0.25f;
  const fs::path f = dir_ / "old_node.ckpt";
  write_bytes(f, container(json, params));
  const TrainedModel m = load_model(f);
  EXPECT_EQ(m.config.in_dim, 3);
  EXPECT_EQ(m.class_names, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(m.parameters.size(), static_cast<Eigen::Index>(params.size()));
  EXPECT_EQ(m.parameters[5], 1.25f);
  // And save_model still writes that very file.
  const fs::path again = dir_ / "again.ckpt";
  save_model(m, again);
  EXPECT_EQ(read_bytes(again), read_bytes(f));
}

}  // namespace
}  // namespace gatkit
