// Adam against updates computed by hand in double precision, with and without L2 weight decay, and the
// per-block decay flag.
#include "gatkit/train/adam.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

// Two blocks: a decayed 2x2 weight and a 1x3 bias without decay.
Parameters<float> tiny_parameters() {
  Parameters<float> p;
  p.add("w", 2, 2, /*decay=*/true);
  p.add("b", 1, 3, /*decay=*/false);
  p.allocate();
  p.values() << 0.5f, -1.0f, 2.0f, 0.0f, 0.1f, -0.2f, 0.3f;
  return p;
}

// The reference: Adam with L2 added to the gradient, in double, element by element.
struct ReferenceAdam {
  AdamConfig c;
  std::vector<bool> decay;
  std::vector<double> m, v;
  int t = 0;
  void step(std::vector<double>& w, const std::vector<double>& g) {
    ++t;
    if (m.empty()) m.assign(w.size(), 0.0), v.assign(w.size(), 0.0);
    for (std::size_t k = 0; k < w.size(); ++k) {
      const double grad = g[k] + (decay[k] ? c.weight_decay * w[k] : 0.0);
      m[k] = c.beta1 * m[k] + (1 - c.beta1) * grad;
      v[k] = c.beta2 * v[k] + (1 - c.beta2) * grad * grad;
      const double m_hat = m[k] / (1 - std::pow(c.beta1, t));
      const double v_hat = v[k] / (1 - std::pow(c.beta2, t));
      w[k] -= c.learning_rate * m_hat / (std::sqrt(v_hat) + c.epsilon);
    }
  }
};

std::vector<double> as_double(const Vector<float>& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

void expect_close(const Vector<float>& actual, const std::vector<double>& expected, const char* what) {
  ASSERT_EQ(static_cast<std::size_t>(actual.size()), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k)
    EXPECT_NEAR(actual[static_cast<Eigen::Index>(k)], expected[k], 2e-6) << what << " [" << k << "]";
}

TEST(AdamTest, FirstStepWithoutDecayMovesByLearningRate) {
  Parameters<float> p = tiny_parameters();
  p.grads() << 0.1f, 0.2f, -0.3f, 0.0f, 1.0f, 0.0f, -0.5f;
  AdamConfig c;
  c.learning_rate = 0.01;
  c.weight_decay = 0.0;
  Adam adam(c, p.size());
  EXPECT_EQ(adam.steps(), 0);
  adam.step(p);
  EXPECT_EQ(adam.steps(), 1);
  // After one step m_hat = g and v_hat = g^2: every entry moves by lr * g / (|g| + eps), about lr * sign(g);
  // entries without gradient stay put.
  const std::vector<double> expected = {0.5 - 0.01, -1.0 - 0.01, 2.0 + 0.01, 0.0, 0.1 - 0.01, -0.2, 0.3 + 0.01};
  expect_close(p.values(), expected, "step 1");
  // Gradients are read, not cleared.
  EXPECT_FLOAT_EQ(p.grads()[0], 0.1f);
}

TEST(AdamTest, MatchesHandComputedUpdatesWithWeightDecay) {
  Parameters<float> p = tiny_parameters();
  AdamConfig c;
  c.learning_rate = 0.01;
  c.beta1 = 0.8;
  c.beta2 = 0.99;
  c.epsilon = 1e-3;  // large enough to matter
  c.weight_decay = 0.1;
  Adam adam(c, p.size());
  ReferenceAdam ref;
  ref.c = c;
  ref.decay = {true, true, true, true, false, false, false};
  std::vector<double> w = as_double(p.values());
  const std::vector<std::vector<double>> grads = {
      {0.1, 0.2, -0.3, 0.0, 1.0, 0.0, -0.5},
      {-0.4, 0.05, 0.3, 0.0, 0.25, 0.0, 0.5},
      {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
  };
  for (std::size_t s = 0; s < grads.size(); ++s) {
    for (std::size_t k = 0; k < grads[s].size(); ++k) p.grads()[static_cast<Eigen::Index>(k)] = static_cast<float>(grads[s][k]);
    adam.step(p);
    ref.step(w, grads[s]);
    expect_close(p.values(), w, ("step " + std::to_string(s + 1)).c_str());
  }
  EXPECT_EQ(adam.steps(), 3);
  // The decay flag is respected: w[3] (decayed, value 0, no gradient) and b[1] (not decayed, no
  // gradient) never move, while the decayed w[0..2] move even when their gradient is zero.
  EXPECT_EQ(p.values()[3], 0.0f);
  EXPECT_EQ(p.values()[5], -0.2f);
}

TEST(AdamTest, WeightDecayAloneShrinksOnlyDecayedBlocks) {
  Parameters<float> p = tiny_parameters();
  const Vector<float> before = p.values();
  AdamConfig c;
  c.learning_rate = 0.01;
  c.weight_decay = 0.5;
  Adam adam(c, p.size());
  adam.step(p);  // zero gradients: only the L2 term acts, moving every decayed non-zero weight by ~lr towards 0
  const std::vector<double> expected = {0.5 - 0.01, -1.0 + 0.01, 2.0 - 0.01, 0.0, 0.1, -0.2, 0.3};
  expect_close(p.values(), expected, "decay only");
  EXPECT_TRUE(p.values().tail(3) == before.tail(3)) << "the bias block (decay = false) was decayed";
}

TEST(AdamTest, RejectsBadConfigurationAndSizeChange) {
  AdamConfig c;
  c.learning_rate = 0.0;
  EXPECT_THROW(Adam(c, 3), InvalidArgument);
  c.learning_rate = 0.01;
  c.weight_decay = -1e-4;
  EXPECT_THROW(Adam(c, 3), InvalidArgument);
  c.weight_decay = 0.0;
  Adam adam(c, 3);
  Parameters<float> p = tiny_parameters();  // 7 parameters
  EXPECT_THROW(adam.step(p), InvalidArgument);
}

}  // namespace
}  // namespace gatkit
