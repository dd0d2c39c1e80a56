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

// A row of m values as an Eigen array, of fixed size for the common widths (explicit SIMD).
template <int MC, class T>
auto row_map(T* p, std::int64_t m) {
  using Row = Eigen::Array<std::remove_const_t<T>, 1, (MC > 0 ? MC : Eigen::Dynamic)>;
  using Mapped = std::conditional_t<std::is_const_v<T>, const Row, Row>;
  return Eigen::Map<Mapped>(p, 1, MC > 0 ? MC : m);
}

template <class F>
void dispatch_width(std::int64_t m, F&& f) {
  switch (m) {
    case 16: f(std::integral_constant<int, 16>{}); break;
    case 32: f(std::integral_constant<int, 32>{}); break;
    case 64: f(std::integral_constant<int, 64>{}); break;
    case 128: f(std::integral_constant<int, 128>{}); break;
    case 256: f(std::integral_constant<int, 256>{}); break;
    default: f(std::integral_constant<int, 0>{}); break;
  }
}

}  // namespace

template <class T>
void project_forward(const FeatureMatrix<T>& x, const Dropout& dropout,
                     const Eigen::Ref<const RowMatrix<T>>& w, RowMatrix<T>& z, ProjectionCache<T>& cache) {
  GATKIT_REQUIRE(x.cols() == w.rows(), "projection: input has " + std::to_string(x.cols()) +
                                           " features, the layer expects " + std::to_string(w.rows()));
  const std::int64_t n = x.rows(), m = w.cols();
  z.resize(n, m);
  RowMatrix<T>& masked_dense = cache.masked_dense;
  if (x.is_sparse() || !dropout.active) masked_dense.resize(0, 0);  // else reused at the same size
  if (!x.is_sparse() || !dropout.active) cache.masked_values.clear();
  if (x.is_sparse()) {
    const auto& s = x.sparse();
    const auto* outer = s.outerIndexPtr();
    const auto* inner = s.innerIndexPtr();
    const T* values = s.valuePtr();
    dispatch_width(m, [&](auto width) {
      constexpr int MC = decltype(width)::value;
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
          auto w_row = [&](std::int64_t k) {
            return row_map<MC>(w.data() + static_cast<std::int64_t>(inner[k0 + k]) * m, m);
          };
          auto zi = row_map<MC>(z.data() + i * m, m);
          if constexpr (MC > 0) {
            // Two register accumulators break the FMA dependency chain; the order is fixed per row.
            Eigen::Array<T, 1, MC> even = Eigen::Array<T, 1, MC>::Zero(), odd = Eigen::Array<T, 1, MC>::Zero();
            std::int64_t k = 0;
            for (; k + 1 < count; k += 2) {
              even += scaled[k] * w_row(k);
              odd += scaled[k + 1] * w_row(k + 1);
            }
            if (k < count) even += scaled[k] * w_row(k);
            zi = even + odd;
          } else {
            zi.setZero();
            for (std::int64_t k = 0; k < count; ++k) zi += scaled[k] * w_row(k);
          }
        }
      });
    });
    return;
  }
  const RowMatrix<T>* input = &x.dense();
  if (dropout.active) {
    const std::int64_t f = x.cols();
    masked_dense.resize(n, f);
    parallel_rows(n, 256, [&](std::int64_t begin, std::int64_t end) {
      dropout.apply(x.dense().data() + begin * f, masked_dense.data() + begin * f, (end - begin) * f,
                    static_cast<std::uint64_t>(begin * f));
    });
    input = &masked_dense;
  }
  parallel_blocks(n, kGemmRowBlock, [&](std::int64_t begin, std::int64_t end) {
    z.middleRows(begin, end - begin).noalias() = input->middleRows(begin, end - begin) * w;
  });
}

template <class T>
void project_backward(const FeatureMatrix<T>& x, const Dropout& dropout, const ProjectionCache<T>& cache,
                      const Eigen::Ref<const RowMatrix<T>>& w, const RowMatrix<T>& dz,
                      Eigen::Ref<RowMatrix<T>> dw, RowMatrix<T>* dx) {
  const RowMatrix<T>& masked_dense = cache.masked_dense;
  const std::int64_t n = x.rows(), f = x.cols(), m = w.cols();
  if (x.is_sparse()) {
    GATKIT_REQUIRE(dx == nullptr, "projection: no input gradient for sparse features");
    const auto& s = x.sparse();
    const SparseTransposeIndex& t = *x.transpose_index();
    const T* values = dropout.active ? cache.masked_values.data() : s.valuePtr();
    // Pull over features: dw row c gathers the dz rows of the nodes that have feature c, in node order.
    dispatch_width(m, [&](auto width) {
      constexpr int MC = decltype(width)::value;
      parallel_rows(f, 16, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t c = begin; c < end; ++c) {
          auto term = [&](std::int64_t k) {
            const auto at = static_cast<std::size_t>(k);
            return values[t.nz[at]] * row_map<MC>(dz.data() + static_cast<std::int64_t>(t.rows[at]) * m, m);
          };
          auto row = row_map<MC>(dw.data() + c * m, m);
          const std::int64_t k0 = t.offsets[c], k1 = t.offsets[c + 1];
          if constexpr (MC > 0) {
            Eigen::Array<T, 1, MC> even = Eigen::Array<T, 1, MC>::Zero(), odd = Eigen::Array<T, 1, MC>::Zero();
            std::int64_t k = k0;
            for (; k + 1 < k1; k += 2) {
              even += term(k);
              odd += term(k + 1);
            }
            if (k < k1) even += term(k);
            row += even + odd;
          } else {
            for (std::int64_t k = k0; k < k1; ++k) row += term(k);
          }
        }
      });
    });
    return;
  }
  const RowMatrix<T>& input = dropout.active ? masked_dense : x.dense();
  const RowMatrix<T> zero = RowMatrix<T>::Zero(f, m);
  dw += deterministic_sum(n, reduction_block(n), zero,
                          [&](std::int64_t begin, std::int64_t end, RowMatrix<T>& acc) {
                            acc.noalias() += input.middleRows(begin, end - begin).transpose() *
                                             dz.middleRows(begin, end - begin);
                          });
  if (dx != nullptr) {
    dx->resize(n, f);
    parallel_blocks(n, kGemmRowBlock, [&](std::int64_t begin, std::int64_t end) {
      dx->middleRows(begin, end - begin).noalias() = dz.middleRows(begin, end - begin) * w.transpose();
      dropout.apply(dx->data() + begin * f, dx->data() + begin * f, (end - begin) * f,
                    static_cast<std::uint64_t>(begin * f));
    });
  }
}

template void project_forward<float>(const FeatureMatrix<float>&, const Dropout&, const Eigen::Ref<const RowMatrix<float>>&, RowMatrix<float>&, ProjectionCache<float>&);
template void project_forward<double>(const FeatureMatrix<double>&, const Dropout&, const Eigen::Ref<const RowMatrix<double>>&, RowMatrix<double>&, ProjectionCache<double>&);
template void project_backward<float>(const FeatureMatrix<float>&, const Dropout&, const ProjectionCache<float>&, const Eigen::Ref<const RowMatrix<float>>&, const RowMatrix<float>&, Eigen::Ref<RowMatrix<float>>, RowMatrix<float>*);
template void project_backward<double>(const FeatureMatrix<double>&, const Dropout&, const ProjectionCache<double>&, const Eigen::Ref<const RowMatrix<double>>&, const RowMatrix<double>&, Eigen::Ref<RowMatrix<double>>, RowMatrix<double>*);

}  // namespace gatkit
