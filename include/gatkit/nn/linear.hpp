#pragma once
// A dense layer y = (x o M) W + b over row-major n x in inputs (M: inverted dropout on the input), the
// building block of graph-level heads (MLP after a readout).
#include <cstdint>
#include <string>

#include "gatkit/nn/parameters.hpp"
#include "gatkit/nn/projection.hpp"
#include "gatkit/nn/random.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit {

template <class T>
struct LinearCache {
  ProjectionCache<T> input;
  Dropout dropout;
};

template <class T>
class Linear {
 public:
  Linear(std::int64_t in_dim, std::int64_t out_dim, double dropout, Parameters<T>& params, const std::string& name);

  std::int64_t in_dim() const { return in_dim_; }
  std::int64_t out_dim() const { return out_dim_; }
  /// Glorot-uniform weight, zero bias.
  void initialize(Parameters<T>& params, Rng& rng) const;

  void forward(const Parameters<T>& params, const FeatureMatrix<T>& x, bool training, std::uint64_t seed,
               LinearCache<T>& cache, RowMatrix<T>& y) const;
  /// Adds the parameter gradients; sets dx (dense x only) when given.
  void backward(Parameters<T>& params, const FeatureMatrix<T>& x, const LinearCache<T>& cache,
                const RowMatrix<T>& dy, RowMatrix<T>* dx) const;

 private:
  std::int64_t in_dim_, out_dim_;
  double dropout_;
  int weight_ = -1, bias_ = -1;
};

}  // namespace gatkit
