// Activations and the loss: finite differences in double, hand-computed values, and the argument checks.
#include "gatkit/nn/functional.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "gatkit/util/error.hpp"
#include "test_helpers.hpp"

namespace gatkit {
namespace {

using testing::random_matrix;

// Entries of x pushed away from 0 (ELU's kink), so that a central difference never straddles it.
RowMatrix<double> away_from_zero(RowMatrix<double> x) {
  for (Eigen::Index k = 0; k < x.size(); ++k)
    if (std::abs(x.data()[k]) < 0.05) x.data()[k] += x.data()[k] < 0 ? -0.05 : 0.05;
  return x;
}

TEST(Elu, ForwardMatchesDefinition) {
  RowMatrix<double> x(2, 3);
  x << -2.0, -0.5, 0.0, 0.25, 3.0, -30.0;
  RowMatrix<double> y;
  elu_forward(x, y);
  ASSERT_EQ(y.rows(), 2);
  ASSERT_EQ(y.cols(), 3);
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const double v = x.data()[k];
    EXPECT_NEAR(y.data()[k], v > 0 ? v : std::exp(v) - 1.0, 1e-15) << "x = " << v;
  }
  EXPECT_EQ(y(0, 2), 0.0);
  EXPECT_NEAR(y(1, 2), -1.0, 1e-12);  // saturates at -1
}

TEST(Elu, ForwardOfLargeInputUsesAllBlocks) {
  // More than one parallel block (blocks of 2^14 elements): every element must still be ELU(x).
  const RowMatrix<double> x = random_matrix<double>(300, 130, 17, 3.0);
  RowMatrix<double> y;
  elu_forward(x, y);
  double worst = 0;
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const double v = x.data()[k];
    worst = std::max(worst, std::abs(y.data()[k] - (v > 0 ? v : std::exp(v) - 1.0)));
  }
  EXPECT_LT(worst, 1e-14);
}

TEST(Elu, BackwardMatchesFiniteDifferences) {
  RowMatrix<double> x = away_from_zero(random_matrix<double>(7, 5, 3, 2.0));
  const RowMatrix<double> weights = random_matrix<double>(7, 5, 4);  // L = sum(ELU(x) o weights)
  auto loss = [&] {
    RowMatrix<double> y;
    elu_forward(x, y);
    return y.cwiseProduct(weights).sum();
  };
  RowMatrix<double> y, dx;
  elu_forward(x, y);
  elu_backward(y, weights, dx);
  ASSERT_EQ(dx.rows(), 7);
  ASSERT_EQ(dx.cols(), 5);
  testing::expect_gradients_match("elu", x.data(), dx.data(), dx.size(), loss);
  // Both branches were exercised.
  EXPECT_GT((x.array() > 0).count(), 5);
  EXPECT_GT((x.array() < 0).count(), 5);
}

TEST(Elu, BackwardOfLargeInputUsesAllRanges) {
  const RowMatrix<double> x = random_matrix<double>(200, 150, 5, 2.0);
  const RowMatrix<double> dy = random_matrix<double>(200, 150, 6);
  RowMatrix<double> y, dx;
  elu_forward(x, y);
  elu_backward(y, dy, dx);
  double worst = 0;
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const double v = x.data()[k];
    worst = std::max(worst, std::abs(dx.data()[k] - dy.data()[k] * (v > 0 ? 1.0 : std::exp(v))));
  }
  EXPECT_LT(worst, 1e-14);
}

TEST(Relu, ForwardAndBackward) {
  RowMatrix<double> x = away_from_zero(random_matrix<double>(6, 4, 8, 2.0));
  RowMatrix<double> y, dx;
  relu_forward(x, y);
  EXPECT_EQ(y, RowMatrix<double>(x.cwiseMax(0.0)));
  const RowMatrix<double> weights = random_matrix<double>(6, 4, 9);
  relu_backward(y, weights, dx);
  testing::expect_gradients_match("relu", x.data(), dx.data(), dx.size(), [&] {
    RowMatrix<double> out;
    relu_forward(x, out);
    return out.cwiseProduct(weights).sum();
  });
  EXPECT_GT((x.array() < 0).count(), 3);
  EXPECT_THROW(relu_backward(y, RowMatrix<double>(2, 2), dx), InvalidArgument);
}

TEST(SoftmaxCrossEntropy, ValueMatchesHandComputation) {
  RowMatrix<double> logits(3, 3);
  logits << 1.0, 2.0, 3.0,   //
      0.0, 0.0, 0.0,         //
      5.0, -1.0, 0.5;
  const std::vector<std::int32_t> labels = {2, 1, -1};
  // Row 0, label 2: log(e^1 + e^2 + e^3) - 3.  Row 1, label 1: log(3).
  const double l0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3.0;
  const double l1 = std::log(3.0);
  EXPECT_NEAR(softmax_cross_entropy<double>(logits, labels, {0, 1}, nullptr), (l0 + l1) / 2, 1e-14);
  EXPECT_NEAR(softmax_cross_entropy<double>(logits, labels, {1}, nullptr), l1, 1e-14);
  // The float version agrees, and so does a node listed twice (weighted twice in the mean).
  const RowMatrix<float> lf = logits.cast<float>();
  EXPECT_NEAR(softmax_cross_entropy<float>(lf, labels, {0, 1}, nullptr), (l0 + l1) / 2, 1e-6);
  EXPECT_NEAR(softmax_cross_entropy<double>(logits, labels, {0, 0, 1}, nullptr), (2 * l0 + l1) / 3, 1e-14);
}

TEST(SoftmaxCrossEntropy, StableForHugeLogits) {
  RowMatrix<double> logits(2, 2);
  logits << 1000.0, 0.0,  //
      -1000.0, 1000.0;
  RowMatrix<double> d;
  const double loss = softmax_cross_entropy<double>(logits, {1, 1}, {0, 1}, &d);
  ASSERT_TRUE(std::isfinite(loss));
  EXPECT_NEAR(loss, 500.0, 1e-9);  // row 0 costs 1000, row 1 costs ~0
  EXPECT_TRUE(d.allFinite());
  EXPECT_NEAR(d(0, 0), 0.5, 1e-12);
  EXPECT_NEAR(d(0, 1), -0.5, 1e-12);
}

TEST(SoftmaxCrossEntropy, GradientMatchesFiniteDifferencesOnlyOnListedNodes) {
  const std::int64_t n = 9, C = 4;
  RowMatrix<double> logits = random_matrix<double>(n, C, 21, 2.0);
  const std::vector<std::int32_t> labels = {0, 3, -1, 2, 1, 1, 0, -1, 3};
  const std::vector<NodeId> nodes = {0, 1, 3, 5, 8};
  auto loss = [&] { return softmax_cross_entropy<double>(logits, labels, nodes, nullptr); };
  RowMatrix<double> d = RowMatrix<double>::Constant(2, 2, 7.0);  // wrong shape and stale contents
  const double value = softmax_cross_entropy<double>(logits, labels, nodes, &d);
  EXPECT_EQ(value, loss());
  ASSERT_EQ(d.rows(), n);
  ASSERT_EQ(d.cols(), C);
  testing::expect_gradients_match("cross-entropy", logits.data(), d.data(), d.size(), loss);
  for (NodeId i = 0; i < n; ++i) {
    const bool listed = std::find(nodes.begin(), nodes.end(), i) != nodes.end();
    if (listed) {
      EXPECT_NEAR(d.row(i).sum(), 0.0, 1e-15) << "row " << i;  // softmax minus one-hot
      EXPECT_LT(d(i, labels[static_cast<std::size_t>(i)]), 0.0) << "row " << i;
    } else {
      EXPECT_TRUE((d.row(i).array() == 0.0).all()) << "unlisted row " << i << " got gradient";
    }
  }
}

TEST(SoftmaxCrossEntropy, RejectsUnlabelledNodesAndEmptyLists) {
  const RowMatrix<double> logits = random_matrix<double>(4, 3, 2);
  const std::vector<std::int32_t> labels = {0, -1, 2, 3};  // node 1 unlabelled, node 3 out of range
  RowMatrix<double> d;
  EXPECT_THROW(softmax_cross_entropy<double>(logits, labels, {0, 1}, &d), InvalidArgument);
  EXPECT_THROW(softmax_cross_entropy<double>(logits, labels, {3}, nullptr), InvalidArgument);
  EXPECT_THROW(softmax_cross_entropy<double>(logits, labels, {}, nullptr), InvalidArgument);
  EXPECT_THROW(softmax_cross_entropy<double>(logits, labels, {}, &d), InvalidArgument);
  EXPECT_NO_THROW(softmax_cross_entropy<double>(logits, labels, {0, 2}, &d));
}

TEST(Accuracy, CountsArgMaxAgreement) {
  RowMatrix<float> logits(5, 3);
  logits << 0.1f, 0.9f, 0.0f,  // 1
      3.0f, -1.0f, 2.0f,       // 0
      -5.0f, -4.0f, -3.0f,     // 2
      0.0f, 1.0f, 0.5f,        // 1
      2.0f, 2.5f, 9.0f;        // 2
  const std::vector<std::int32_t> labels = {1, 2, 2, 0, -1};
  EXPECT_DOUBLE_EQ(accuracy(logits, labels, {0, 1, 2, 3}), 0.5);
  EXPECT_DOUBLE_EQ(accuracy(logits, labels, {0, 2}), 1.0);
  EXPECT_DOUBLE_EQ(accuracy(logits, labels, {1, 3}), 0.0);
  EXPECT_DOUBLE_EQ(accuracy(logits, labels, {0, 1, 2}), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(accuracy(logits, labels, {}), 0.0);
  EXPECT_DOUBLE_EQ(accuracy(logits, labels, {4}), 0.0);  // unlabelled never counts as correct
}

TEST(SoftmaxRows, RowsAreDistributions) {
  RowMatrix<double> logits = random_matrix<double>(6, 4, 9, 5.0);
  logits.row(2) << 1000.0, 999.0, -1000.0, 0.0;  // would overflow without the max shift
  const RowMatrix<double> p = softmax_rows(logits);
  ASSERT_EQ(p.rows(), 6);
  ASSERT_EQ(p.cols(), 4);
  ASSERT_TRUE(p.allFinite());
  for (Eigen::Index i = 0; i < p.rows(); ++i) {
    EXPECT_NEAR(p.row(i).sum(), 1.0, 1e-14) << "row " << i;
    EXPECT_TRUE((p.row(i).array() >= 0.0).all());
    // p_c / p_d = exp(l_c - l_d)
    if (i != 2) {
      EXPECT_NEAR(p(i, 0) / p(i, 1) / std::exp(logits(i, 0) - logits(i, 1)), 1.0, 1e-12);
    }
  }
  EXPECT_NEAR(p(2, 0), 1.0 / (1.0 + std::exp(-1.0)), 1e-14);
  EXPECT_NEAR(p(2, 1), std::exp(-1.0) / (1.0 + std::exp(-1.0)), 1e-14);
  const RowMatrix<float> pf = softmax_rows<float>(logits.cast<float>());
  for (Eigen::Index i = 0; i < pf.rows(); ++i) EXPECT_NEAR(pf.row(i).sum(), 1.0f, 1e-6f);
}

}  // namespace
}  // namespace gatkit
