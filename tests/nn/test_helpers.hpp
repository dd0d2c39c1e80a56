#pragma once
// Shared test tools: random graphs with the awkward cases, and a central-difference gradient checker
// used by every layer and loss test.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/nn/attention.hpp"
#include "gatkit/nn/functional.hpp"
#include "gatkit/train/adam.hpp"
#include "gatkit/nn/random.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit::testing {

/// A random directed graph on n nodes with ~n*avg_degree edges, plus: a few isolated nodes (the last
/// `isolated` ids appear in no edge), self-loops already present, and duplicated edges.
inline std::vector<Edge> random_edges(std::int64_t n, double avg_degree, std::uint64_t seed, std::int64_t isolated = 2) {
  Rng rng(seed);
  const std::int64_t active = n - isolated;
  std::vector<Edge> edges;
  const auto m = static_cast<std::int64_t>(static_cast<double>(active) * avg_degree);
  for (std::int64_t k = 0; k < m; ++k)
    edges.push_back({static_cast<NodeId>(rng.below(active)), static_cast<NodeId>(rng.below(active))});
  for (std::int64_t k = 0; k < active / 4; ++k) {  // self-loops and duplicates
    const auto v = static_cast<NodeId>(rng.below(active));
    edges.push_back({v, v});
    edges.push_back(edges[rng.below(edges.size())]);
  }
  return edges;
}

template <class T>
RowMatrix<T> random_matrix(std::int64_t rows, std::int64_t cols, std::uint64_t seed, double scale = 1.0) {
  Rng rng(seed);
  RowMatrix<T> m(rows, cols);
  for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = static_cast<T>(rng.uniform(-scale, scale));
  return m;
}

template <class T>
SparseRowMatrix<T> random_sparse(std::int64_t rows, std::int64_t cols, double density, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Eigen::Triplet<T, std::int32_t>> triplets;
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j)
      if (rng.uniform() < density) triplets.emplace_back(i, j, static_cast<T>(rng.uniform(0.1, 1.0)));
  SparseRowMatrix<T> s(rows, cols);
  s.setFromTriplets(triplets.begin(), triplets.end());
  return s;
}

/// Compares analytic[k] with the central difference (loss(v_k + eps) - loss(v_k - eps)) / 2eps for every
/// entry of `values` (perturbed in place and restored). Relative error is measured against
/// max(|a|, |n|, floor) so tiny gradients do not fail on round-off.
inline void expect_gradients_match(const std::string& what, double* values, const double* analytic,
                                   std::int64_t count, const std::function<double()>& loss,
                                   double eps = 1e-5, double tolerance = 1e-5, double floor = 1e-4) {
  int failures = 0;
  for (std::int64_t k = 0; k < count; ++k) {
    const double saved = values[k];
    values[k] = saved + eps;
    const double plus = loss();
    values[k] = saved - eps;
    const double minus = loss();
    values[k] = saved;
    const double numeric = (plus - minus) / (2 * eps);
    const double denom = std::max({std::abs(numeric), std::abs(analytic[k]), floor});
    if (std::abs(numeric - analytic[k]) / denom > tolerance && failures++ < 5)
      ADD_FAILURE() << what << "[" << k << "]: analytic " << analytic[k] << " vs numeric " << numeric;
  }
  EXPECT_EQ(failures, 0) << what << ": " << failures << " of " << count << " entries differ";
}

/// The finite-difference check of one attention layer (double): L = sum(y o weights), so dL/dy =
/// weights, with the dropout masks of `seed` fixed (L is then smooth). Every parameter block's gradient
/// is compared, and dL/dx unless x is sparse; `edges` are the edge features, if any. With
/// `require_nonzero`, a block whose gradient is all zero fails too (it would pass any comparison).
struct GradientCheck {
  double eps = 1e-5, tolerance = 1e-5, floor = 1e-4;
  bool require_nonzero = false;
};
inline void expect_attention_gradients(const std::string& what, const GraphAttention<double>& layer, Parameters<double>& p,
                                       const Graph& g, FeatureMatrix<double>& x, const RowMatrix<double>& weights,
                                       std::uint64_t seed, const RowMatrix<double>* edges = nullptr,
                                       const GradientCheck& check = {}) {
  auto loss = [&] {
    AttentionCache<double> cache;
    RowMatrix<double> y;
    layer.forward(p, g, x, true, seed, cache, y, edges);
    return y.cwiseProduct(weights).sum();
  };
  AttentionCache<double> cache;
  RowMatrix<double> y, dx;
  layer.forward(p, g, x, true, seed, cache, y, edges);
  p.zero_grads();
  layer.backward(p, g, x, cache, weights, x.is_sparse() ? nullptr : &dx, edges);
  for (const auto& b : p.blocks()) {
    if (check.require_nonzero) {
      EXPECT_GT(p.grads().segment(b.offset, b.rows * b.cols).cwiseAbs().maxCoeff(), 0.0) << what << " " << b.name;
    }
    expect_gradients_match(what + " " + b.name, p.values().data() + b.offset, p.grads().data() + b.offset,
                           b.rows * b.cols, loss, check.eps, check.tolerance, check.floor);
  }
  if (!x.is_sparse())
    expect_gradients_match(what + " input", x.dense().data(), dx.data(), dx.size(), loss, check.eps, check.tolerance,
                           check.floor);
}

/// Three Adam steps of softmax cross-entropy on the `train` nodes (dropout seeds 101, 102, 103), then
/// the weights and the evaluation logits: what the thread-count tests of the node models compare.
template <class Model>
void train_three_steps(Model& model, const Graph& g, const FeatureMatrix<float>& x, const std::vector<std::int32_t>& labels,
                       const std::vector<NodeId>& train, Vector<float>& values, RowMatrix<float>& logits) {
  Adam adam(AdamConfig{}, model.parameters().size());
  RowMatrix<float> d;
  for (int step = 0; step < 3; ++step) {
    model.parameters().zero_grads();
    softmax_cross_entropy(model.forward(g, x, true, 100 + static_cast<std::uint64_t>(step)), labels, train, &d);
    model.backward(g, x, d);
    adam.step(model.parameters());
  }
  values = model.parameters().values();
  logits = model.forward(g, x, false, 0);
}

}  // namespace gatkit::testing
