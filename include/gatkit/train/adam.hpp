#pragma once
// Adam (Kingma & Ba 2015) over a model's flat parameter buffer, with L2 regularisation added to the
// gradient (weight_decay * w, as torch.optim.Adam's weight_decay and the GAT paper's L2 penalty).
#include <cstdint>

#include "gatkit/nn/parameters.hpp"

namespace gatkit {

struct AdamConfig {
  double learning_rate = 0.005;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double weight_decay = 5e-4;
};

class Adam {
 public:
  Adam(const AdamConfig& config, std::int64_t size);
  /// One update from params.grads() (gradients are read, not cleared).
  void step(Parameters<float>& params);
  std::int64_t steps() const { return step_; }
  double learning_rate() const { return config_.learning_rate; }
  /// For learning-rate schedules: the rate of the following steps (moments are kept).
  void set_learning_rate(double rate);
  /// The moments, for resumable training (train/training_state.hpp).
  const Vector<float>& first_moment() const { return m_; }
  const Vector<float>& second_moment() const { return v_; }
  /// Continues from a saved state: moments, step count and learning rate (sizes as the constructor's).
  void restore(const Vector<float>& m, const Vector<float>& v, std::int64_t steps, double learning_rate);

 private:
  AdamConfig config_;
  Vector<float> m_, v_, decay_mask_;
  std::int64_t step_ = 0;
};

}  // namespace gatkit
