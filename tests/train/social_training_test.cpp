// Node classification on the bundled karate club (identity features, one labelled member per
// faction): the GAT finds the factions, the graph-free MLP cannot; macro-F1 and ROC-AUC in the run
// result; class-balanced weights; the MLP's checkpoint round trip.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "gatkit/io/manifest.hpp"
#include "gatkit/train/node_classification.hpp"

namespace gatkit {
namespace {

namespace fs = std::filesystem;

const NodeDataset& karate() {
  static const NodeDataset data =
      load_node_manifest(fs::path(GATKIT_BUNDLED_DATASETS) / "social" / "karate" / "manifest.json").data;
  return data;
}

TrainOptions short_run(NodeModelKind kind) {
  TrainOptions o;
  o.model.kind = kind;
  o.max_epochs = 300;
  return o;
}

TEST(SocialTraining, KarateGatFindsTheFactionsFromTwoLabels) {
  const RunResult r = train_node_classifier(karate(), short_run(NodeModelKind::gat), 0);
  EXPECT_GE(r.test_accuracy, 0.9);  // the acceptance bar, on the 32 unlabelled members
  EXPECT_GE(r.test_macro_f1, 0.9);
  EXPECT_GE(r.test_roc_auc, 0.9);
  EXPECT_EQ(r.val_accuracy, 1.0);   // validation = the two training members
}

TEST(SocialTraining, KarateMlpCannotWithoutTheGraph) {
  // Identity features and no edges: the 32 test members' inputs never reach a trained weight.
  const RunResult gat = train_node_classifier(karate(), short_run(NodeModelKind::gat), 1);
  const RunResult mlp = train_node_classifier(karate(), short_run(NodeModelKind::mlp), 1);
  EXPECT_LE(mlp.test_accuracy, 0.75);
  EXPECT_GT(gat.test_accuracy, mlp.test_accuracy + 0.2);
}

TEST(SocialTraining, MetricsOfMultiClassData) {
  NodeDataset d = karate();
  // Three classes: the test nodes' labels rotated (the metric plumbing, not learnability).
  d.num_classes = 3;
  d.class_names.push_back("third");
  for (NodeId i : d.test) d.labels[static_cast<std::size_t>(i)] = i % 3;
  TrainOptions o = short_run(NodeModelKind::gat);
  o.max_epochs = 5;
  const RunResult r = train_node_classifier(d, o, 0);
  EXPECT_TRUE(std::isnan(r.test_roc_auc));  // defined for two classes only
  EXPECT_TRUE(std::isfinite(r.test_macro_f1));
  const ExperimentSummary s = summarize({r, r});
  EXPECT_TRUE(std::isnan(s.test_roc_auc_mean));
  EXPECT_DOUBLE_EQ(s.test_macro_f1_mean, r.test_macro_f1);
  EXPECT_EQ(s.test_macro_f1_std, 0.0);
}

TEST(SocialTraining, BalancedClassWeightsChangeTheLoss) {
  NodeDataset d = karate();
  d.train = {0, 1, 2, 3, 33};  // four "Mr. Hi", one "Officer"
  d.val = d.train;
  TrainOptions plain = short_run(NodeModelKind::gat), balanced = plain;
  plain.max_epochs = balanced.max_epochs = 3;
  balanced.balanced_class_weights = true;
  const RunResult a = train_node_classifier(d, plain, 0), b = train_node_classifier(d, balanced, 0);
  EXPECT_NE(a.val_loss, b.val_loss);
  EXPECT_TRUE(std::isfinite(b.val_loss));
}

TEST(SocialTraining, MlpCheckpointRoundTrip) {
  TrainedModel model;
  TrainOptions o = short_run(NodeModelKind::mlp);
  o.max_epochs = 20;
  train_node_classifier(karate(), o, 3, &model);
  const fs::path file = fs::path(::testing::TempDir()) / ("gatkit_mlp_" + std::to_string(::getpid()) + ".gatkit");
  save_model(model, file);
  const TrainedModel loaded = load_model(file);
  fs::remove(file);
  EXPECT_EQ(loaded.config.kind, NodeModelKind::mlp);
  EXPECT_EQ(loaded.class_names, (std::vector<std::string>{"Mr. Hi", "Officer"}));
  EXPECT_TRUE(loaded.parameters == model.parameters);
  EXPECT_TRUE(predict_probabilities(loaded, karate()) == predict_probabilities(model, karate()));
}

}  // namespace
}  // namespace gatkit
