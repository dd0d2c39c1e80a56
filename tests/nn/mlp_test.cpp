// The MLP baseline (finite differences through the whole stack in double, dense and sparse input, dropout
// on; parameter count; thread-count independence of training steps) and the class-weighted
// cross-entropy (values by hand, finite differences, equal weights = the unweighted loss).
#include "gatkit/nn/mlp.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "gatkit/nn/class_weights.hpp"
#include "gatkit/nn/functional.hpp"
#include "gatkit/train/adam.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"
#include "test_helpers.hpp"

namespace gatkit {
namespace {

using testing::random_matrix;
using testing::random_sparse;

ModelConfig mlp_config(int layers, std::int64_t in_dim, std::int32_t classes, double dropout) {
  ModelConfig c;
  c.kind = NodeModelKind::mlp;
  c.in_dim = in_dim;
  c.num_classes = classes;
  c.layers = layers;
  c.heads = 2;
  c.hidden = 3;
  c.dropout = dropout;
  return c;
}

TEST(MlpModel, GradientsMatchFiniteDifferences) {
  const Graph g = build_graph(6, std::vector<Edge>{{0, 1}});  // ignored by the MLP
  for (int layers : {1, 2, 3})
    for (bool sparse : {false, true}) {
      SCOPED_TRACE(std::to_string(layers) + (sparse ? " layers, sparse" : " layers, dense"));
      MlpModel<double> model(mlp_config(layers, 7, 3, 0.3));
      model.initialize(5);
      Parameters<double>& p = model.parameters();
      p.values() += 0.05 * Vector<double>::Random(p.size());  // non-zero biases too
      const FeatureMatrix<double> x = sparse ? FeatureMatrix<double>(random_sparse<double>(6, 7, 0.4, 2))
                                             : FeatureMatrix<double>(random_matrix<double>(6, 7, 2));
      const RowMatrix<double> weights = random_matrix<double>(6, 3, 3);
      auto loss = [&] { return model.forward(g, x, true, 42).cwiseProduct(weights).sum(); };
      loss();
      p.zero_grads();
      model.backward(g, x, weights);
      const Vector<double> analytic = p.grads();
      for (const auto& b : p.blocks())
        testing::expect_gradients_match(b.name, p.values().data() + b.offset, analytic.data() + b.offset, b.rows * b.cols,
                                        loss);
    }
}

TEST(MlpModel, ShapesAndParameterCount) {
  const ModelConfig c = mlp_config(2, 10, 4, 0.5);
  MlpModel<float> model(c);
  // Linear(10, 2*3) + Linear(6, 4), with biases.
  EXPECT_EQ(model.parameters().size(), 10 * 6 + 6 + 6 * 4 + 4);
  EXPECT_EQ(c.parameter_count(), model.parameters().size());
  model.initialize(1);
  const Graph g = build_graph(5, std::vector<Edge>{});
  const auto& logits = model.forward(g, FeatureMatrix<float>(random_matrix<float>(5, 10, 1)), false, 0);
  EXPECT_EQ(logits.rows(), 5);
  EXPECT_EQ(logits.cols(), 4);
  ModelConfig gat = c;
  gat.kind = NodeModelKind::gat;
  EXPECT_THROW(MlpModel<float>{gat}, InvalidArgument);
  EXPECT_EQ(parse_node_model_kind("mlp"), NodeModelKind::mlp);
  EXPECT_THROW(parse_node_model_kind("gcn"), InvalidArgument);
}

TEST(MlpModel, TrainingStepsIdenticalForOneAndTwoThreads) {
  const std::int64_t n = 3000, f = 40;  // several 256-row blocks
  std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(i % 3);
  std::vector<NodeId> train;
  for (NodeId i = 0; i < n; i += 2) train.push_back(i);
  const Graph g = build_graph(n, std::vector<Edge>{});
  for (bool sparse : {false, true}) {
    const FeatureMatrix<float> x = sparse ? FeatureMatrix<float>(random_sparse<float>(n, f, 0.1, 5))
                                          : FeatureMatrix<float>(random_matrix<float>(n, f, 5));
    auto run = [&](int threads, Vector<float>& values, RowMatrix<float>& logits) {
      set_num_threads(threads);
      ModelConfig c = mlp_config(2, f, 3, 0.5);
      c.heads = 4;
      c.hidden = 8;
      MlpModel<float> model(c);
      model.initialize(17);
      testing::train_three_steps(model, g, x, labels, train, values, logits);
    };
    Vector<float> v1, v2;
    RowMatrix<float> l1, l2;
    run(1, v1, l1);
    run(2, v2, l2);
    set_num_threads(0);
    EXPECT_TRUE(v1 == v2) << (sparse ? "sparse" : "dense") << ": parameters differ after 3 steps";
    EXPECT_TRUE(l1 == l2) << (sparse ? "sparse" : "dense") << ": logits differ";
  }
}

// ---- class weights ------------------------------------------------------------------------------

TEST(ClassWeights, BalancedByHand) {
  const std::vector<std::int32_t> labels = {0, 0, 0, 1, 2, -1, 2};
  // Nodes 0..4 and 6: counts 3, 1, 2 over 6 nodes and 3 classes: w_c = 6 / (3 n_c).
  const std::vector<double> w = balanced_class_weights(labels, {0, 1, 2, 3, 4, 6}, 4);
  ASSERT_EQ(w.size(), 4u);
  EXPECT_DOUBLE_EQ(w[0], 6.0 / 9.0);
  EXPECT_DOUBLE_EQ(w[1], 2.0);
  EXPECT_DOUBLE_EQ(w[2], 1.0);
  EXPECT_EQ(w[3], 0.0);  // absent class
  EXPECT_THROW(balanced_class_weights(labels, {5}, 4), InvalidArgument);  // unlabelled node
}

TEST(ClassWeights, WeightedCrossEntropyByHand) {
  RowMatrix<double> z(3, 2);
  z << 0.0, 0.0,   // CE = log 2
       2.0, 0.0,   // label 1: CE = log(1 + e^2)
       0.0, 0.0;   // not listed
  const std::vector<std::int32_t> labels = {0, 1, 0};
  const std::vector<double> w = {1.0, 3.0};
  RowMatrix<double> d;
  const double loss = weighted_softmax_cross_entropy(z, labels, {0, 1}, w, &d);
  EXPECT_NEAR(loss, (1.0 * std::log(2.0) + 3.0 * std::log1p(std::exp(2.0))) / 4.0, 1e-12);
  EXPECT_NEAR(d(0, 0), (0.5 - 1.0) / 4.0, 1e-12);
  const double p1 = 1.0 / (1.0 + std::exp(2.0));
  EXPECT_NEAR(d(1, 1), 3.0 * (p1 - 1.0) / 4.0, 1e-12);
  EXPECT_EQ(d(2, 0), 0.0);
  EXPECT_THROW(weighted_softmax_cross_entropy<double>(z, labels, {0}, {0.0, 1.0}, nullptr), InvalidArgument);
  EXPECT_THROW(weighted_softmax_cross_entropy<double>(z, labels, {0}, {1.0}, nullptr), InvalidArgument);
}

TEST(ClassWeights, EqualWeightsAreTheUnweightedLoss) {
  const RowMatrix<double> z = random_matrix<double>(8, 4, 3, 2.0);
  const std::vector<std::int32_t> labels = {0, 1, 2, 3, 3, 2, 1, 0};
  const std::vector<NodeId> nodes = {0, 2, 3, 5, 7};
  RowMatrix<double> d1, d2;
  const double a = softmax_cross_entropy(z, labels, nodes, &d1);
  const double b = weighted_softmax_cross_entropy(z, labels, nodes, {2.5, 2.5, 2.5, 2.5}, &d2);
  EXPECT_NEAR(a, b, 1e-14);
  EXPECT_LT((d1 - d2).cwiseAbs().maxCoeff(), 1e-15);
}

TEST(ClassWeights, WeightedCrossEntropyGradientMatchesFiniteDifferences) {
  RowMatrix<double> z = random_matrix<double>(7, 3, 11, 2.0);
  const std::vector<std::int32_t> labels = {0, 1, 2, 2, 1, 0, 2};
  const std::vector<NodeId> nodes = {0, 1, 3, 4, 6};
  const std::vector<double> w = {0.4, 1.7, 0.9};
  RowMatrix<double> d;
  weighted_softmax_cross_entropy(z, labels, nodes, w, &d);
  testing::expect_gradients_match("logits", z.data(), d.data(), z.size(),
                                  [&] { return weighted_softmax_cross_entropy<double>(z, labels, nodes, w, nullptr); });
}

}  // namespace
}  // namespace gatkit
