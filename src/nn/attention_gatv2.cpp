// GATv2 row kernels; see attention_gatv2.hpp for the maths and what is stored.
#include "attention_gatv2.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gatkit/util/parallel.hpp"

namespace gatkit::detail {
namespace {

constexpr std::int64_t kEdgesPerTask = 4096;
/// Pass 1 of backward runs over fixed blocks of destination rows, so that its parameter-gradient sums
/// are added in the same order for every thread count.
constexpr std::int64_t kRowsPerBlock = 256;

/// Kernels of destination or source rows [begin, end). HC, DC: head count and size when known at compile
/// time (0 otherwise); N: the normaliser. Per-edge work is done on whole H*D rows: with HC and DC known
/// the loops below have a constant trip count and vectorise.
template <class T, int HC, int DC, AttentionNormalizer N>
struct Gatv2Rows {
  using Args = AttentionArgs<T>;
  static constexpr int NC = HC > 0 && DC > 0 ? HC * DC : 0;
  static constexpr bool kSoftmax = N == AttentionNormalizer::softmax;

  /// t = d_i + s_j (+ f_e W_e), the pre-activation of edge e (H*D values).
  static void pre_activation(const Args& a, const T* __restrict d, const T* __restrict s, EdgeId e, T* __restrict t,
                             std::int64_t HD) {
    vmap<NC>(t, HD) = vmap<NC>(d, HD) + vmap<NC>(s, HD);
    if (a.F > 0) {
      const T* f = a.edge_features + e * a.F;
      for (std::int64_t c = 0; c < a.F; ++c) vmap<NC>(t, HD) += f[c] * vmap<NC>(a.edge_weight + c * HD, HD);
    }
  }

  /// u = LeakyReLU(t) and, when `slope_out` is given, LeakyReLU'(t); branch-free (see attention_kernels.hpp).
  static void leaky(const T* __restrict t, T* __restrict u, T* __restrict slope_out, T slope, std::int64_t hd_runtime) {
    const std::int64_t HD = NC > 0 ? NC : hd_runtime;
    // Kept vectorisable (this loop was scalar and a third of the GATv2 step on Cora): no conditional
    // store (two loops), and no std::max(t, T(0)), whose temporary GCC turns into a per-lane array under
    // `omp simd`; the ternaries are std::max's and std::min's definitions, so the values are unchanged.
    const T zero = 0;
    GATKIT_SIMD_LOOP
    for (std::int64_t x = 0; x < HD; ++x) {
      const T v = t[x];
      u[x] = (v < zero ? zero : v) + slope * (zero < v ? zero : v);
    }
    if (!slope_out) return;
    GATKIT_SIMD_LOOP
    for (std::int64_t x = 0; x < HD; ++x)
      slope_out[x] = slope + (T(1) - slope) * (T(0.5) + T(0.5) * std::copysign(T(1), t[x]));
  }

  static const T* d_out(const Args& a, std::int64_t i, std::int64_t h, std::int64_t D) {
    return a.dy + i * a.dy_cols + (a.concat ? h * D : 0);
  }

  static void forward(const Args& a, std::int64_t begin, std::int64_t end) {
    const std::int64_t H = HC > 0 ? HC : a.H, D = DC > 0 ? DC : a.D, HD = H * D;
    std::vector<T> t(static_cast<std::size_t>(HD)), u(static_cast<std::size_t>(HD)), acc(static_cast<std::size_t>(HD));
    std::vector<T> weights;
    HeadBuffer<T, HC> max_buffer(H), sum_buffer(H);
    Eigen::Array<T, Eigen::Dynamic, 1> scratch(256);
    const EdgeId e_end = a.in_offsets[end];
    const std::int64_t row_bytes = HD * static_cast<std::int64_t>(sizeof(T));
    for (std::int64_t i = begin; i < end; ++i) {
      const EdgeId e0 = a.in_offsets[i], deg = a.in_offsets[i + 1] - e0;
      std::fill(acc.begin(), acc.end(), T(0));
      if constexpr (N == AttentionNormalizer::relu)
        if (deg == 0) std::fill(a.norm + i * H, a.norm + (i + 1) * H, T(0));
      if (deg > 0) {
        T* S = a.alpha + e0 * H;
        const T* d = a.z + i * a.width + HD;
        for (std::int64_t k = 0; k < deg; ++k) {
          if (e0 + k + kPrefetchEdges < e_end) prefetch(a.z + a.sources[e0 + k + kPrefetchEdges] * a.width, row_bytes);
          pre_activation(a, d, a.z + a.sources[e0 + k] * a.width, e0 + k, t.data(), HD);
          leaky(t.data(), u.data(), nullptr, a.slope, HD);
          for (std::int64_t h = 0; h < H; ++h) S[k * H + h] = dot<T, DC>(a.att + h * D, u.data() + h * D, D);
        }
        if constexpr (kSoftmax) softmax_row<T, HC>(S, deg, H, max_buffer.data(), sum_buffer.data(), scratch);
        else normalize_row<N, HC>(S, deg, H, max_buffer.data(), sum_buffer.data(), a.norm + i * H);
        const T* W = dropped_weights(*a.attention_dropout, S, deg * H, e0 * H, weights);
        for (std::int64_t k = 0; k < deg; ++k) {
          const T* v = a.z + a.sources[e0 + k] * a.width;  // the values are the source projections
          for (std::int64_t h = 0; h < H; ++h) axpy<T, DC>(W[k * H + h], v + h * D, acc.data() + h * D, D);
        }
      }
      T* yi = a.y + i * a.y_cols;
      if (a.concat) {
        for (std::int64_t x = 0; x < HD; ++x) yi[x] = acc[x] + (a.bias ? a.bias[x] : T(0));
      } else {
        for (std::int64_t x = 0; x < D; ++x) {
          T mean = 0;
          for (std::int64_t h = 0; h < H; ++h) mean += acc[h * D + x];
          yi[x] = mean / static_cast<T>(H) + (a.bias ? a.bias[x] : T(0));
        }
      }
    }
  }

  /// Pass 1 over destination rows. acc ((1 + F) x HD): row 0 += dL/da, rows 1 .. F += dL/dW_e.
  static void backward_destinations(const Args& a, std::int64_t begin, std::int64_t end, T* acc) {
    const std::int64_t H = HC > 0 ? HC : a.H, D = DC > 0 ? DC : a.D, HD = H * D;
    std::vector<T> t(static_cast<std::size_t>(HD)), u(static_cast<std::size_t>(HD)), du(static_cast<std::size_t>(HD)),
        dt(static_cast<std::size_t>(HD)), dd(static_cast<std::size_t>(HD));
    std::vector<T> weights;
    HeadBuffer<T, HC> weighted_buffer(H);
    T* weighted = weighted_buffer.data();
    for (std::int64_t i = begin; i < end; ++i) {
      const EdgeId e0 = a.in_offsets[i], deg = a.in_offsets[i + 1] - e0;
      std::fill(dd.begin(), dd.end(), T(0));
      if (deg > 0) {
        const T* A = a.alpha + e0 * H;
        const T* W = kSoftmax ? dropped_weights(*a.attention_dropout, A, deg * H, e0 * H, weights)
                              : dropout_masks(*a.attention_dropout, deg * H, e0 * H, weights);
        T* G = a.d_edge + e0 * H;
        // G = alpha dL/dalpha (softmax) or dL/dalpha (the others), then dL/de.
        for (std::int64_t h = 0; h < H; ++h) weighted[h] = 0;
        for (std::int64_t k = 0; k < deg; ++k) {
          const T* v = a.z + a.sources[e0 + k] * a.width;
          for (std::int64_t h = 0; h < H; ++h) {
            G[k * H + h] = a.head_weight * W[k * H + h] * dot<T, DC>(d_out(a, i, h, D), v + h * D, D);
            if constexpr (kSoftmax) weighted[h] += G[k * H + h];
          }
        }
        if constexpr (kSoftmax) {
          for (std::int64_t k = 0; k < deg; ++k)
            for (std::int64_t h = 0; h < H; ++h) G[k * H + h] -= A[k * H + h] * weighted[h];
        } else {
          normalize_row_backward<N>(A, G, deg, H, a.norm + i * H);
        }
        const T* d = a.z + i * a.width + HD;
        for (std::int64_t k = 0; k < deg; ++k) {
          pre_activation(a, d, a.z + a.sources[e0 + k] * a.width, e0 + k, t.data(), HD);
          leaky(t.data(), u.data(), du.data(), a.slope, HD);
          for (std::int64_t h = 0; h < H; ++h) {
            const T g = G[k * H + h];
            vmap<DC>(acc + h * D, D) += g * vmap<DC>(u.data() + h * D, D);
            vmap<DC>(dt.data() + h * D, D) = g * vmap<DC>(a.att + h * D, D) * vmap<DC>(du.data() + h * D, D);
          }
          vmap<NC>(dd.data(), HD) += vmap<NC>(dt.data(), HD);
          const T* f = a.F > 0 ? a.edge_features + (e0 + k) * a.F : nullptr;
          for (std::int64_t c = 0; c < a.F; ++c) vmap<NC>(acc + (1 + c) * HD, HD) += f[c] * vmap<NC>(dt.data(), HD);
        }
      }
      std::copy(dd.begin(), dd.end(), a.dz + i * a.width + HD);
    }
  }

  /// Pass 2 over source rows (reverse CSR): dL/ds_j, the value gradient and the score's source part.
  static void backward_sources(const Args& a, std::int64_t begin, std::int64_t end) {
    const std::int64_t H = HC > 0 ? HC : a.H, D = DC > 0 ? DC : a.D, HD = H * D;
    std::vector<T> t(static_cast<std::size_t>(HD)), u(static_cast<std::size_t>(HD)), du(static_cast<std::size_t>(HD)),
        ds(static_cast<std::size_t>(HD));
    HeadBuffer<T, HC> w_buffer(H);
    T* w = w_buffer.data();
    const Dropout& dropout = *a.attention_dropout;
    const EdgeId k_end = a.out_offsets[end];
    const std::int64_t row_bytes = HD * static_cast<std::int64_t>(sizeof(T));
    for (std::int64_t j = begin; j < end; ++j) {
      const T* s = a.z + j * a.width;
      std::fill(ds.begin(), ds.end(), T(0));
      for (EdgeId k = a.out_offsets[j]; k < a.out_offsets[j + 1]; ++k) {
        if (k + kPrefetchEdges < k_end) {
          const std::int64_t ahead = a.targets[k + kPrefetchEdges];
          prefetch(a.z + ahead * a.width + HD, row_bytes);
          prefetch(a.dy + ahead * a.dy_cols, (a.concat ? HD : D) * static_cast<std::int64_t>(sizeof(T)));
        }
        const EdgeId e = a.out_ids[k];
        const std::int64_t i = a.targets[k];
        dropout.apply(a.alpha + e * H, w, H, static_cast<std::uint64_t>(e * H));
        pre_activation(a, a.z + i * a.width + HD, s, e, t.data(), HD);
        leaky(t.data(), u.data(), du.data(), a.slope, HD);
        for (std::int64_t h = 0; h < H; ++h) {
          const T g = a.d_edge[e * H + h];
          vmap<DC>(ds.data() + h * D, D) += (a.head_weight * w[h]) * vmap<DC>(d_out(a, i, h, D), D) +
                                            g * vmap<DC>(a.att + h * D, D) * vmap<DC>(du.data() + h * D, D);
        }
      }
      std::copy(ds.begin(), ds.end(), a.dz + j * a.width);
    }
  }
};

}  // namespace

template <class T>
void gatv2_forward(const AttentionArgs<T>& a, AttentionNormalizer normalizer, std::int64_t n) {
  dispatch_normalizer(normalizer, [&](auto nc) {
    dispatch_shape(a.H, a.D, [&](auto hc, auto dc) {
      using K = Gatv2Rows<T, decltype(hc)::value, decltype(dc)::value, decltype(nc)::value>;
      parallel_rows_by_edges(a.in_offsets, n, kEdgesPerTask, [&](std::int64_t b, std::int64_t e) { K::forward(a, b, e); });
    });
  });
}

template <class T>
RowMatrix<T> gatv2_backward(const AttentionArgs<T>& a, AttentionNormalizer normalizer, std::int64_t n) {
  const RowMatrix<T> zero = RowMatrix<T>::Zero(1 + a.F, a.HD);
  RowMatrix<T> grads = zero;
  dispatch_normalizer(normalizer, [&](auto nc) {
    dispatch_shape(a.H, a.D, [&](auto hc, auto dc) {
      using K = Gatv2Rows<T, decltype(hc)::value, decltype(dc)::value, decltype(nc)::value>;
      grads = deterministic_sum(n, kRowsPerBlock, zero, [&](std::int64_t b, std::int64_t e, RowMatrix<T>& acc) {
        K::backward_destinations(a, b, e, acc.data());
      });
    });
  });
  dispatch_shape(a.H, a.D, [&](auto hc, auto dc) {  // pass 2 is the same for every normaliser
    using K = Gatv2Rows<T, decltype(hc)::value, decltype(dc)::value, AttentionNormalizer::softmax>;
    parallel_rows_by_edges(a.out_offsets, n, kEdgesPerTask, [&](std::int64_t b, std::int64_t e) { K::backward_sources(a, b, e); });
  });
  return grads;
}

template void gatv2_forward<float>(const AttentionArgs<float>&, AttentionNormalizer, std::int64_t);
template void gatv2_forward<double>(const AttentionArgs<double>&, AttentionNormalizer, std::int64_t);
template RowMatrix<float> gatv2_backward<float>(const AttentionArgs<float>&, AttentionNormalizer, std::int64_t);
template RowMatrix<double> gatv2_backward<double>(const AttentionArgs<double>&, AttentionNormalizer, std::int64_t);

}  // namespace gatkit::detail
