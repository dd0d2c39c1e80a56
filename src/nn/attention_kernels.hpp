#pragma once
// Row kernels of the graph attention layer (private to src/nn). Each works on a range of rows and is
// specialised on the head dimension DC (0 = known only at run time) so that the per-edge dot products
// and AXPYs over D features compile to a few vector instructions.
//
// Layout: z is n x width, row-major; additive: width = H*D (z = values = keys = queries); dot:
// width = 3*H*D (q | k | v). Edge arrays (alpha, dropped, d_edge) are E x H, edge-major, so the block of
// destination row i is the contiguous deg(i) x H matrix starting at in_offsets[i] * H.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "gatkit/graph/graph.hpp"
#include "gatkit/nn/random.hpp"

namespace gatkit::detail {

template <class T>
struct AttentionArgs {
  std::int64_t H = 0, D = 0, HD = 0, width = 0, value_offset = 0;
  bool dot = false, concat = true;
  T slope = 0, scale = 0, head_weight = 1;
  const EdgeId* in_offsets = nullptr;
  const NodeId* sources = nullptr;
  const EdgeId* out_offsets = nullptr;
  const NodeId* targets = nullptr;
  const EdgeId* out_ids = nullptr;
  const T* z = nullptr;
  const T* s_src = nullptr;  // additive, n x H
  const T* s_dst = nullptr;
  const T* bias = nullptr;   // output_dim or null
  const Dropout* attention_dropout = nullptr;
  T* alpha = nullptr;        // E x H
  T* dropped = nullptr;      // E x H; equals alpha when dropout is off
  T* y = nullptr;
  std::int64_t y_cols = 0;
  // backward
  const T* dy = nullptr;
  std::int64_t dy_cols = 0;
  T* dz = nullptr;      // n x width
  T* d_edge = nullptr;  // E x H
  T* ds_src = nullptr;  // additive, n x H
  T* ds_dst = nullptr;
};

template <int DC>
struct Dim {
  static constexpr bool fixed = DC > 0;
};

template <class T, int DC>
inline T dot(const T* a, const T* b, std::int64_t d_runtime) {
  const std::int64_t D = DC > 0 ? DC : d_runtime;
  T s = 0;
  for (std::int64_t k = 0; k < D; ++k) s += a[k] * b[k];
  return s;
}

template <class T, int DC>
inline void axpy(T alpha, const T* x, T* y, std::int64_t d_runtime) {
  const std::int64_t D = DC > 0 ? DC : d_runtime;
  for (std::int64_t k = 0; k < D; ++k) y[k] += alpha * x[k];
}

// Branch-free LeakyReLU and its derivative: the sign of a score is a coin flip, so a branch on it
// would be mispredicted half the time.
template <class T>
inline T leaky_relu(T x, T slope) {
  return std::max(x, T(0)) + slope * std::min(x, T(0));
}
template <class T>
inline T leaky_relu_slope(T x, T slope) {
  const T positive = static_cast<T>(x > T(0));
  return positive + (T(1) - positive) * slope;
}

template <class T, int DC>
struct RowKernels {
  using Args = AttentionArgs<T>;

  /// Additive score halves: s_src[i,h] = a_src[h] . z_ih and s_dst[i,h] = a_dst[h] . z_ih.
  static void score_halves(const Args& a, const T* a_src, const T* a_dst, T* s_src, T* s_dst,
                           std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i)
      for (std::int64_t h = 0; h < a.H; ++h) {
        const T* zi = a.z + i * a.width + h * a.D;
        s_src[i * a.H + h] = dot<T, DC>(a_src + h * a.D, zi, a.D);
        s_dst[i * a.H + h] = dot<T, DC>(a_dst + h * a.D, zi, a.D);
      }
  }

  /// Fused forward of destination rows [begin, end): scores, softmax, dropout, aggregation.
  static void forward(const Args& a, std::int64_t begin, std::int64_t end) {
    const std::int64_t H = a.H, D = DC > 0 ? DC : a.D, HD = a.HD;
    std::vector<T> acc(static_cast<std::size_t>(HD)), max_score(static_cast<std::size_t>(H)),
        sum(static_cast<std::size_t>(H));
    Eigen::Array<T, Eigen::Dynamic, 1> scratch(256);
    for (std::int64_t i = begin; i < end; ++i) {
      const EdgeId e0 = a.in_offsets[i], deg = a.in_offsets[i + 1] - e0;
      std::fill(acc.begin(), acc.end(), T(0));
      if (deg > 0) {
        T* S = a.alpha + e0 * H;
        for (std::int64_t k = 0; k < deg; ++k) {
          const std::int64_t j = a.sources[e0 + k];
          T* s = S + k * H;
          if (a.dot) {
            for (std::int64_t h = 0; h < H; ++h)
              s[h] = a.scale * dot<T, DC>(a.z + i * a.width + h * D, a.z + j * a.width + HD + h * D, D);
          } else {
            const T* __restrict sd = a.s_dst + i * H;
            const T* __restrict ss = a.s_src + j * H;
            for (std::int64_t h = 0; h < H; ++h) s[h] = leaky_relu(sd[h] + ss[h], a.slope);
          }
        }
        // Softmax down each head's column: shift by the column maximum, one vectorised exp over the
        // contiguous deg x H block, normalise.
        std::fill(max_score.begin(), max_score.end(), -std::numeric_limits<T>::infinity());
        std::fill(sum.begin(), sum.end(), T(0));
        for (std::int64_t k = 0; k < deg; ++k)
          for (std::int64_t h = 0; h < H; ++h) max_score[h] = std::max(max_score[h], S[k * H + h]);
        // Eigen evaluates exp in packets after peeling to an aligned address, and packet and scalar
        // exp differ in the last bit; an aligned scratch buffer makes the result independent of where
        // the row's block happens to lie in memory (and so of the thread partition).
        if (scratch.size() < deg * H) scratch.resize(std::max<Eigen::Index>(deg * H, 2 * scratch.size()));
        for (std::int64_t k = 0; k < deg; ++k)
          for (std::int64_t h = 0; h < H; ++h) scratch[k * H + h] = S[k * H + h] - max_score[h];
        scratch.head(deg * H) = scratch.head(deg * H).exp();
        for (std::int64_t k = 0; k < deg; ++k)
          for (std::int64_t h = 0; h < H; ++h) {
            S[k * H + h] = scratch[k * H + h];
            sum[h] += S[k * H + h];
          }
        for (std::int64_t h = 0; h < H; ++h) sum[h] = T(1) / sum[h];
        for (std::int64_t k = 0; k < deg; ++k)
          for (std::int64_t h = 0; h < H; ++h) S[k * H + h] *= sum[h];
        T* W = a.dropped + e0 * H;
        if (W != S) a.attention_dropout->apply(S, W, deg * H, static_cast<std::uint64_t>(e0 * H));
        for (std::int64_t k = 0; k < deg; ++k) {
          const T* v = a.z + a.sources[e0 + k] * a.width + a.value_offset;
          const T* w = W + k * H;
          for (std::int64_t h = 0; h < H; ++h) axpy<T, DC>(w[h], v + h * D, acc.data() + h * D, D);
        }
      }
      T* yi = a.y + i * a.y_cols;
      if (a.concat) {
        for (std::int64_t k = 0; k < HD; ++k) yi[k] = acc[k] + (a.bias ? a.bias[k] : T(0));
      } else {
        const T inv_heads = T(1) / static_cast<T>(H);
        for (std::int64_t d = 0; d < D; ++d) {
          T mean = 0;
          for (std::int64_t h = 0; h < H; ++h) mean += acc[h * D + d];
          yi[d] = mean * inv_heads + (a.bias ? a.bias[d] : T(0));
        }
      }
    }
  }

  /// dL/d out_ih = head_weight * d_out(i, h)[0..D).
  static const T* d_out(const Args& a, std::int64_t i, std::int64_t h) {
    return a.dy + i * a.dy_cols + (a.concat ? h * (DC > 0 ? DC : a.D) : 0);
  }

  /// Backward pass 1 over destination rows: softmax backward, then the gradients that land on the
  /// destination side (dL/ds_dst, or dL/dq for dot scores). Writes d_edge = dL/d(pre-activation score).
  ///   alpha_k d alpha_k = head_weight * dropped_k * (dOut_i . v_k),   d score_k = that - alpha_k * sum.
  static void backward_destinations(const Args& a, std::int64_t begin, std::int64_t end) {
    const std::int64_t H = a.H, D = DC > 0 ? DC : a.D, HD = a.HD;
    std::vector<T> weighted(static_cast<std::size_t>(H));
    for (std::int64_t i = begin; i < end; ++i) {
      const EdgeId e0 = a.in_offsets[i], deg = a.in_offsets[i + 1] - e0;
      if (deg == 0) continue;
      const T* A = a.alpha + e0 * H;
      const T* W = a.dropped + e0 * H;
      T* G = a.d_edge + e0 * H;
      std::fill(weighted.begin(), weighted.end(), T(0));
      for (std::int64_t k = 0; k < deg; ++k) {
        const T* v = a.z + a.sources[e0 + k] * a.width + a.value_offset;
        for (std::int64_t h = 0; h < H; ++h) {
          const T g = a.head_weight * W[k * H + h] * dot<T, DC>(d_out(a, i, h), v + h * D, D);
          G[k * H + h] = g;
          weighted[h] += g;
        }
      }
      for (std::int64_t k = 0; k < deg; ++k) {
        const std::int64_t j = a.sources[e0 + k];
        for (std::int64_t h = 0; h < H; ++h) {
          const T d_score = G[k * H + h] - A[k * H + h] * weighted[h];
          if (a.dot) {
            G[k * H + h] = d_score * a.scale;
            axpy<T, DC>(d_score * a.scale, a.z + j * a.width + HD + h * D, a.dz + i * a.width + h * D, D);
          } else {
            const T d_pre = d_score * leaky_relu_slope(a.s_dst[i * H + h] + a.s_src[j * H + h], a.slope);
            G[k * H + h] = d_pre;
            a.ds_dst[i * H + h] += d_pre;
          }
        }
      }
    }
  }

  /// Backward pass 2 over source rows (reverse CSR): dL/dv, and dL/ds_src or dL/dk.
  static void backward_sources(const Args& a, std::int64_t begin, std::int64_t end) {
    const std::int64_t H = a.H, D = DC > 0 ? DC : a.D, HD = a.HD;
    for (std::int64_t j = begin; j < end; ++j) {
      T* dv = a.dz + j * a.width + a.value_offset;
      T* dk = a.dz + j * a.width + HD;
      for (EdgeId k = a.out_offsets[j]; k < a.out_offsets[j + 1]; ++k) {
        const EdgeId e = a.out_ids[k];
        const std::int64_t i = a.targets[k];
        const T* w = a.dropped + e * H;
        const T* g = a.d_edge + e * H;
        for (std::int64_t h = 0; h < H; ++h) {
          axpy<T, DC>(a.head_weight * w[h], d_out(a, i, h), dv + h * D, D);
          if (a.dot) axpy<T, DC>(g[h], a.z + i * a.width + h * D, dk + h * D, D);
          else a.ds_src[j * H + h] += g[h];
        }
      }
    }
  }

  /// Additive: dz_ih += ds_src[i,h] a_src[h] + ds_dst[i,h] a_dst[h].
  static void score_halves_backward(const Args& a, const T* a_src, const T* a_dst, std::int64_t begin,
                                    std::int64_t end) {
    const std::int64_t D = DC > 0 ? DC : a.D;
    for (std::int64_t i = begin; i < end; ++i)
      for (std::int64_t h = 0; h < a.H; ++h) {
        T* dzi = a.dz + i * a.width + h * D;
        axpy<T, DC>(a.ds_src[i * a.H + h], a_src + h * D, dzi, D);
        axpy<T, DC>(a.ds_dst[i * a.H + h], a_dst + h * D, dzi, D);
      }
  }
};

/// Calls f(std::integral_constant<int, DC>{}) with DC = D for the common head sizes, else DC = 0.
template <class F>
void dispatch_head_dim(std::int64_t D, F&& f) {
  switch (D) {
    case 4: f(std::integral_constant<int, 4>{}); break;
    case 8: f(std::integral_constant<int, 8>{}); break;
    case 16: f(std::integral_constant<int, 16>{}); break;
    case 32: f(std::integral_constant<int, 32>{}); break;
    case 64: f(std::integral_constant<int, 64>{}); break;
    default: f(std::integral_constant<int, 0>{}); break;
  }
}

}  // namespace gatkit::detail
