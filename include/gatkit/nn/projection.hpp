#pragma once
// The linear projection Z = (X o M) W that opens every attention layer, where X is n x f (dense or
// sparse), M an inverted-dropout mask drawn from (seed, element) and W is f x m.
//  - sparse X: sparse x dense row by row, never densified; dropout indexes the stored entries;
//  - dense X: Eigen GEMM over fixed row blocks, one block per TBB task (Eigen itself stays
//    single-threaded, so there is no nested oversubscription and blocks make results thread-count free).
#include <cstdint>
#include <vector>

#include "gatkit/nn/random.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit {

/// The input after dropout, kept by forward for backward when dropout is active: the dense n x f matrix,
/// or the stored values of sparse input (nnz, in CSR order). Empty otherwise.
template <class T>
struct ProjectionCache {
  RowMatrix<T> masked_dense;
  std::vector<std::uint8_t> dense_kept;  ///< the dropout mask of masked_dense (1 = kept), n x f
  std::vector<T> masked_values;
};

/// z (n x m) = (x o mask) w.
template <class T>
void project_forward(const FeatureMatrix<T>& x, const Dropout& dropout,
                     const Eigen::Ref<const RowMatrix<T>>& w, RowMatrix<T>& z, ProjectionCache<T>& cache);

/// dw (f x m) += (x o mask)^T dz; and, when dx is given (dense x only), dx (n x f) = (dz w^T) o mask.
template <class T>
void project_backward(const FeatureMatrix<T>& x, const Dropout& dropout, const ProjectionCache<T>& cache,
                      const Eigen::Ref<const RowMatrix<T>>& w, const RowMatrix<T>& dz,
                      Eigen::Ref<RowMatrix<T>> dw, RowMatrix<T>* dx);

}  // namespace gatkit
