#include "gatkit/nn/projection.hpp"

#include <algorithm>

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
    parallel_rows(n, 64, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) {
        auto zi = z.row(i);
        zi.setZero();
        for (std::int64_t k = outer[i]; k < outer[i + 1]; ++k) {
          const T v = values[k] * dropout.template scale<T>(static_cast<std::uint64_t>(k));
          if (v != T(0)) zi.noalias() += v * w.row(inner[k]);
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
      for (std::int64_t i = begin; i < end; ++i)
        for (std::int64_t j = 0; j < f; ++j)
          masked_dense(i, j) = x.dense()(i, j) * dropout.template scale<T>(static_cast<std::uint64_t>(i * f + j));
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
        auto row = dw.row(c);
        for (std::int64_t k = t.offsets[c]; k < t.offsets[c + 1]; ++k) {
          const std::int64_t nz = t.nz[static_cast<std::size_t>(k)];
          const T v = values[nz] * dropout.template scale<T>(static_cast<std::uint64_t>(nz));
          if (v != T(0)) row.noalias() += v * dz.row(t.rows[static_cast<std::size_t>(k)]);
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
      if (dropout.active)
        for (std::int64_t i = begin; i < end; ++i)
          for (std::int64_t j = 0; j < f; ++j)
            (*dx)(i, j) *= dropout.template scale<T>(static_cast<std::uint64_t>(i * f + j));
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
