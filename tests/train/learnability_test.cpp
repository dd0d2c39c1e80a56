// End to end on a planted partition: two dense communities whose features only weakly indicate the
// class. The trainer must reach high test accuracy, well above what the features alone give.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gatkit/io/dataset.hpp"
#include "gatkit/nn/random.hpp"
#include "gatkit/train/node_classification.hpp"

namespace gatkit {
namespace {

NodeDataset planted_partition(std::uint64_t seed) {
  const std::int64_t n = 200, f = 8;
  Rng rng(seed);
  NodeDataset d;
  d.name = "planted";
  d.layout = "memory";
  d.num_classes = 2;
  d.class_names = {"a", "b"};
  d.labels.resize(n);
  std::vector<NodeId> members[2];
  for (std::int64_t i = 0; i < n; ++i) {
    const auto c = static_cast<std::int32_t>(rng.below(2));
    d.labels[static_cast<std::size_t>(i)] = c;
    members[c].push_back(static_cast<NodeId>(i));
    d.node_ids.push_back(std::to_string(i));
  }
  // ~12 neighbours inside the community and ~2 outside, per node (undirected).
  std::vector<Edge> edges;
  for (std::int64_t i = 0; i < n; ++i) {
    const auto c = d.labels[static_cast<std::size_t>(i)];
    const auto& same = members[c];
    const auto& other = members[1 - c];
    for (int k = 0; k < 6; ++k) edges.push_back({static_cast<NodeId>(i), same[rng.below(same.size())]});
    edges.push_back({static_cast<NodeId>(i), other[rng.below(other.size())]});
  }
  d.graph = build_graph(n, edges, {}, {.symmetrize = true, .self_loops = SelfLoops::remove});
  // Features: uniform noise in every column, plus a weak bump in the column of the class.
  MatrixF x(n, f);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < f; ++j) x(i, j) = static_cast<float>(rng.uniform());
    x(i, d.labels[static_cast<std::size_t>(i)]) += 0.25f;
  }
  d.features = FeatureMatrix<float>(std::move(x));
  // A random split: 20 train, 40 validation, 140 test.
  std::vector<NodeId> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = static_cast<NodeId>(i);
  for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
  d.train.assign(order.begin(), order.begin() + 20);
  d.val.assign(order.begin() + 20, order.begin() + 60);
  d.test.assign(order.begin() + 60, order.end());
  return d;
}

TEST(Learnability, PlantedPartitionIsLearned) {
  const NodeDataset data = planted_partition(2024);
  ASSERT_EQ(data.graph.num_nodes(), 200);
  ASSERT_EQ(data.features.rows(), 200);
  // The features alone are a weak signal: reading the class off the larger of the two class columns
  // is far from 0.9 on the test nodes.
  int naive = 0;
  for (NodeId i : data.test)
    naive += (data.features.dense()(i, 1) > data.features.dense()(i, 0)) == (data.labels[static_cast<std::size_t>(i)] == 1);
  const double naive_accuracy = static_cast<double>(naive) / static_cast<double>(data.test.size());
  EXPECT_LT(naive_accuracy, 0.8);

  TrainOptions options;
  options.max_epochs = 200;
  TrainedModel model;
  const RunResult r = train_node_classifier(data, options, 1, &model);
  EXPECT_GT(r.test_accuracy, 0.9) << "features alone: " << naive_accuracy << ", epochs " << r.epochs
                                  << ", best epoch " << r.best_epoch << ", val " << r.val_accuracy;
  EXPECT_LE(r.epochs, 200);
  EXPECT_EQ(model.class_names, (std::vector<std::string>{"a", "b"}));
  // The returned model agrees with the run.
  const MatrixF p = predict_probabilities(model, data);
  int correct = 0;
  for (NodeId i : data.test) correct += (p(i, 1) > p(i, 0)) == (data.labels[static_cast<std::size_t>(i)] == 1);
  EXPECT_DOUBLE_EQ(static_cast<double>(correct) / static_cast<double>(data.test.size()), r.test_accuracy);
}

}  // namespace
}  // namespace gatkit
