#include "gatkit/train/adam.hpp"

#include <cmath>

#include "gatkit/util/error.hpp"

namespace gatkit {

Adam::Adam(const AdamConfig& config, std::int64_t size)
    : config_(config), m_(Vector<float>::Zero(size)), v_(Vector<float>::Zero(size)) {
  GATKIT_REQUIRE(config.learning_rate > 0, "adam: learning rate must be positive");
  GATKIT_REQUIRE(config.weight_decay >= 0, "adam: weight decay must be >= 0");
}

void Adam::set_learning_rate(double rate) {
  GATKIT_REQUIRE(rate > 0, "adam: learning rate must be positive");
  config_.learning_rate = rate;
}

void Adam::restore(const Vector<float>& m, const Vector<float>& v, std::int64_t steps, double learning_rate) {
  GATKIT_REQUIRE(m.size() == m_.size() && v.size() == v_.size(), "adam: restored moments have another size");
  GATKIT_REQUIRE(steps >= 0, "adam: negative step count");
  set_learning_rate(learning_rate);
  m_ = m;
  v_ = v;
  step_ = steps;
}

void Adam::step(Parameters<float>& params) {
  GATKIT_REQUIRE(params.size() == m_.size(), "adam: parameter count changed");
  if (decay_mask_.size() != params.size()) {
    decay_mask_.setZero(params.size());
    for (const auto& b : params.blocks())
      if (b.decay) decay_mask_.segment(b.offset, b.rows * b.cols).setOnes();
  }
  ++step_;
  const float b1 = static_cast<float>(config_.beta1), b2 = static_cast<float>(config_.beta2);
  const float lr = static_cast<float>(config_.learning_rate);
  const float wd = static_cast<float>(config_.weight_decay);
  const float eps = static_cast<float>(config_.epsilon);
  const float c1 = 1.0f - static_cast<float>(std::pow(config_.beta1, static_cast<double>(step_)));
  const float c2 = 1.0f - static_cast<float>(std::pow(config_.beta2, static_cast<double>(step_)));
  auto w = params.values().array();
  const auto grad = params.grads().array() + wd * decay_mask_.array() * w;
  m_.array() = b1 * m_.array() + (1 - b1) * grad;
  v_.array() = b2 * v_.array() + (1 - b2) * grad.square();
  w -= lr * (m_.array() / c1) / ((v_.array() / c2).sqrt() + eps);
}

}  // namespace gatkit
