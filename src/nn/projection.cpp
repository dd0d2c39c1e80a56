#include "gatkit/nn/projection.hpp"

#include <algorithm>
#include <vector>

#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {
namespace {

constexpr std::int64_t kGemmRowBlock = 256;

// Row block for reductions over nodes: fixed by n alone (never by the thread count), at most ~32
// partial products so that the partial buffers stay small on large graphs.
std::int64_t reduction_block(std::int64_t n) { return std::max<std::int64_t>(2048, (n + 31) / 32); }

}  // namespace

template <class T>
void project_forward(const FeatureMatrix<T>& x, const Dropout& dropout,
                     const Eigen::Ref<const RowMatrix<T>>& w, RowMatrix<T>& z, RowMatrix<T>& masked_dense) {
  GATKIT_REQUIRE(x.cols() == w.rows(), "projection: input has " + std::to_string(x.cols()) +
                                           " features, the layer expects " + std::to_string(w.rows()));
  const std::int64_t n = x.rows(), m = w.cols();
  z.resize(n, m);
  masked_dense.resize(0, 0);
  if (x.is_sparse()) {
    const auto& s = x.sparse();
    const auto* outer = s.outerIndexPtr();
    const auto* inner = s.innerIndexPtr();
    const T* values = s.valuePtr();
    const std::int64_t m_cols = m;
    parallel_rows(n, 64, [&](std::int64_t begin, std::int64_t end) {
      std::vector<T> scaled;
      for (std::int64_t i = begin; i < end; ++i) {
        const std::int64_t k0 = outer[i], count = outer[i + 1] - k0;
        scaled.resize(static_cast<std::size_t>(count));
        dropout.apply(values + k0, scaled.data(), count, static_cast<std::uint64_t>(k0));
        T* zi = z.data() + i * m_cols;
        std::fill(zi, zi + m_cols, T(0));
        // Dropped entries are multiplied through as zeros: cheaper than a mispredicted branch.
        for (std::int64_t k = 0; k < count; ++k) {
          const T v = scaled[static_cast<std::size_t>(k)];
          const T* wr = w.data() + static_cast<std::int64_t>(inner[k0 + k]) * m_cols;
          for (std::int64_t c = 0; c < m_cols; ++c) zi[c] += v * wr[c];
        }
      }
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
void project_backward(const FeatureMatrix<T>& x, const Dropout& dropout, const RowMatrix<T>& masked_dense,
                      const Eigen::Ref<const RowMatrix<T>>& w, const RowMatrix<T>& dz,
                      Eigen::Ref<RowMatrix<T>> dw, RowMatrix<T>* dx) {
  const std::int64_t n = x.rows(), f = x.cols(), m = w.cols();
  if (x.is_sparse()) {
    GATKIT_REQUIRE(dx == nullptr, "projection: no input gradient for sparse features");
    const auto& s = x.sparse();
    const SparseTransposeIndex& t = *x.transpose_index();
    const T* values = s.valuePtr();
    // Pull over features: dw row c gathers the dz rows of the nodes that have feature c, in node order.
    parallel_rows(f, 16, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t c = begin; c < end; ++c) {
        T* row = dw.data() + c * m;
        for (std::int64_t k = t.offsets[c]; k < t.offsets[c + 1]; ++k) {
          const std::int64_t nz = t.nz[static_cast<std::size_t>(k)];
          const T v = values[nz] * dropout.template scale<T>(static_cast<std::uint64_t>(nz));
          const T* dzr = dz.data() + static_cast<std::int64_t>(t.rows[static_cast<std::size_t>(k)]) * m;
          for (std::int64_t col = 0; col < m; ++col) row[col] += v * dzr[col];
        }
      }
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

template void project_forward<float>(const FeatureMatrix<float>&, const Dropout&,
                                     const Eigen::Ref<const RowMatrix<float>>&, RowMatrix<float>&,
                                     RowMatrix<float>&);
template void project_forward<double>(const FeatureMatrix<double>&, const Dropout&,
                                      const Eigen::Ref<const RowMatrix<double>>&, RowMatrix<double>&,
                                      RowMatrix<double>&);
template void project_backward<float>(const FeatureMatrix<float>&, const Dropout&, const RowMatrix<float>&,
                                      const Eigen::Ref<const RowMatrix<float>>&, const RowMatrix<float>&,
                                      Eigen::Ref<RowMatrix<float>>, RowMatrix<float>*);
template void project_backward<double>(const FeatureMatrix<double>&, const Dropout&,
                                       const RowMatrix<double>&, const Eigen::Ref<const RowMatrix<double>>&,
                                       const RowMatrix<double>&, Eigen::Ref<RowMatrix<double>>,
                                       RowMatrix<double>*);

}  // namespace gatkit
