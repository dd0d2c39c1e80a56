#pragma once
// Normalisers of the attention scores of one destination row (private to src/nn): the deg x H block S of
// the row's scores (edge-major: S[k * H + h] is edge k, head h) becomes the block of weights alpha, in
// place, and back in backward. Shared by the row kernels of every scoring function.
//
// Backward contract (sparsemax, relu): G holds dL/dalpha (dropout mask and head weight included) on
// entry and dL/de, the gradient of the scores, on exit. Softmax's backward is not here: it is fused into
// the kernels, which work with alpha * dL/dalpha directly (one product fewer per edge on the default path).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "gatkit/nn/attention.hpp"

namespace gatkit::detail {

/// exp over n contiguous values in place. Eigen's packet and scalar exp differ in the last bit, and
/// Eigen peels scalars up to an aligned address; evaluating in an aligned, padded scratch buffer sends
/// every element through the packet path, whatever the row's length or address.
template <class T>
inline void exp_in_place(T* values, std::int64_t n, Eigen::Array<T, Eigen::Dynamic, 1>& scratch) {
  // Padded to a multiple of 16 so that every element takes the packet path: short rows (a few edges,
  // one head) would otherwise be computed entirely by scalar calls to expf.
  const std::int64_t padded = (n + 15) / 16 * 16;
  if (scratch.size() < padded) scratch.resize(std::max<Eigen::Index>(padded, 2 * scratch.size()));
  std::copy(values, values + n, scratch.data());
  std::fill(scratch.data() + n, scratch.data() + padded, T(0));
  scratch.head(padded) = scratch.head(padded).exp();
  std::copy(scratch.data(), scratch.data() + n, values);
}

/// Softmax over each head's column: S = exp(S - max) / sum. `max_score` and `sum` hold H values. HC is
/// the head count when known at compile time (0 otherwise). Always inlined: it is the body of the default
/// path's row loop, which GCC otherwise outlines (a call per row, measurable on Cora).
template <class T, int HC>
[[gnu::always_inline]] inline void softmax_row(T* __restrict S, std::int64_t deg, std::int64_t h_runtime, T* __restrict max_score,
                        T* __restrict sum, Eigen::Array<T, Eigen::Dynamic, 1>& scratch) {
  const std::int64_t H = HC > 0 ? HC : h_runtime;
  for (std::int64_t h = 0; h < H; ++h) max_score[h] = -std::numeric_limits<T>::infinity();
  for (std::int64_t k = 0; k < deg; ++k)
    for (std::int64_t h = 0; h < H; ++h) max_score[h] = std::max(max_score[h], S[k * H + h]);
  for (std::int64_t k = 0; k < deg; ++k)
    for (std::int64_t h = 0; h < H; ++h) S[k * H + h] -= max_score[h];
  exp_in_place(S, deg * H, scratch);
  for (std::int64_t h = 0; h < H; ++h) sum[h] = 0;
  for (std::int64_t k = 0; k < deg; ++k)
    for (std::int64_t h = 0; h < H; ++h) sum[h] += S[k * H + h];
  for (std::int64_t h = 0; h < H; ++h) sum[h] = T(1) / sum[h];
  for (std::int64_t k = 0; k < deg; ++k)
    for (std::int64_t h = 0; h < H; ++h) S[k * H + h] *= sum[h];
}

/// Sparsemax over each head's column: alpha_k = max(S_k - tau, 0) with tau such that the weights sum to
/// one. tau by Michelot's algorithm rather than by sorting (a sort per node and head cost more than the
/// whole softmax row on Cora): start from the support "every edge", set tau = (sum of the support's
/// scores - 1) / its size, drop the scores <= tau, and repeat until the support stops shrinking (a few
/// passes; at most deg). All heads at once, the heads innermost as in the rest of the kernels. The sums
/// run in edge order: the result does not depend on threads. `tau` and `count` hold H values each.
template <class T, int HC>
inline void sparsemax_row(T* __restrict S, std::int64_t deg, std::int64_t h_runtime, T* __restrict tau,
                          T* __restrict count) {
  const std::int64_t H = HC > 0 ? HC : h_runtime;
  for (std::int64_t h = 0; h < H; ++h) tau[h] = 0;
  for (std::int64_t k = 0; k < deg; ++k)
    for (std::int64_t h = 0; h < H; ++h) tau[h] += S[k * H + h];
  for (std::int64_t h = 0; h < H; ++h) {
    tau[h] = (tau[h] - T(1)) / static_cast<T>(deg);
    count[h] = static_cast<T>(deg);
  }
  // The support only shrinks: tau never decreases (kept by the max below against rounding), so that
  // {S > tau} is a subset of the previous support and the loop ends within deg passes.
  T fixed_sum[HC > 0 ? HC : 1], fixed_kept[HC > 0 ? HC : 1];
  std::vector<T> dynamic(HC > 0 ? 0 : static_cast<std::size_t>(2 * H));  // run-time head count only
  T* __restrict s = HC > 0 ? fixed_sum : dynamic.data();
  T* __restrict c = HC > 0 ? fixed_kept : dynamic.data() + H;
  for (std::int64_t pass = 0; pass < deg; ++pass) {
    for (std::int64_t h = 0; h < H; ++h) s[h] = c[h] = 0;
    for (std::int64_t k = 0; k < deg; ++k)
      for (std::int64_t h = 0; h < H; ++h) {
        const T in = S[k * H + h] > tau[h] ? T(1) : T(0);
        s[h] += in * S[k * H + h];
        c[h] += in;
      }
    bool shrunk = false;
    for (std::int64_t h = 0; h < H; ++h) {
      shrunk |= c[h] != count[h];
      count[h] = c[h];
      // c >= 1: the largest score exceeds (sum - 1) / count, except when rounding absorbs the 1 (scores
      // beyond ~1e7 in float); tau then stays, and the row's weights come out zero rather than NaN.
      if (c[h] > 0) tau[h] = std::max(tau[h], (s[h] - T(1)) / c[h]);
    }
    if (!shrunk) break;
  }
  for (std::int64_t k = 0; k < deg; ++k)
    for (std::int64_t h = 0; h < H; ++h) S[k * H + h] = std::max(S[k * H + h] - tau[h], T(0));
}

/// ReLU normalisation over each head's column: alpha_k = relu(S_k) / (sum_j relu(S_j) + eps). Writes
/// 1 / (sum + eps) to inv_sum (H), which backward needs.
template <class T>
inline void relu_norm_row(T* __restrict S, std::int64_t deg, std::int64_t H, T* __restrict inv_sum) {
  for (std::int64_t h = 0; h < H; ++h) inv_sum[h] = 0;
  for (std::int64_t k = 0; k < deg; ++k)
    for (std::int64_t h = 0; h < H; ++h) {
      S[k * H + h] = std::max(S[k * H + h], T(0));
      inv_sum[h] += S[k * H + h];
    }
  for (std::int64_t h = 0; h < H; ++h) inv_sum[h] = T(1) / (inv_sum[h] + static_cast<T>(kReluNormEpsilon));
  for (std::int64_t k = 0; k < deg; ++k)
    for (std::int64_t h = 0; h < H; ++h) S[k * H + h] *= inv_sum[h];
}

/// The weights of one row from its scores, for the normalisers other than softmax (see softmax_row).
/// `norm` (H values) receives relu's 1 / (sum + eps).
/// `a`, `b`: scratch of H values each (sparsemax). `norm` (H values) receives relu's 1 / (sum + eps).
template <AttentionNormalizer N, int HC, class T>
inline void normalize_row(T* S, std::int64_t deg, std::int64_t H, T* a, T* b, T* norm) {
  static_assert(N != AttentionNormalizer::softmax, "softmax is fused into the row kernels");
  if constexpr (N == AttentionNormalizer::sparsemax) sparsemax_row<T, HC>(S, deg, H, a, b);
  else relu_norm_row(S, deg, H, norm);
}

/// Backward of normalize_row: G (deg x H) holds dL/dalpha on entry and dL/dS on exit; A is alpha.
///   sparsemax: dS_k = [alpha_k > 0] (g_k - mean of g over the support)
///   relu:      dS_k = [alpha_k > 0] (g_k - sum_j alpha_j g_j) / (sum + eps)
/// ([alpha_k > 0] is the support of sparsemax, and the step of relu: alpha_k > 0 exactly when S_k > 0.)
template <AttentionNormalizer N, class T>
inline void normalize_row_backward(const T* __restrict A, T* __restrict G, std::int64_t deg, std::int64_t H,
                                   const T* __restrict norm) {
  static_assert(N != AttentionNormalizer::softmax, "softmax is fused into the row kernels");
  for (std::int64_t h = 0; h < H; ++h) {
    T centre = 0;
    if constexpr (N == AttentionNormalizer::sparsemax) {
      T count = 0;
      for (std::int64_t k = 0; k < deg; ++k) {
        const T in_support = A[k * H + h] > T(0) ? T(1) : T(0);
        count += in_support;
        centre += in_support * G[k * H + h];
      }
      centre /= count;  // the support is never empty: its largest score always has a positive weight
      for (std::int64_t k = 0; k < deg; ++k) G[k * H + h] = A[k * H + h] > T(0) ? G[k * H + h] - centre : T(0);
    } else {
      for (std::int64_t k = 0; k < deg; ++k) centre += A[k * H + h] * G[k * H + h];
      for (std::int64_t k = 0; k < deg; ++k)
        G[k * H + h] = A[k * H + h] > T(0) ? (G[k * H + h] - centre) * norm[h] : T(0);
    }
  }
}

}  // namespace gatkit::detail
