#include "gatkit/nn/linear.hpp"

#include <cmath>

#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {

template <class T>
Linear<T>::Linear(std::int64_t in_dim, std::int64_t out_dim, double dropout, Parameters<T>& params,
                  const std::string& name)
    : in_dim_(in_dim), out_dim_(out_dim), dropout_(dropout) {
  GATKIT_REQUIRE(in_dim > 0 && out_dim > 0, name + ": dimensions must be positive");
  GATKIT_REQUIRE(dropout >= 0 && dropout < 1, name + ": dropout must be in [0, 1)");
  weight_ = params.add(name + ".weight", in_dim, out_dim);
  bias_ = params.add(name + ".bias", 1, out_dim);
}

template <class T>
void Linear<T>::initialize(Parameters<T>& params, Rng& rng) const {
  const double a = std::sqrt(6.0 / static_cast<double>(in_dim_ + out_dim_));
  auto w = params.value(weight_);
  for (Eigen::Index k = 0; k < w.size(); ++k) w.data()[k] = static_cast<T>(rng.uniform(-a, a));
  params.value(bias_).setZero();
}

template <class T>
void Linear<T>::forward(const Parameters<T>& params, const FeatureMatrix<T>& x, bool training, std::uint64_t seed,
                        LinearCache<T>& cache, RowMatrix<T>& y) const {
  cache.dropout = training ? Dropout::with(dropout_, derive_seed(seed, 1)) : Dropout::none();
  project_forward<T>(x, cache.dropout, params.value(weight_), y, cache.input);
  y.rowwise() += params.value(bias_).row(0);
}

template <class T>
void Linear<T>::backward(Parameters<T>& params, const FeatureMatrix<T>& x, const LinearCache<T>& cache,
                         const RowMatrix<T>& dy, RowMatrix<T>* dx) const {
  GATKIT_REQUIRE(dy.rows() == x.rows() && dy.cols() == out_dim_, "linear backward: gradient shape mismatch");
  const RowMatrix<T> zero = RowMatrix<T>::Zero(1, out_dim_);
  params.grad(bias_) += deterministic_sum(dy.rows(), 4096, zero, [&](std::int64_t b, std::int64_t e, RowMatrix<T>& acc) {
    acc += dy.middleRows(b, e - b).colwise().sum();
  });
  project_backward<T>(x, cache.dropout, cache.input, params.value(weight_), dy, params.grad(weight_), dx);
}

template class Linear<float>;
template class Linear<double>;

}  // namespace gatkit
