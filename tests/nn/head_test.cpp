// Building blocks of graph-level heads: Linear (finite differences, dense and sparse input, dropout)
// and the masked losses (BCE, MSE, softmax cross-entropy: values by hand, finite differences, missing
// labels).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "gatkit/nn/linear.hpp"
#include "gatkit/nn/losses.hpp"
#include "test_helpers.hpp"

namespace gatkit {
namespace {

using testing::random_matrix;
constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

TEST(Linear, GradientsMatchFiniteDifferences) {
  for (bool sparse : {false, true}) {
    Parameters<double> p;
    Linear<double> layer(7, 3, 0.4, p, "head");
    p.allocate();
    Rng rng(1);
    layer.initialize(p, rng);
    p.values() += 0.1 * Vector<double>::Random(p.size());
    FeatureMatrix<double> x = sparse ? FeatureMatrix<double>(testing::random_sparse<double>(5, 7, 0.4, 2))
                                     : FeatureMatrix<double>(random_matrix<double>(5, 7, 2));
    const RowMatrix<double> weights = random_matrix<double>(5, 3, 3);
    auto loss = [&] {
      LinearCache<double> cache;
      RowMatrix<double> y;
      layer.forward(p, x, true, 11, cache, y);
      return y.cwiseProduct(weights).sum();
    };
    LinearCache<double> cache;
    RowMatrix<double> y, dx;
    layer.forward(p, x, true, 11, cache, y);
    p.zero_grads();
    layer.backward(p, x, cache, weights, sparse ? nullptr : &dx);
    for (const auto& b : p.blocks())
      testing::expect_gradients_match(b.name, p.values().data() + b.offset, p.grads().data() + b.offset, b.rows * b.cols, loss);
    if (!sparse) testing::expect_gradients_match("input", x.dense().data(), dx.data(), dx.size(), loss);
  }
}

TEST(Linear, EvaluationIsTheAffineMap) {
  Parameters<double> p;
  Linear<double> layer(4, 2, 0.5, p, "head");
  p.allocate();
  p.values().setRandom();
  const RowMatrix<double> x = random_matrix<double>(3, 4, 5);
  LinearCache<double> cache;
  RowMatrix<double> y;
  layer.forward(p, FeatureMatrix<double>(x), false, 0, cache, y);
  const RowMatrix<double> expected = (x * p.value(0)).rowwise() + p.value(1).row(0);
  EXPECT_LT((y - expected).cwiseAbs().maxCoeff(), 1e-14);
}

TEST(Losses, BinaryCrossEntropyByHand) {
  RowMatrix<double> logits(2, 2), targets(2, 2);
  logits << 0.0, 2.0, -1.0, 800.0;        // 800: a huge logit must not overflow
  targets << 1.0, kMissing, 0.0, 1.0;
  RowMatrix<double> grad;
  const double loss = masked_bce_with_logits(logits, targets, &grad);
  const double expected = (std::log(2.0) + std::log1p(std::exp(-1.0)) + 0.0) / 3.0;
  EXPECT_NEAR(loss, expected, 1e-12);
  EXPECT_EQ(grad(0, 1), 0.0);                                       // missing label: no gradient
  EXPECT_NEAR(grad(0, 0), (0.5 - 1.0) / 3.0, 1e-12);
  EXPECT_NEAR(grad(1, 0), (1.0 / (1.0 + std::exp(1.0))) / 3.0, 1e-12);
  RowMatrix<double> all_missing = RowMatrix<double>::Constant(2, 2, kMissing);
  EXPECT_EQ(masked_bce_with_logits<double>(logits, all_missing, nullptr), 0.0);
  RowMatrix<double> bad = targets;
  bad(1, 0) = 0.5;
  EXPECT_THROW(masked_bce_with_logits<double>(logits, bad, nullptr), InvalidArgument);
}

TEST(Losses, GradientsMatchFiniteDifferences) {
  RowMatrix<double> z = random_matrix<double>(6, 3, 7, 3.0);
  RowMatrix<double> y(6, 3);
  y << 1, 0, kMissing, 0, kMissing, 1, 1, 1, 0, kMissing, kMissing, kMissing, 0, 0, 1, 1, 0, 1;
  Vector<double> weights(3);
  weights << 1.0, 2.5, 0.5;
  RowMatrix<double> grad;
  masked_bce_with_logits(z, y, &grad, &weights);
  testing::expect_gradients_match("bce", z.data(), grad.data(), grad.size(),
                                  [&] { return masked_bce_with_logits<double>(z, y, nullptr, &weights); });
  RowMatrix<double> targets = random_matrix<double>(6, 3, 8);
  targets(2, 1) = kMissing;
  masked_mse(z, targets, &grad);
  EXPECT_EQ(grad(2, 1), 0.0);
  testing::expect_gradients_match("mse", z.data(), grad.data(), grad.size(),
                                  [&] { return masked_mse<double>(z, targets, nullptr); });
}

TEST(Losses, SoftmaxCrossEntropyByHand) {
  RowMatrix<double> logits(3, 3), targets(3, 1);
  logits << 0.0, 0.0, 0.0,   //
      1.0, 2.0, 3.0,         //
      1000.0, 0.0, -1000.0;  // huge logits must not overflow
  targets << 2.0, kMissing, 0.0;
  RowMatrix<double> grad;
  const double loss = masked_softmax_cross_entropy(logits, targets, &grad);
  EXPECT_NEAR(loss, (std::log(3.0) + 0.0) / 2.0, 1e-12);
  EXPECT_NEAR(grad(0, 0), (1.0 / 3.0) / 2.0, 1e-12);
  EXPECT_NEAR(grad(0, 2), (1.0 / 3.0 - 1.0) / 2.0, 1e-12);
  EXPECT_EQ(grad.row(1).cwiseAbs().sum(), 0.0);  // missing label: no gradient
  EXPECT_NEAR(grad.row(2).sum(), 0.0, 1e-15);
  RowMatrix<double> all_missing = RowMatrix<double>::Constant(3, 1, kMissing);
  EXPECT_EQ(masked_softmax_cross_entropy<double>(logits, all_missing, nullptr), 0.0);
  for (double bad : {3.0, -1.0, 0.5}) {
    RowMatrix<double> wrong = targets;
    wrong(0, 0) = bad;
    EXPECT_THROW(masked_softmax_cross_entropy<double>(logits, wrong, nullptr), InvalidArgument) << bad;
  }
  EXPECT_THROW(masked_softmax_cross_entropy<double>(logits, RowMatrix<double>::Zero(3, 2), nullptr), InvalidArgument);
}

TEST(Losses, SoftmaxCrossEntropyGradients) {
  RowMatrix<double> z = random_matrix<double>(6, 4, 9, 3.0);
  RowMatrix<double> y(6, 1);
  y << 0, 3, kMissing, 1, 2, 3;
  RowMatrix<double> grad;
  masked_softmax_cross_entropy(z, y, &grad);
  testing::expect_gradients_match("softmax ce", z.data(), grad.data(), grad.size(),
                                  [&] { return masked_softmax_cross_entropy<double>(z, y, nullptr); });
}

TEST(Losses, MseByHand) {
  RowMatrix<double> pred(1, 3), target(1, 3);
  pred << 1.0, 2.0, 3.0;
  target << 0.0, kMissing, 5.0;
  EXPECT_NEAR(masked_mse<double>(pred, target, nullptr), (1.0 + 4.0) / 2.0, 1e-15);
}

}  // namespace
}  // namespace gatkit
