#include "gatkit/nn/layer_norm.hpp"

#include <cmath>

#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {

template <class T>
LayerNorm<T>::LayerNorm(std::int64_t width, Parameters<T>& params, const std::string& name) : width_(width) {
  GATKIT_REQUIRE(width >= 1, name + ": width must be positive");
  gain_ = params.add(name + ".gain", 1, width, /*decay=*/false);
  bias_ = params.add(name + ".bias", 1, width, /*decay=*/false);
}

template <class T>
void LayerNorm<T>::initialize(Parameters<T>& params) const {
  params.value(gain_).setOnes();
  params.value(bias_).setZero();
}

template <class T>
void LayerNorm<T>::forward(const Parameters<T>& params, const RowMatrix<T>& x, LayerNormCache<T>& cache,
                           RowMatrix<T>& y) const {
  GATKIT_REQUIRE(x.cols() == width_, "layer norm: input has " + std::to_string(x.cols()) + " columns, expected " +
                                         std::to_string(width_));
  const std::int64_t n = x.rows();
  cache.xhat.resize(n, width_);
  cache.inv_std.resize(n);
  y.resize(n, width_);
  const auto gain = params.value(gain_).row(0);
  const auto bias = params.value(bias_).row(0);
  const T inv_width = T(1) / static_cast<T>(width_);
  parallel_rows(n, 256, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) {
      const T mu = x.row(i).sum() * inv_width;
      auto xhat = cache.xhat.row(i);
      xhat = x.row(i).array() - mu;
      const T var = xhat.squaredNorm() * inv_width;
      const T inv_std = T(1) / std::sqrt(var + static_cast<T>(kLayerNormEpsilon));
      cache.inv_std[i] = inv_std;
      xhat *= inv_std;
      y.row(i) = xhat.cwiseProduct(gain) + bias;
    }
  });
}

template <class T>
void LayerNorm<T>::backward(Parameters<T>& params, const LayerNormCache<T>& cache, const RowMatrix<T>& dy,
                            RowMatrix<T>& dx) const {
  const std::int64_t n = cache.xhat.rows();
  GATKIT_REQUIRE(dy.rows() == n && dy.cols() == width_, "layer norm backward: gradient shape mismatch");
  // Parameter gradients first: dx may be dy.
  const RowMatrix<T> zero = RowMatrix<T>::Zero(2, width_);
  const RowMatrix<T> sums = deterministic_sum(n, 4096, zero, [&](std::int64_t b, std::int64_t e, RowMatrix<T>& acc) {
    for (std::int64_t i = b; i < e; ++i) {
      acc.row(0) += dy.row(i).cwiseProduct(cache.xhat.row(i));
      acc.row(1) += dy.row(i);
    }
  });
  params.grad(gain_) += sums.row(0);
  params.grad(bias_) += sums.row(1);
  if (&dx != &dy) dx.resize(n, width_);
  const auto gain = params.value(gain_).row(0);
  const T inv_width = T(1) / static_cast<T>(width_);
  parallel_rows(n, 256, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) {
      const auto xhat = cache.xhat.row(i);
      const auto g = dy.row(i).cwiseProduct(gain).eval();  // a copy: dx may be dy
      const T mean_g = g.sum() * inv_width;
      const T mean_gx = g.dot(xhat) * inv_width;
      dx.row(i) = cache.inv_std[i] * ((g.array() - mean_g) - xhat.array() * mean_gx).matrix();
    }
  });
}

template class LayerNorm<float>;
template class LayerNorm<double>;

}  // namespace gatkit
