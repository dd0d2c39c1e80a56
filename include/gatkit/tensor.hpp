#pragma once
// Matrix conventions, stated once for the whole library: row-major, one node (or edge) per row, so
// element (i, j) of an n x d matrix lives at data[i * d + j]. Kernels are templated on the scalar type:
// float for training, double for the finite-difference gradient checks.
#include <algorithm>
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

/// The structure of the transpose of a CSR matrix (its CSC form), over the columns that hold at least
/// one entry: columns[u] is the u-th such column (ascending), and its entries are
/// nz[offsets[u] .. offsets[u+1]) of the original, whose rows are rows[...], ascending. Values are read
/// through nz from the original, so in-place value changes (normalisation, dropout) need no rebuild.
/// Memory is O(nnz), never O(columns): a file naming feature 2,000,000,000 once costs one entry.
struct SparseTransposeIndex {
  std::vector<std::int32_t> columns;  ///< used columns, ascending
  std::vector<std::int64_t> offsets;  ///< columns.size() + 1
  std::vector<std::int32_t> rows;     ///< nnz
  std::vector<std::int64_t> nz;       ///< nnz, index into the original's value array

  template <class T>
  static SparseTransposeIndex build(const SparseRowMatrix<T>& m) {
    SparseTransposeIndex t;
    const auto* outer = m.outerIndexPtr();
    const auto* inner = m.innerIndexPtr();
    const std::int64_t nnz = m.nonZeros();
    // Entries ordered by (column, row): sort the nz indices by column, stably (rows come in order).
    t.nz.resize(static_cast<std::size_t>(nnz));
    for (std::int64_t k = 0; k < nnz; ++k) t.nz[static_cast<std::size_t>(k)] = k;
    std::stable_sort(t.nz.begin(), t.nz.end(), [&](std::int64_t a, std::int64_t b) { return inner[a] < inner[b]; });
    std::vector<std::int32_t> row_of(static_cast<std::size_t>(nnz));
    for (std::int64_t r = 0; r < m.rows(); ++r)
      for (std::int64_t k = outer[r]; k < outer[r + 1]; ++k) row_of[static_cast<std::size_t>(k)] = static_cast<std::int32_t>(r);
    t.rows.resize(static_cast<std::size_t>(nnz));
    t.offsets.push_back(0);
    for (std::int64_t k = 0; k < nnz; ++k) {
      const std::int64_t entry = t.nz[static_cast<std::size_t>(k)];
      t.rows[static_cast<std::size_t>(k)] = row_of[static_cast<std::size_t>(entry)];
      if (t.columns.empty() || t.columns.back() != inner[entry]) {
        if (!t.columns.empty()) t.offsets.push_back(k);
        t.columns.push_back(static_cast<std::int32_t>(inner[entry]));
      }
    }
    if (!t.columns.empty()) t.offsets.push_back(nnz);
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
