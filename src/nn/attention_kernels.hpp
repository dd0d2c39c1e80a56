#pragma once
// Row kernels of the graph attention layer (private to src/nn). Each works on a range of rows and is
// specialised on the head dimension DC (0 = known only at run time) so that the per-edge dot products
// and AXPYs over D features compile to a few vector instructions.
//
// Layout: z is n x width, row-major; additive: width = H*D (z = values = keys = queries); dot:
// width = 3*H*D (q | k | v). Edge arrays (alpha, d_edge) are E x H, edge-major, so the block of
// destination row i is the contiguous deg(i) x H matrix starting at in_offsets[i] * H.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "attention_normalizers.hpp"
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
  const T* s_edge = nullptr;  // with edge features, E x H, else null: additive a_edge . W_e f_e,
                              // dot q_i . W_e f_e / sqrt(D) (added to the scaled q . k)
  const T* bias = nullptr;   // output_dim or null
  const Dropout* attention_dropout = nullptr;
  T* alpha = nullptr;        // E x H
  T* norm = nullptr;         // relu normalisation: 1 / (row sum + eps), n x H
  // gatv2
  const T* att = nullptr;            // H x D
  const T* edge_features = nullptr;  // E x F, in-edge order
  const T* edge_weight = nullptr;    // F x H*D
  std::int64_t F = 0;
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

/// Per-head vectors: fixed-size Eigen arrays when the length is a compile-time constant (explicit SIMD,
/// one code path whatever the address), dynamic ones otherwise.
template <class T, int N>
using Vec = Eigen::Array<std::remove_const_t<T>, (N > 0 ? N : Eigen::Dynamic), 1>;
template <class T, int N>
using VecMap = Eigen::Map<std::conditional_t<std::is_const_v<T>, const Vec<T, N>, Vec<T, N>>>;
template <int N, class T>
inline VecMap<T, N> vmap(T* p, std::int64_t n) {
  return VecMap<T, N>(p, N > 0 ? N : n);
}

template <class T, int DC>
inline T dot(const T* a, const T* b, std::int64_t d_runtime) {
  if constexpr (DC > 0) {
    return (vmap<DC>(a, DC) * vmap<DC>(b, DC)).sum();
  } else {
    T s = 0;  // sequential: the same order for every row and thread count
    for (std::int64_t k = 0; k < d_runtime; ++k) s += a[k] * b[k];
    return s;
  }
}

template <class T, int DC>
inline void axpy(T alpha, const T* __restrict x, T* __restrict y, std::int64_t d_runtime) {
  if constexpr (DC > 0) {
    vmap<DC>(y, DC) += alpha * vmap<DC>(x, DC);
  } else {
    for (std::int64_t k = 0; k < d_runtime; ++k) y[k] += alpha * x[k];
  }
}

/// Edge loops gather rows of random nodes (z, s_src, dy): on graphs larger than the cache every gather
/// is a DRAM miss, and the loops would wait for one miss after another. Each loop therefore requests
/// the rows of the edge kPrefetchEdges ahead (crossing into the next destination row) so that several
/// misses are in flight at once.
#ifndef GATKIT_PREFETCH_EDGES
#define GATKIT_PREFETCH_EDGES 8
#endif
inline constexpr std::int64_t kPrefetchEdges = GATKIT_PREFETCH_EDGES;
/// The score loops touch one short row per edge and run through a row's edges in a few nanoseconds:
/// they prefetch further ahead to cover the memory latency.
inline constexpr std::int64_t kPrefetchScores = 4 * kPrefetchEdges;

inline void prefetch(const void* p, std::int64_t bytes) {
  const char* c = static_cast<const char*>(p);
  for (std::int64_t b = 0; b < bytes; b += 64) {
    __builtin_prefetch(c + b, 0, 3);
    // GCC deletes a loop whose only statements are prefetches (they have no side effects for it); the
    // empty asm statement keeps the loop, at no cost.
    asm volatile("" : : "r"(c + b));
  }
}

/// A per-head scratch array: on the stack when the head count is a compile-time constant.
template <class T, int HC>
struct HeadBuffer {
  T data_[HC];
  explicit HeadBuffer(std::int64_t) {}
  T* data() { return data_; }
};
template <class T>
struct HeadBuffer<T, 0> {
  std::vector<T> data_;
  explicit HeadBuffer(std::int64_t h) : data_(static_cast<std::size_t>(h)) {}
  T* data() { return data_.data(); }
};

// The two LeakyReLU loops below are written without comparisons (max/min and copysign) and with the
// heads as the innermost, SIMD-hinted loop over __restrict pointers, so that GCC vectorises them across
// heads: the sign of a score is a coin flip, a branch on it is mispredicted half the time, and Eigen
// 3.4's select() and sign() are not vectorised. At pre == 0 exactly, step is 1 for +0 and 0 for -0: a
// set of measure zero, where the derivative is undefined anyway.

/// For the deg edges of one destination row and all heads: softmax backward
/// d_score = g - alpha * weighted[h], then through the LeakyReLU of
/// pre = s_dst[h] + s_src[source, h] (+ s_edge[k, h] when edge features are used: s_edge may be null).
/// g (deg x H) is overwritten with dL/dpre, whose column sums are written to ds (H).
/// sources[0, valid_sources) may be read (prefetching ahead).
template <class T, int HC, bool WithEdge>
inline void leaky_softmax_backward_row(const T* __restrict s_dst, const T* __restrict s_src,
                                       const NodeId* __restrict sources, const T* __restrict s_edge,
                                       const T* __restrict alpha, const T* __restrict weighted, T* __restrict g,
                                       T* __restrict ds, T slope, std::int64_t deg, std::int64_t h_runtime,
                                       std::int64_t valid_sources) {
  const std::int64_t H = HC > 0 ? HC : h_runtime;
  for (std::int64_t h = 0; h < H; ++h) ds[h] = 0;
  for (std::int64_t k = 0; k < deg; ++k) {
    if (k + kPrefetchScores < valid_sources) prefetch(s_src + static_cast<std::int64_t>(sources[k + kPrefetchScores]) * H, H * sizeof(T));
    const T* __restrict ss = s_src + static_cast<std::int64_t>(sources[k]) * H;
    const T* __restrict ak = alpha + k * H;
    const T* __restrict ek = WithEdge ? s_edge + k * H : nullptr;
    T* __restrict gk = g + k * H;
    GATKIT_SIMD_LOOP
    for (std::int64_t h = 0; h < H; ++h) {
      const T d_score = gk[h] - ak[h] * weighted[h];
      T pre = s_dst[h] + ss[h];
      if constexpr (WithEdge) pre += ek[h];
      // LeakyReLU'(pre) = slope + (1 - slope) * step(pre), step from the sign bit (bit operations).
      const T step = T(0.5) + T(0.5) * std::copysign(T(1), pre);
      const T d_pre = d_score * (slope + (T(1) - slope) * step);
      gk[h] = d_pre;
      ds[h] += d_pre;
    }
  }
}

/// s (deg x H) = LeakyReLU(s_dst[h] + s_src[source, h] (+ s_edge[k, h])) for the deg edges of one
/// destination row. sources[0, valid_sources) may be read (prefetching ahead).
template <class T, int HC, bool WithEdge>
inline void leaky_scores_row(const T* __restrict s_dst, const T* __restrict s_src, const NodeId* __restrict sources,
                             const T* __restrict s_edge, T* __restrict s, T slope, std::int64_t deg,
                             std::int64_t h_runtime, std::int64_t valid_sources) {
  const std::int64_t H = HC > 0 ? HC : h_runtime;
  for (std::int64_t k = 0; k < deg; ++k) {
    if (k + kPrefetchScores < valid_sources) prefetch(s_src + static_cast<std::int64_t>(sources[k + kPrefetchScores]) * H, H * sizeof(T));
    const T* __restrict ss = s_src + static_cast<std::int64_t>(sources[k]) * H;
    const T* __restrict ek = WithEdge ? s_edge + k * H : nullptr;
    T* __restrict sk = s + k * H;
    GATKIT_SIMD_LOOP
    for (std::int64_t h = 0; h < H; ++h) {
      T pre = s_dst[h] + ss[h];
      if constexpr (WithEdge) pre += ek[h];
      sk[h] = std::max(pre, T(0)) + slope * std::min(pre, T(0));
    }
  }
}

/// The attention weights after dropout of n consecutive edge-head entries starting at `first`:
/// `alpha` itself when dropout is off, else alpha times the mask drawn from (seed, first + k), written
/// to `buffer`.
template <class T>
inline const T* dropped_weights(const Dropout& dropout, const T* alpha, std::int64_t n, std::int64_t first,
                                std::vector<T>& buffer) {
  if (!dropout.active) return alpha;
  if (static_cast<std::int64_t>(buffer.size()) < n) buffer.resize(static_cast<std::size_t>(n));
  dropout.apply(alpha, buffer.data(), n, static_cast<std::uint64_t>(first));
  return buffer.data();
}

/// The dropout mask values of n consecutive edge-head entries starting at `first` (all ones when dropout
/// is off), written to `buffer`.
template <class T>
inline const T* dropout_masks(const Dropout& dropout, std::int64_t n, std::int64_t first, std::vector<T>& buffer) {
  if (static_cast<std::int64_t>(buffer.size()) < n) buffer.resize(static_cast<std::size_t>(n));
  std::fill(buffer.begin(), buffer.begin() + n, T(1));
  dropout.apply(buffer.data(), buffer.data(), n, static_cast<std::uint64_t>(first));
  return buffer.data();
}

/// N: the normaliser. The softmax path is the one the kernels were tuned for (softmax_row, and its
/// backward fused below); the others call normalize_row and normalize_row_backward
/// (attention_normalizers.hpp). Pass 2 of backward does not depend on N.
template <class T, int HC, int DC, AttentionNormalizer N = AttentionNormalizer::softmax>
struct RowKernels {
  static constexpr bool kSoftmax = N == AttentionNormalizer::softmax;
  using Args = AttentionArgs<T>;

  /// Additive score halves: s_src[i,h] = a_src[h] . z_ih and s_dst[i,h] = a_dst[h] . z_ih.
  static void score_halves(const Args& a, const T* a_src, const T* a_dst, T* s_src, T* s_dst,
                           std::int64_t begin, std::int64_t end) {
    const std::int64_t H = HC > 0 ? HC : a.H, D = DC > 0 ? DC : a.D;
    for (std::int64_t i = begin; i < end; ++i)
      for (std::int64_t h = 0; h < H; ++h) {
        const T* zi = a.z + i * a.width + h * D;
        s_src[i * H + h] = dot<T, DC>(a_src + h * D, zi, D);
        s_dst[i * H + h] = dot<T, DC>(a_dst + h * D, zi, D);
      }
  }

  /// Fused forward of destination rows [begin, end). Per row: (1) scores and their maximum per head,
  /// (2) one pass over the edges computing p = exp(score - max), the dropout mask and the weighted sum
  /// of values, (3) normalisation by the sum of p. Only the E x H weights are written to memory.
  static void forward(const Args& a, std::int64_t begin, std::int64_t end) {
    const std::int64_t H = HC > 0 ? HC : a.H, D = DC > 0 ? DC : a.D, HD = H * D;
    std::vector<T> acc_buffer(static_cast<std::size_t>(HD));
    T* __restrict acc = acc_buffer.data();
    HeadBuffer<T, HC> max_buffer(H), sum_buffer(H), weight_buffer(H);
    T* __restrict max_score = max_buffer.data();
    T* __restrict sum = sum_buffer.data();
    T* __restrict weight = weight_buffer.data();
    Eigen::Array<T, Eigen::Dynamic, 1> scratch(256);  // 64-byte aligned (EIGEN_MAX_ALIGN_BYTES)
    std::vector<T> weights;
    const Dropout& dropout = *a.attention_dropout;
    const EdgeId e_end = a.in_offsets[end];
    const std::int64_t row_bytes = HD * static_cast<std::int64_t>(sizeof(T));
    for (std::int64_t i = begin; i < end; ++i) {
      const EdgeId e0 = a.in_offsets[i], deg = a.in_offsets[i + 1] - e0;
      // Prefetch the value row (dot: the key row) of the edge kPrefetchEdges ahead, possibly in a later row.
      auto fetch_ahead = [&](std::int64_t k, std::int64_t offset) {
        if (e0 + k + kPrefetchEdges < e_end) prefetch(a.z + a.sources[e0 + k + kPrefetchEdges] * a.width + offset, row_bytes);
      };
      std::fill(acc, acc + HD, T(0));
      if constexpr (N == AttentionNormalizer::relu)
        if (deg == 0) std::fill(a.norm + i * H, a.norm + (i + 1) * H, T(0));
      if (deg > 0) {
        T* __restrict S = a.alpha + e0 * H;
        if (a.dot) {
          for (std::int64_t k = 0; k < deg; ++k) {
            const std::int64_t j = a.sources[e0 + k];
            fetch_ahead(k, HD);
            for (std::int64_t h = 0; h < H; ++h)
              S[k * H + h] = a.scale * dot<T, DC>(a.z + i * a.width + h * D, a.z + j * a.width + HD + h * D, D);
          }
          if (a.s_edge) {  // edge features: one loop over the row's deg x H block, none without them
            const T* __restrict se = a.s_edge + e0 * H;
            for (std::int64_t k = 0; k < deg * H; ++k) S[k] += se[k];
          }
        } else {
          if (a.s_edge)
            leaky_scores_row<T, HC, true>(a.s_dst + i * H, a.s_src, a.sources + e0, a.s_edge + e0 * H, S, a.slope, deg, H,
                                          e_end - e0);
          else
            leaky_scores_row<T, HC, false>(a.s_dst + i * H, a.s_src, a.sources + e0, nullptr, S, a.slope, deg, H, e_end - e0);
        }
        if constexpr (kSoftmax) softmax_row<T, HC>(S, deg, H, max_score, sum, scratch);
        else normalize_row<N, HC>(S, deg, H, max_score, sum, a.norm + i * H);
        // The weights after dropout are not stored: backward draws the same mask again from
        // (seed, edge * H + head), which costs less than writing and reading E x H more scalars.
        const T* W = dropped_weights(dropout, S, deg * H, e0 * H, weights);
        if constexpr (HC > 0 && DC > 0) {
          // The row's output stays in registers while the edges stream past.
          Eigen::Array<T, HC * DC, 1> out = Eigen::Array<T, HC * DC, 1>::Zero();
          for (std::int64_t k = 0; k < deg; ++k) {
            const T* v = a.z + a.sources[e0 + k] * a.width + a.value_offset;
            fetch_ahead(k, a.value_offset);
            for (int h = 0; h < HC; ++h)
              out.template segment<DC>(h * DC) += W[k * H + h] * vmap<DC>(v + h * DC, DC);
          }
          vmap<HC * DC>(acc, HD) = out;
        } else {
          for (std::int64_t k = 0; k < deg; ++k) {
            fetch_ahead(k, a.value_offset);
            for (std::int64_t h = 0; h < H; ++h) weight[h] = W[k * H + h];
            const T* __restrict v = a.z + a.sources[e0 + k] * a.width + a.value_offset;
            for (std::int64_t h = 0; h < H; ++h) axpy<T, DC>(weight[h], v + h * D, acc + h * D, D);
          }
        }
      }
      T* __restrict yi = a.y + i * a.y_cols;
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
    const std::int64_t H = HC > 0 ? HC : a.H, D = DC > 0 ? DC : a.D, HD = H * D;
    HeadBuffer<T, HC> weighted_buffer(H);
    T* __restrict weighted = weighted_buffer.data();
    std::vector<T> weights;
    const EdgeId e_end = a.in_offsets[end];
    const std::int64_t row_bytes = HD * static_cast<std::int64_t>(sizeof(T));
    for (std::int64_t i = begin; i < end; ++i) {
      const EdgeId e0 = a.in_offsets[i], deg = a.in_offsets[i + 1] - e0;
      auto fetch_ahead = [&](std::int64_t k, std::int64_t offset) {
        if (e0 + k + kPrefetchEdges < e_end) prefetch(a.z + a.sources[e0 + k + kPrefetchEdges] * a.width + offset, row_bytes);
      };
      if (deg == 0) {
        if (a.dot) std::fill(a.dz + i * a.width, a.dz + i * a.width + HD, T(0));  // dL/dq_i
        else vmap<HC>(a.ds_dst + i * H, H).setZero();
        continue;
      }
      const T* __restrict A = a.alpha + e0 * H;
      // Softmax works with alpha * dL/dalpha (the dropped weights W times the gradient of the output), the
      // other normalisers with dL/dalpha itself (the dropout mask times that gradient).
      const T* __restrict W = kSoftmax ? dropped_weights(*a.attention_dropout, A, deg * H, e0 * H, weights)
                                       : dropout_masks(*a.attention_dropout, deg * H, e0 * H, weights);
      T* __restrict G = a.d_edge + e0 * H;
      for (std::int64_t h = 0; h < H; ++h) weighted[h] = 0;
      for (std::int64_t k = 0; k < deg; ++k) {
        const T* v = a.z + a.sources[e0 + k] * a.width + a.value_offset;
        fetch_ahead(k, a.value_offset);
        for (std::int64_t h = 0; h < H; ++h) G[k * H + h] = dot<T, DC>(d_out(a, i, h), v + h * D, D);
        for (std::int64_t h = 0; h < H; ++h) {
          G[k * H + h] *= a.head_weight * W[k * H + h];
          if constexpr (kSoftmax) weighted[h] += G[k * H + h];
        }
      }
      // Others: G becomes dL/dscore here, and the softmax term below vanishes (weighted = 0).
      if constexpr (!kSoftmax) normalize_row_backward<N>(A, G, deg, H, a.norm + i * H);
      if (a.dot) {
        T* dq = a.dz + i * a.width;
        for (std::int64_t k = 0; k < deg; ++k)
          for (std::int64_t h = 0; h < H; ++h) G[k * H + h] = (G[k * H + h] - A[k * H + h] * weighted[h]) * a.scale;
        if constexpr (HC > 0 && DC > 0) {
          Eigen::Array<T, HC * DC, 1> grad = Eigen::Array<T, HC * DC, 1>::Zero();  // dL/dq_i in registers
          for (std::int64_t k = 0; k < deg; ++k) {
            const T* key = a.z + a.sources[e0 + k] * a.width + HD;
            fetch_ahead(k, HD);
            for (int h = 0; h < HC; ++h) grad.template segment<DC>(h * DC) += G[k * H + h] * vmap<DC>(key + h * DC, DC);
          }
          vmap<HC * DC>(dq, HD) = grad;
        } else {
          std::fill(dq, dq + HD, T(0));
          for (std::int64_t k = 0; k < deg; ++k) {
            const T* key = a.z + a.sources[e0 + k] * a.width + HD;
            fetch_ahead(k, HD);
            for (std::int64_t h = 0; h < H; ++h) axpy<T, DC>(G[k * H + h], key + h * D, dq + h * D, D);
          }
        }
      } else {
        if (a.s_edge)
          leaky_softmax_backward_row<T, HC, true>(a.s_dst + i * H, a.s_src, a.sources + e0, a.s_edge + e0 * H, A, weighted,
                                                  G, a.ds_dst + i * H, a.slope, deg, H, e_end - e0);
        else
          leaky_softmax_backward_row<T, HC, false>(a.s_dst + i * H, a.s_src, a.sources + e0, nullptr, A, weighted, G,
                                                   a.ds_dst + i * H, a.slope, deg, H, e_end - e0);
      }
    }
  }

  /// Backward pass 2 over source rows (reverse CSR): dL/dv, and dL/ds_src or dL/dk. Pass 1 writes the
  /// dq columns of dz and pass 2 the dk and dv columns, every row: dz needs no clearing beforehand.
  static void backward_sources(const Args& a, std::int64_t begin, std::int64_t end) {
    const std::int64_t H = HC > 0 ? HC : a.H, D = DC > 0 ? DC : a.D, HD = H * D;
    HeadBuffer<T, HC> ds_buffer(H), w_buffer(H);
    T* __restrict ds = ds_buffer.data();
    T* __restrict w = w_buffer.data();  // the weights of one edge after dropout, times head_weight
    const Dropout& dropout = *a.attention_dropout;
    const EdgeId k_end = a.out_offsets[end];
    const std::int64_t dy_bytes = (a.concat ? HD : D) * static_cast<std::int64_t>(sizeof(T));
    const std::int64_t query_bytes = HD * static_cast<std::int64_t>(sizeof(T));
    const std::int64_t edge_bytes = H * static_cast<std::int64_t>(sizeof(T));
    // Per out-edge k the loop gathers the output gradient (and for dot the query) of its destination and
    // the edge's weights and score gradient, stored in in-edge order: request those kPrefetchEdges ahead.
    auto fetch_ahead = [&](EdgeId k) {
      if (k + kPrefetchEdges >= k_end) return;
      const EdgeId e = a.out_ids[k + kPrefetchEdges];
      const std::int64_t i = a.targets[k + kPrefetchEdges];
      prefetch(a.dy + i * a.dy_cols, dy_bytes);
      prefetch(a.alpha + e * H, edge_bytes);
      prefetch(a.d_edge + e * H, edge_bytes);
      if (a.dot) prefetch(a.z + i * a.width, query_bytes);
    };
    for (std::int64_t j = begin; j < end; ++j) {
      T* __restrict dv = a.dz + j * a.width + a.value_offset;
      T* __restrict dk = a.dz + j * a.width + HD;
      for (std::int64_t h = 0; h < H; ++h) ds[h] = 0;
      if constexpr (HC > 0 && DC > 0) {
        if (a.concat) {  // the common case, with the gradients of node j kept in registers
          Eigen::Array<T, HC * DC, 1> grad_v = Eigen::Array<T, HC * DC, 1>::Zero();
          Eigen::Array<T, HC * DC, 1> grad_k = Eigen::Array<T, HC * DC, 1>::Zero();  // dot only
          Eigen::Array<T, HC, 1> grad_src = Eigen::Array<T, HC, 1>::Zero();       // additive only
          for (EdgeId k = a.out_offsets[j]; k < a.out_offsets[j + 1]; ++k) {
            fetch_ahead(k);
            const EdgeId e = a.out_ids[k];
            const std::int64_t i = a.targets[k];
            const T* out_grad = a.dy + i * a.dy_cols;
            dropout.apply(a.alpha + e * H, w, H, static_cast<std::uint64_t>(e * H));
            for (int h = 0; h < HC; ++h)
              grad_v.template segment<DC>(h * DC) += (a.head_weight * w[h]) * vmap<DC>(out_grad + h * DC, DC);
            if (a.dot) {
              const T* query = a.z + i * a.width;
              for (int h = 0; h < HC; ++h)
                grad_k.template segment<DC>(h * DC) += a.d_edge[e * H + h] * vmap<DC>(query + h * DC, DC);
            } else {
              grad_src += vmap<HC>(a.d_edge + e * H, HC);
            }
          }
          vmap<HC * DC>(dv, HD) = grad_v;
          if (a.dot) vmap<HC * DC>(dk, HD) = grad_k;
          else vmap<HC>(a.ds_src + j * H, HC) = grad_src;
          continue;
        }
      }
      std::fill(dv, dv + HD, T(0));
      if (a.dot) std::fill(dk, dk + HD, T(0));
      for (EdgeId k = a.out_offsets[j]; k < a.out_offsets[j + 1]; ++k) {
        fetch_ahead(k);
        const EdgeId e = a.out_ids[k];
        const std::int64_t i = a.targets[k];
        dropout.apply(a.alpha + e * H, w, H, static_cast<std::uint64_t>(e * H));
        const T* __restrict g = a.d_edge + e * H;
        for (std::int64_t h = 0; h < H; ++h) axpy<T, DC>(a.head_weight * w[h], d_out(a, i, h), dv + h * D, D);
        if (a.dot) {
          for (std::int64_t h = 0; h < H; ++h) axpy<T, DC>(g[h], a.z + i * a.width + h * D, dk + h * D, D);
        } else {
          for (std::int64_t h = 0; h < H; ++h) ds[h] += g[h];
        }
      }
      if (!a.dot)
        for (std::int64_t h = 0; h < H; ++h) a.ds_src[j * H + h] = ds[h];
    }
  }

  /// Additive: acc (2H x D) += sum_i [ds_src[i,h] z_ih ; ds_dst[i,h] z_ih], the gradients of a_src, a_dst.
  static void attention_vector_grads(const Args& a, T* acc, std::int64_t begin, std::int64_t end) {
    const std::int64_t H = HC > 0 ? HC : a.H, D = DC > 0 ? DC : a.D;
    for (std::int64_t i = begin; i < end; ++i)
      for (std::int64_t h = 0; h < H; ++h) {
        const T* zi = a.z + i * a.width + h * D;
        axpy<T, DC>(a.ds_src[i * H + h], zi, acc + h * D, D);
        axpy<T, DC>(a.ds_dst[i * H + h], zi, acc + (H + h) * D, D);
      }
  }

  /// Additive: dz_ih += ds_src[i,h] a_src[h] + ds_dst[i,h] a_dst[h].
  static void score_halves_backward(const Args& a, const T* a_src, const T* a_dst, std::int64_t begin,
                                    std::int64_t end) {
    const std::int64_t H = HC > 0 ? HC : a.H, D = DC > 0 ? DC : a.D;
    for (std::int64_t i = begin; i < end; ++i)
      for (std::int64_t h = 0; h < H; ++h) {
        T* dzi = a.dz + i * a.width + h * D;
        axpy<T, DC>(a.ds_src[i * H + h], a_src + h * D, dzi, D);
        axpy<T, DC>(a.ds_dst[i * H + h], a_dst + h * D, dzi, D);
      }
  }
};

/// Calls f(HC, DC) as std::integral_constant template arguments with the compile-time head count HC
/// and head size DC for the common shapes, 0 standing for "known only at run time".
template <class F>
void dispatch_shape(std::int64_t H, std::int64_t D, F&& f) {
  auto with_dim = [&](auto hc) {
    switch (D) {
      case 8: f(hc, std::integral_constant<int, 8>{}); break;
      case 16: f(hc, std::integral_constant<int, 16>{}); break;
      case 32: f(hc, std::integral_constant<int, 32>{}); break;
      case 64: f(hc, std::integral_constant<int, 64>{}); break;
      default: f(hc, std::integral_constant<int, 0>{}); break;
    }
  };
  switch (H) {
    case 1: with_dim(std::integral_constant<int, 1>{}); break;
    case 4: with_dim(std::integral_constant<int, 4>{}); break;
    case 8: with_dim(std::integral_constant<int, 8>{}); break;
    default: f(std::integral_constant<int, 0>{}, std::integral_constant<int, 0>{}); break;
  }
}

/// Calls f(NC) with the normaliser as a std::integral_constant template argument.
template <class F>
void dispatch_normalizer(AttentionNormalizer normalizer, F&& f) {
  switch (normalizer) {
    case AttentionNormalizer::softmax: f(std::integral_constant<AttentionNormalizer, AttentionNormalizer::softmax>{}); break;
    case AttentionNormalizer::sparsemax: f(std::integral_constant<AttentionNormalizer, AttentionNormalizer::sparsemax>{}); break;
    case AttentionNormalizer::relu: f(std::integral_constant<AttentionNormalizer, AttentionNormalizer::relu>{}); break;
  }
}

}  // namespace gatkit::detail
