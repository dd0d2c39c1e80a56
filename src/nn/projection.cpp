#include "gatkit/nn/projection.hpp"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {
namespace {

constexpr std::int64_t kGemmRowBlock = 256;

// Row block for reductions over nodes: fixed by n alone (never by the thread count), at most ~32
// partial products so that the partial buffers stay small on large graphs.
std::int64_t reduction_block(std::int64_t n) { return std::max<std::int64_t>(2048, (n + 31) / 32); }

// out[0..width) (+)= sum_k coef(k) * M[row(k) * m + c0 .. + width): the gather-accumulate of a sparse row
// times a dense matrix, over one chunk of columns. With a compile-time width CW the sum lives in two
// register accumulators (even and odd k, added at the end: a fixed order, and no FMA dependency chain
// through memory); CW == 0 handles a short tail.
template <int CW, class T, class Coef, class Row>
inline void gather_accumulate(T* out, const T* M, std::int64_t m, std::int64_t c0, std::int64_t width,
                              std::int64_t count, Coef&& coef, Row&& row, bool accumulate) {
  if constexpr (CW > 0) {
    using Acc = Eigen::Array<T, 1, CW>;
    auto source = [&](std::int64_t k) { return Eigen::Map<const Acc>(M + static_cast<std::int64_t>(row(k)) * m + c0); };
    Acc even = Acc::Zero(), odd = Acc::Zero();
    std::int64_t k = 0;
    for (; k + 1 < count; k += 2) {
      even += coef(k) * source(k);
      odd += coef(k + 1) * source(k + 1);
    }
    if (k < count) even += coef(k) * source(k);
    Eigen::Map<Acc> target(out);
    if (accumulate) target += even + odd; else target = even + odd;
  } else {
    if (!accumulate) std::fill(out, out + width, T(0));
    for (std::int64_t k = 0; k < count; ++k) {
      const T c = coef(k);
      const T* src = M + static_cast<std::int64_t>(row(k)) * m + c0;
      for (std::int64_t j = 0; j < width; ++j) out[j] += c * src[j];
    }
  }
}

// Runs gather_accumulate over the columns of an m-wide row in chunks of 64, then 16, then the rest.
template <class T, class Coef, class Row>
inline void gather_accumulate_row(T* out, const T* M, std::int64_t m, std::int64_t count, Coef&& coef, Row&& row,
                                  bool accumulate) {
  std::int64_t c0 = 0;
  for (; c0 + 64 <= m; c0 += 64) gather_accumulate<64>(out + c0, M, m, c0, 64, count, coef, row, accumulate);
  for (; c0 + 16 <= m; c0 += 16) gather_accumulate<16>(out + c0, M, m, c0, 16, count, coef, row, accumulate);
  if (c0 < m) gather_accumulate<0>(out + c0, M, m, c0, m - c0, count, coef, row, accumulate);
}

}  // namespace

template <class T>
void project_forward(const FeatureMatrix<T>& x, const Dropout& dropout,
                     const Eigen::Ref<const RowMatrix<T>>& w, RowMatrix<T>& z, ProjectionCache<T>& cache) {
  GATKIT_REQUIRE(x.cols() == w.rows(), "projection: input has " + std::to_string(x.cols()) +
                                           " features, the layer expects " + std::to_string(w.rows()));
  const std::int64_t n = x.rows(), m = w.cols();
  z.resize(n, m);
  if (!x.is_sparse() || !dropout.active) cache.masked_values.clear();
  if (x.is_sparse()) {
    const auto& s = x.sparse();
    const auto* outer = s.outerIndexPtr();
    const auto* inner = s.innerIndexPtr();
    const T* values = s.valuePtr();
    // With dropout, the masked values are kept for the backward pass (nnz scalars).
    if (dropout.active) cache.masked_values.resize(static_cast<std::size_t>(x.sparse().nonZeros()));
    T* masked = dropout.active ? cache.masked_values.data() : nullptr;
    parallel_rows(n, 64, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) {
        const std::int64_t k0 = outer[i], count = outer[i + 1] - k0;
        const T* scaled = values + k0;
        if (masked) {
          dropout.apply(values + k0, masked + k0, count, static_cast<std::uint64_t>(k0));
          scaled = masked + k0;
        }
        // Dropped entries are multiplied through as zeros: cheaper than a mispredicted branch.
        gather_accumulate_row(z.data() + i * m, w.data(), m, count, [&](std::int64_t k) { return scaled[k]; },
                              [&](std::int64_t k) { return inner[k0 + k]; }, /*accumulate=*/false);
      }
    });
    return;
  }
  // Dense input: the dropout mask is drawn again from (seed, element) wherever it is needed rather
  // than kept, so the n x f masked copy never exists; each GEMM block masks its rows into a small
  // buffer first.
  const RowMatrix<T>& input = x.dense();
  const std::int64_t f = x.cols();
  parallel_blocks(n, kGemmRowBlock, [&](std::int64_t begin, std::int64_t end) {
    if (!dropout.active) {
      z.middleRows(begin, end - begin).noalias() = input.middleRows(begin, end - begin) * w;
      return;
    }
    RowMatrix<T> masked(end - begin, f);
    dropout.apply(input.data() + begin * f, masked.data(), (end - begin) * f, static_cast<std::uint64_t>(begin * f));
    z.middleRows(begin, end - begin).noalias() = masked * w;
  });
}

template <class T>
void project_backward(const FeatureMatrix<T>& x, const Dropout& dropout, const ProjectionCache<T>& cache,
                      const Eigen::Ref<const RowMatrix<T>>& w, const RowMatrix<T>& dz,
                      Eigen::Ref<RowMatrix<T>> dw, RowMatrix<T>* dx) {
  const std::int64_t n = x.rows(), f = x.cols(), m = w.cols();
  if (x.is_sparse()) {
    GATKIT_REQUIRE(dx == nullptr, "projection: no input gradient for sparse features");
    const auto& s = x.sparse();
    const SparseTransposeIndex& t = *x.transpose_index();
    const T* values = dropout.active ? cache.masked_values.data() : s.valuePtr();
    // Pull over features: dw row c gathers the dz rows of the nodes that have feature c, in node order.
    const auto used = static_cast<std::int64_t>(t.columns.size());
    parallel_rows(used, 16, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t u = begin; u < end; ++u) {
        const std::int64_t c = t.columns[static_cast<std::size_t>(u)];
        const std::int64_t k0 = t.offsets[static_cast<std::size_t>(u)], count = t.offsets[static_cast<std::size_t>(u) + 1] - k0;
        gather_accumulate_row(dw.data() + c * m, dz.data(), m, count,
                              [&](std::int64_t k) { return values[t.nz[static_cast<std::size_t>(k0 + k)]]; },
                              [&](std::int64_t k) { return t.rows[static_cast<std::size_t>(k0 + k)]; },
                              /*accumulate=*/true);
      }
    });
    return;
  }
  const RowMatrix<T>& input = x.dense();
  const RowMatrix<T> zero = RowMatrix<T>::Zero(f, m);
  dw += deterministic_sum(n, reduction_block(n), zero,
                          [&](std::int64_t begin, std::int64_t end, RowMatrix<T>& acc) {
                            if (!dropout.active) {
                              acc.noalias() += input.middleRows(begin, end - begin).transpose() *
                                               dz.middleRows(begin, end - begin);
                              return;
                            }
                            // The masked input, redrawn in fixed sub-blocks of rows.
                            RowMatrix<T> masked;
                            for (std::int64_t b = begin; b < end; b += kGemmRowBlock) {
                              const std::int64_t rows = std::min(kGemmRowBlock, end - b);
                              masked.resize(rows, f);
                              dropout.apply(input.data() + b * f, masked.data(), rows * f, static_cast<std::uint64_t>(b * f));
                              acc.noalias() += masked.transpose() * dz.middleRows(b, rows);
                            }
                          });
  if (dx != nullptr) {
    dx->resize(n, f);
    parallel_blocks(n, kGemmRowBlock, [&](std::int64_t begin, std::int64_t end) {
      dx->middleRows(begin, end - begin).noalias() = dz.middleRows(begin, end - begin) * w.transpose();
      T* rows = dx->data() + begin * f;
      dropout.apply(rows, rows, (end - begin) * f, static_cast<std::uint64_t>(begin * f));
    });
  }
}

template void project_forward<float>(const FeatureMatrix<float>&, const Dropout&, const Eigen::Ref<const RowMatrix<float>>&, RowMatrix<float>&, ProjectionCache<float>&);
template void project_forward<double>(const FeatureMatrix<double>&, const Dropout&, const Eigen::Ref<const RowMatrix<double>>&, RowMatrix<double>&, ProjectionCache<double>&);
template void project_backward<float>(const FeatureMatrix<float>&, const Dropout&, const ProjectionCache<float>&, const Eigen::Ref<const RowMatrix<float>>&, const RowMatrix<float>&, Eigen::Ref<RowMatrix<float>>, RowMatrix<float>*);
template void project_backward<double>(const FeatureMatrix<double>&, const Dropout&, const ProjectionCache<double>&, const Eigen::Ref<const RowMatrix<double>>&, const RowMatrix<double>&, Eigen::Ref<RowMatrix<double>>, RowMatrix<double>*);

}  // namespace gatkit
