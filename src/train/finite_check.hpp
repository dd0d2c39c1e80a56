#pragma once
// Private helper of the trainers: a NaN or infinite loss or gradient stops training before the
// optimiser spreads it into the weights, so that no poisoned model is ever kept or saved.
#include <cmath>
#include <cstdint>
#include <string>

#include "gatkit/nn/parameters.hpp"
#include "gatkit/util/error.hpp"

namespace gatkit::detail {

/// Throws gatkit::Error naming the epoch (and the batch, when batch > 0) unless `loss` and every
/// gradient of `params` are finite. Call it after backward, before the optimiser step.
template <class T>
void check_finite_step(double loss, const Parameters<T>& params, int epoch, std::int64_t batch) {
  const auto where = [&] {
    std::string s = "training stopped at epoch " + std::to_string(epoch);
    if (batch > 0) s += ", batch " + std::to_string(batch);
    return s + ": ";
  };
  const std::string advice =
      "; the weights were not updated and no model is saved (lower the learning rate, or look for extreme "
      "values in the input features)";
  if (!std::isfinite(loss))
    throw Error(where() + "the training loss is " + (std::isnan(loss) ? "NaN" : "infinite") + advice);
  const auto& g = params.grads();
  if (g.allFinite()) return;
  Eigen::Index k = 0;
  while (k < g.size() && std::isfinite(g(k))) ++k;
  std::string block = "?";
  for (const auto& b : params.blocks())
    if (k >= b.offset && k < b.offset + b.rows * b.cols) block = b.name;
  throw Error(where() + "a gradient of '" + block + "' is " + (std::isnan(g(k)) ? "NaN" : "infinite") + advice);
}

}  // namespace gatkit::detail
