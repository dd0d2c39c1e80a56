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

/// What forward keeps for backward: the stored values of sparse input after dropout (nnz, in CSR
/// order), when dropout is active. Dense input keeps nothing: its mask is drawn again from
/// (seed, element) in backward, which costs less than writing and reading an n x f copy.
template <class T>
struct ProjectionCache {
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
