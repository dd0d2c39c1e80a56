// Structural node features (structural_features.hpp).
#include "gatkit/io/structural_features.hpp"

#include <bit>
#include <sstream>

#include "gatkit/util/error.hpp"

namespace gatkit {
namespace {

/// Sparse one-hot rows from one column index per row.
SparseMatrixF one_hot(const std::vector<std::int32_t>& column, std::int64_t width) {
  const auto n = static_cast<std::int64_t>(column.size());
  SparseMatrixF m(n, width);
  m.resizeNonZeros(n);
  for (std::int64_t i = 0; i < n; ++i) {
    m.outerIndexPtr()[i] = static_cast<std::int32_t>(i);
    m.innerIndexPtr()[i] = column[static_cast<std::size_t>(i)];
    m.valuePtr()[i] = 1.0f;
  }
  m.outerIndexPtr()[n] = static_cast<std::int32_t>(n);
  return m;
}

/// [a | b], rows of a followed by the columns of b shifted by a.cols().
SparseMatrixF hstack(const SparseMatrixF& a, const SparseMatrixF& b) {
  SparseMatrixF m(a.rows(), a.cols() + b.cols());
  m.reserve(a.nonZeros() + b.nonZeros());
  for (Eigen::Index r = 0; r < a.rows(); ++r) {
    m.startVec(r);
    for (SparseMatrixF::InnerIterator it(a, r); it; ++it) m.insertBack(r, it.col()) = it.value();
    for (SparseMatrixF::InnerIterator it(b, r); it; ++it) m.insertBack(r, a.cols() + it.col()) = it.value();
  }
  m.finalize();
  return m;
}

}  // namespace

std::int64_t degree_bucket(std::int64_t degree) {
  if (degree < 8) return degree < 0 ? 0 : degree;
  // 8..15 -> 8, 16..31 -> 9, ..., 512..1023 -> 14, >= 1024 -> 15.
  const auto width = static_cast<std::int64_t>(std::bit_width(static_cast<std::uint64_t>(degree)));  // 4 for 8..15
  return std::min<std::int64_t>(degree_buckets - 1, width + 4);
}

SparseMatrixF degree_one_hot(const Graph& graph) {
  std::vector<std::int32_t> column(static_cast<std::size_t>(graph.num_nodes()));
  for (NodeId i = 0; i < graph.num_nodes(); ++i)
    column[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(degree_bucket(graph.in_degree(i)));
  return one_hot(column, degree_buckets);
}

SparseMatrixF identity_features(std::int64_t n) {
  std::vector<std::int32_t> column(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) column[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(i);
  return one_hot(column, n);
}

bool is_structural_feature_kind(std::string_view kind) { return kind == "degree" || kind == "identity"; }

std::vector<std::string> parse_structural_features(const std::string& text) {
  std::vector<std::string> kinds;
  if (text.empty() || text == "none") return kinds;
  std::stringstream list(text);
  std::string kind;
  while (std::getline(list, kind, ',')) {
    if (!is_structural_feature_kind(kind))
      throw InvalidArgument("structural features: unknown kind '" + kind + "' (expected degree, identity or none)");
    for (const std::string& k : kinds)
      if (k == kind) throw InvalidArgument("structural features: '" + kind + "' is listed twice");
    kinds.push_back(kind);
  }
  return kinds;
}

void add_structural_features(NodeDataset& data, const std::vector<std::string>& kinds) {
  if (kinds.empty()) return;
  const std::int64_t n = data.graph.num_nodes();
  SparseMatrixF extra(n, 0);
  for (const std::string& kind : kinds) {
    if (kind == "degree") extra = hstack(extra, degree_one_hot(data.graph));
    else if (kind == "identity") extra = hstack(extra, identity_features(n));
    else throw InvalidArgument("structural features: unknown kind '" + kind + "'");
  }
  if (data.features.cols() == 0) {
    data.features = FeatureMatrix<float>(std::move(extra));
  } else if (data.features.is_sparse()) {
    GATKIT_REQUIRE(data.features.rows() == n, "structural features: feature rows and nodes disagree");
    data.features = FeatureMatrix<float>(hstack(data.features.sparse(), extra));
  } else {
    GATKIT_REQUIRE(data.features.rows() == n, "structural features: feature rows and nodes disagree");
    const MatrixF& old = data.features.dense();
    MatrixF m(n, old.cols() + extra.cols());
    m.leftCols(old.cols()) = old;
    m.rightCols(extra.cols()) = MatrixF(extra);
    data.features = FeatureMatrix<float>(std::move(m));
  }
}

}  // namespace gatkit
