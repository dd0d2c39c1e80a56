#pragma once
// Matrix conventions, stated once for the whole library: row-major, one node (or edge) per row, so
// element (i, j) of an n x d matrix lives at data[i * d + j]. Kernels are templated on the scalar type:
// float for training, double for the finite-difference gradient checks.
#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

namespace gatkit {

template <class T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
/// Compressed sparse rows; used for bag-of-words style node features that must never be densified.
template <class T>
using SparseRowMatrix = Eigen::SparseMatrix<T, Eigen::RowMajor, std::int32_t>;

using MatrixF = RowMatrix<float>;
using SparseMatrixF = SparseRowMatrix<float>;

/// The structure of the transpose of a CSR matrix (its CSC form): column c holds the stored entries
/// nz[offsets[c] .. offsets[c+1]) of the original, whose rows are rows[...], ascending. Values are read
/// through nz from the original, so in-place value changes (normalisation, dropout) need no rebuild.
struct SparseTransposeIndex {
  std::vector<std::int64_t> offsets;  ///< cols + 1
  std::vector<std::int32_t> rows;     ///< nnz
  std::vector<std::int64_t> nz;       ///< nnz, index into the original's value array

  template <class T>
  static SparseTransposeIndex build(const SparseRowMatrix<T>& m) {
    SparseTransposeIndex t;
    const auto* outer = m.outerIndexPtr();
    const auto* inner = m.innerIndexPtr();
    const std::int64_t nnz = m.nonZeros();
    t.offsets.assign(static_cast<std::size_t>(m.cols()) + 1, 0);
    for (std::int64_t k = 0; k < nnz; ++k) ++t.offsets[static_cast<std::size_t>(inner[k]) + 1];
    for (std::size_t c = 0; c + 1 < t.offsets.size(); ++c) t.offsets[c + 1] += t.offsets[c];
    t.rows.resize(static_cast<std::size_t>(nnz));
    t.nz.resize(static_cast<std::size_t>(nnz));
    std::vector<std::int64_t> cursor(t.offsets.begin(), t.offsets.end() - 1);
    for (std::int64_t r = 0; r < m.rows(); ++r)
      for (std::int64_t k = outer[r]; k < outer[r + 1]; ++k) {
        const std::int64_t slot = cursor[static_cast<std::size_t>(inner[k])]++;
        t.rows[static_cast<std::size_t>(slot)] = static_cast<std::int32_t>(r);
        t.nz[static_cast<std::size_t>(slot)] = k;
      }
    return t;
  }
};

/// Node features: n x d, either dense or sparse (CSR). Layers accept both; sparse input is multiplied
/// as sparse x dense and never densified. For sparse input the transpose index is built once here, so
/// that gradients with respect to the first projection pull over features without atomics. Values may
/// be changed in place; the sparsity structure may not.
template <class T>
class FeatureMatrix {
 public:
  FeatureMatrix() = default;
  explicit FeatureMatrix(RowMatrix<T> dense) : dense_(std::move(dense)), sparse_input_(false) {}
  explicit FeatureMatrix(SparseRowMatrix<T> sparse) : sparse_(std::move(sparse)), sparse_input_(true) {
    sparse_.makeCompressed();
    transpose_ = std::make_shared<const SparseTransposeIndex>(SparseTransposeIndex::build(sparse_));
  }
  /// The CSC structure of sparse features (nullptr for dense ones).
  const SparseTransposeIndex* transpose_index() const { return transpose_.get(); }

  bool is_sparse() const { return sparse_input_; }
  std::int64_t rows() const { return sparse_input_ ? sparse_.rows() : dense_.rows(); }
  std::int64_t cols() const { return sparse_input_ ? sparse_.cols() : dense_.cols(); }
  const RowMatrix<T>& dense() const { return dense_; }
  const SparseRowMatrix<T>& sparse() const { return sparse_; }
  RowMatrix<T>& dense() { return dense_; }
  SparseRowMatrix<T>& sparse() { return sparse_; }

  /// The same features in another scalar type (used to run float data through double-precision checks).
  template <class U>
  FeatureMatrix<U> cast() const {
    if (sparse_input_) return FeatureMatrix<U>(SparseRowMatrix<U>(sparse_.template cast<U>()));
    return FeatureMatrix<U>(RowMatrix<U>(dense_.template cast<U>()));
  }

 private:
  RowMatrix<T> dense_;
  SparseRowMatrix<T> sparse_;
  std::shared_ptr<const SparseTransposeIndex> transpose_;
  bool sparse_input_ = false;
};

/// Divides every row by its sum of absolute values (rows that sum to zero stay zero): the GCN/GAT
/// preprocessing of bag-of-words features.
template <class T>
void normalize_rows_l1(FeatureMatrix<T>& x) {
  if (x.is_sparse()) {
    auto& s = x.sparse();
    for (Eigen::Index r = 0; r < s.outerSize(); ++r) {
      T sum = 0;
      for (typename SparseRowMatrix<T>::InnerIterator it(s, r); it; ++it) sum += std::abs(it.value());
      if (sum > 0)
        for (typename SparseRowMatrix<T>::InnerIterator it(s, r); it; ++it) it.valueRef() /= sum;
    }
  } else {
    auto& d = x.dense();
    for (Eigen::Index r = 0; r < d.rows(); ++r) {
      const T sum = d.row(r).cwiseAbs().sum();
      if (sum > 0) d.row(r) /= sum;
    }
  }
}

}  // namespace gatkit
