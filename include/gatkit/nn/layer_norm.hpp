#pragma once
// Layer normalisation (Ba et al. 2016) over the features of every row, with a learnt gain and bias:
//   mu_i = mean_j x_ij,  var_i = mean_j (x_ij - mu_i)^2  (biased, as PyTorch's LayerNorm),
//   xhat_ij = (x_ij - mu_i) / sqrt(var_i + eps),  y_ij = gain_j * xhat_ij + bias_j.
// Shapes: x and y are n x width (dense, row-major); gain and bias are 1 x width blocks of the model's
// Parameters ("<name>.gain", "<name>.bias"), initialised to 1 and 0 and excluded from weight decay
// (decay pulls a gain towards 0, which is not the prior it should express).
// Every row is computed on its own and the parameter gradients are summed over fixed row blocks in block
// order, so results do not depend on the number of threads.
#include <cstdint>
#include <string>

#include "gatkit/nn/parameters.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit {

/// The epsilon added to the variance (PyTorch's default).
inline constexpr double kLayerNormEpsilon = 1e-5;

/// What forward keeps for backward.
template <class T>
struct LayerNormCache {
  RowMatrix<T> xhat;     ///< n x width, the normalised input
  Vector<T> inv_std;     ///< n, 1 / sqrt(var_i + eps)
};

template <class T>
class LayerNorm {
 public:
  /// Registers gain and bias (1 x width each) in `params` (before params.allocate()).
  LayerNorm(std::int64_t width, Parameters<T>& params, const std::string& name);

  std::int64_t width() const { return width_; }
  /// Gain 1, bias 0.
  void initialize(Parameters<T>& params) const;

  /// y = LayerNorm(x); x is n x width. y may not alias x.
  void forward(const Parameters<T>& params, const RowMatrix<T>& x, LayerNormCache<T>& cache, RowMatrix<T>& y) const;
  /// Adds dL/dgain and dL/dbias to the gradients and sets dx = dL/dx from dy (n x width):
  ///   g = dy * gain,  dx_i = inv_std_i * (g_i - mean(g_i) - xhat_i * mean(g_i * xhat_i)).
  /// dx may be dy (in place).
  void backward(Parameters<T>& params, const LayerNormCache<T>& cache, const RowMatrix<T>& dy, RowMatrix<T>& dx) const;

 private:
  std::int64_t width_;
  int gain_ = -1, bias_ = -1;
};

}  // namespace gatkit
