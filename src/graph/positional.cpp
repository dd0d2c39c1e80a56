// Positional encodings (Laplacian eigenvectors, random-walk landing probabilities) and the helpers that
// append them to node features; see positional.hpp.
#include "gatkit/graph/positional.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <Eigen/Eigenvalues>

#include "gatkit/graph/stats.hpp"
#include "gatkit/nn/random.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {
namespace {

constexpr int kMaxColumns = 64;

/// Fixed blocks of source nodes for per-node work with O(n) scratch: at most 16 blocks, so the scratch
/// stays at 16 x n whatever the graph, and block boundaries do not depend on the thread count.
std::int64_t scratch_block(std::int64_t n) { return std::max<std::int64_t>(256, (n + 15) / 16); }

/// Fixes the sign of an eigenvector: its largest-magnitude entry (the first one within a relative 1e-9
/// of the largest, so that round-off between equal magnitudes does not decide) is made positive.
void canonical_sign(Eigen::Ref<Eigen::VectorXd> v) {
  const double top = v.cwiseAbs().maxCoeff();
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (std::abs(v(i)) >= top * (1 - 1e-9)) {
      if (v(i) < 0) v = -v;
      return;
    }
}

}  // namespace

std::string PositionalEncoding::name() const {
  switch (kind) {
    case PositionalKind::none: return "none";
    case PositionalKind::laplacian: return "lap:" + std::to_string(k);
    case PositionalKind::random_walk: return "rw:" + std::to_string(k);
  }
  return "?";
}

void PositionalEncoding::validate() const {
  GATKIT_REQUIRE(!enabled() || (k >= 1 && k <= kMaxColumns),
                 "positional encoding " + name() + ": K must be in 1.." + std::to_string(kMaxColumns));
  GATKIT_REQUIRE(max_dense_nodes >= 1, "positional encoding: the dense eigensolver limit must be positive");
}

PositionalEncoding parse_positional_encoding(std::string_view text) {
  PositionalEncoding pe;
  if (text == "none") return pe;
  const auto colon = text.find(':');
  if (colon != std::string_view::npos) {
    const std::string_view kind = text.substr(0, colon), digits = text.substr(colon + 1);
    int k = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), k);
    const bool number = !digits.empty() && ec == std::errc() && ptr == digits.data() + digits.size();
    if (number && k >= 1 && k <= kMaxColumns && (kind == "lap" || kind == "rw")) {
      pe.kind = kind == "lap" ? PositionalKind::laplacian : PositionalKind::random_walk;
      pe.k = k;
      return pe;
    }
  }
  throw InvalidArgument("unknown positional encoding '" + std::string(text) + "' (expected none, lap:K or rw:K with K in 1.." +
                        std::to_string(kMaxColumns) + ")");
}

RowMatrix<double> laplacian_eigenvectors(const Graph& g, int k, std::vector<std::int32_t>* component_out,
                                         std::int64_t max_dense_nodes) {
  GATKIT_REQUIRE(k >= 1, "Laplacian eigenvectors: k must be >= 1");
  const std::int64_t n = g.num_nodes();
  std::int64_t count = 0;
  std::vector<std::int32_t> component = connected_components(g, &count);
  // Members of every component, in node order, and each node's position within its component.
  std::vector<std::int64_t> start(static_cast<std::size_t>(count) + 1, 0);
  for (std::int32_t c : component) ++start[static_cast<std::size_t>(c) + 1];
  for (std::size_t c = 0; c < static_cast<std::size_t>(count); ++c) start[c + 1] += start[c];
  std::vector<NodeId> members(static_cast<std::size_t>(n));
  std::vector<std::int64_t> local(static_cast<std::size_t>(n));
  {
    std::vector<std::int64_t> cursor(start.begin(), start.end() - 1);
    for (std::int64_t v = 0; v < n; ++v) {
      const auto c = static_cast<std::size_t>(component[static_cast<std::size_t>(v)]);
      local[static_cast<std::size_t>(v)] = cursor[c] - start[c];
      members[static_cast<std::size_t>(cursor[c]++)] = static_cast<NodeId>(v);
    }
  }
  // Refuse before solving anything.
  for (std::size_t c = 0; c < static_cast<std::size_t>(count); ++c) {
    const std::int64_t m = start[c + 1] - start[c];
    if (m > max_dense_nodes)
      throw InvalidArgument("Laplacian positional encoding (lap:" + std::to_string(k) + "): the connected component of node " +
                            std::to_string(members[static_cast<std::size_t>(start[c])]) + " has " + std::to_string(m) +
                            " nodes, more than the " + std::to_string(max_dense_nodes) +
                            " the dense eigensolver accepts; use rw:K (random-walk encoding), which scales to large graphs");
  }
  RowMatrix<double> out = RowMatrix<double>::Zero(n, k);
  parallel_rows(count, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t c = begin; c < end; ++c) {
      const std::int64_t first = start[static_cast<std::size_t>(c)];
      const std::int64_t m = start[static_cast<std::size_t>(c) + 1] - first;
      if (m < 2) continue;  // a single node: no non-trivial eigenvector
      // Undirected adjacency of the component (0/1: directions, parallel edges and weights forgotten).
      Eigen::MatrixXd a = Eigen::MatrixXd::Zero(m, m);
      for (std::int64_t r = 0; r < m; ++r) {
        const NodeId v = members[static_cast<std::size_t>(first + r)];
        for (NodeId u : g.in_neighbors(v))
          if (u != v) a(r, local[static_cast<std::size_t>(u)]) = a(local[static_cast<std::size_t>(u)], r) = 1.0;
      }
      const Eigen::VectorXd inv_sqrt = a.rowwise().sum().cwiseSqrt().cwiseInverse();  // degrees >= 1 when m >= 2
      Eigen::MatrixXd laplacian = -(inv_sqrt.asDiagonal() * a * inv_sqrt.asDiagonal());
      laplacian.diagonal().array() += 1.0;
      const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(laplacian);
      GATKIT_REQUIRE(solver.info() == Eigen::Success, "Laplacian eigenvectors: the eigensolver did not converge");
      Eigen::MatrixXd vectors = solver.eigenvectors();  // columns, eigenvalues ascending
      const std::int64_t take = std::min<std::int64_t>(k, m - 1);
      for (std::int64_t col = 0; col < take; ++col) {
        canonical_sign(vectors.col(col + 1));
        for (std::int64_t r = 0; r < m; ++r) out(members[static_cast<std::size_t>(first + r)], col) = vectors(r, col + 1);
      }
    }
  });
  if (component_out) *component_out = std::move(component);
  return out;
}

RowMatrix<double> random_walk_landing(const Graph& g, int k) {
  GATKIT_REQUIRE(k >= 1, "random-walk encoding: k must be >= 1");
  const std::int64_t n = g.num_nodes();
  RowMatrix<double> out = RowMatrix<double>::Zero(n, k);
  // Node by node: the distribution of a walk from i, p_t = e_i (D^-1 A)^t, kept as a dense array over
  // the nodes it touches (and a list of them, so that clearing costs what was touched); p_t(i) is
  // column t-1. Every node is computed on its own, in a fixed order of additions.
  const std::int64_t block = scratch_block(n);
  parallel_blocks(n, block, [&](std::int64_t begin, std::int64_t end) {
    std::vector<double> cur(static_cast<std::size_t>(n), 0.0), next(static_cast<std::size_t>(n), 0.0);
    std::vector<char> in_next(static_cast<std::size_t>(n), 0);
    std::vector<NodeId> support, next_support;
    for (std::int64_t i = begin; i < end; ++i) {
      support.assign(1, static_cast<NodeId>(i));
      cur[static_cast<std::size_t>(i)] = 1.0;
      for (int t = 0; t < k; ++t) {
        for (NodeId j : support) {
          const double p = cur[static_cast<std::size_t>(j)];
          const std::int64_t degree = g.out_degree(j);
          if (degree == 0) continue;  // the walk ends here
          const double share = p / static_cast<double>(degree);
          for (NodeId m : g.out_neighbors(j)) {
            const auto mm = static_cast<std::size_t>(m);
            if (!in_next[mm]) {
              in_next[mm] = 1;
              next_support.push_back(m);
            }
            next[mm] += share;
          }
        }
        for (NodeId j : support) cur[static_cast<std::size_t>(j)] = 0.0;
        std::swap(cur, next);
        support.swap(next_support);
        next_support.clear();
        for (NodeId j : support) in_next[static_cast<std::size_t>(j)] = 0;
        out(i, t) = cur[static_cast<std::size_t>(i)];
      }
      for (NodeId j : support) cur[static_cast<std::size_t>(j)] = 0.0;
    }
  });
  return out;
}

template <class T>
RowMatrix<T> positional_encoding(const Graph& g, const PositionalEncoding& pe, std::vector<std::int32_t>* groups) {
  pe.validate();
  if (groups) groups->clear();
  switch (pe.kind) {
    case PositionalKind::none: return RowMatrix<T>(g.num_nodes(), 0);
    case PositionalKind::laplacian: return laplacian_eigenvectors(g, pe.k, groups, pe.max_dense_nodes).cast<T>();
    case PositionalKind::random_walk: return random_walk_landing(g, pe.k).cast<T>();
  }
  return {};
}

PositionalValues compute_positional_values(const Graph& g, const PositionalEncoding& pe) {
  PositionalValues v;
  v.encoding = pe;
  v.values = positional_encoding<float>(g, pe, &v.groups);
  return v;
}

template <class T>
void flip_signs(RowMatrix<T>& values, std::span<const std::int32_t> group, std::uint64_t seed) {
  GATKIT_REQUIRE(static_cast<std::int64_t>(group.size()) == values.rows(),
                 "flip_signs: " + std::to_string(group.size()) + " groups for " + std::to_string(values.rows()) + " rows");
  const auto columns = static_cast<std::uint64_t>(values.cols());
  for (Eigen::Index r = 0; r < values.rows(); ++r) {
    const auto g = static_cast<std::uint64_t>(group[static_cast<std::size_t>(r)]);
    for (Eigen::Index c = 0; c < values.cols(); ++c)
      if (random_bits(seed, g * columns + static_cast<std::uint64_t>(c)) >> 63) values(r, c) = -values(r, c);
  }
}

template <class T>
FeatureMatrix<T> append_columns(const FeatureMatrix<T>& x, const RowMatrix<T>& extra) {
  GATKIT_REQUIRE(extra.rows() == x.rows(), "append_columns: " + std::to_string(extra.rows()) + " rows for " +
                                               std::to_string(x.rows()) + " feature rows");
  const std::int64_t n = x.rows(), d = x.cols(), k = extra.cols();
  if (!x.is_sparse()) {
    RowMatrix<T> out(n, d + k);
    out.leftCols(d) = x.dense();
    out.rightCols(k) = extra;
    return FeatureMatrix<T>(std::move(out));
  }
  // CSR written by hand, so that zeros of `extra` are stored too (the structure never changes).
  const SparseRowMatrix<T>& s = x.sparse();
  SparseRowMatrix<T> out(n, d + k);
  out.resizeNonZeros(s.nonZeros() + n * k);
  auto* outer = out.outerIndexPtr();
  auto* inner = out.innerIndexPtr();
  T* values = out.valuePtr();
  std::int64_t at = 0;
  outer[0] = 0;
  for (std::int64_t r = 0; r < n; ++r) {
    for (typename SparseRowMatrix<T>::InnerIterator it(s, r); it; ++it, ++at) {
      inner[at] = static_cast<std::int32_t>(it.col());
      values[at] = it.value();
    }
    for (std::int64_t c = 0; c < k; ++c, ++at) {
      inner[at] = static_cast<std::int32_t>(d + c);
      values[at] = extra(r, c);
    }
    outer[r + 1] = static_cast<std::int32_t>(at);
  }
  return FeatureMatrix<T>(std::move(out));
}

template <class T>
void set_appended_columns(FeatureMatrix<T>& x, const RowMatrix<T>& extra) {
  const std::int64_t n = x.rows(), k = extra.cols();
  GATKIT_REQUIRE(extra.rows() == n && k <= x.cols(), "set_appended_columns: shapes do not match");
  if (!x.is_sparse()) {
    x.dense().rightCols(k) = extra;
    return;
  }
  SparseRowMatrix<T>& s = x.sparse();
  const auto* outer = s.outerIndexPtr();
  for (std::int64_t r = 0; r < n; ++r) {
    GATKIT_REQUIRE(outer[r + 1] - outer[r] >= k && s.innerIndexPtr()[outer[r + 1] - k] == x.cols() - k,
                   "set_appended_columns: row " + std::to_string(r) + " was not made by append_columns");
    for (std::int64_t c = 0; c < k; ++c) s.valuePtr()[outer[r + 1] - k + c] = extra(r, c);
  }
}

template RowMatrix<float> positional_encoding<float>(const Graph&, const PositionalEncoding&, std::vector<std::int32_t>*);
template RowMatrix<double> positional_encoding<double>(const Graph&, const PositionalEncoding&, std::vector<std::int32_t>*);
template void flip_signs<float>(RowMatrix<float>&, std::span<const std::int32_t>, std::uint64_t);
template void flip_signs<double>(RowMatrix<double>&, std::span<const std::int32_t>, std::uint64_t);
template FeatureMatrix<float> append_columns<float>(const FeatureMatrix<float>&, const RowMatrix<float>&);
template FeatureMatrix<double> append_columns<double>(const FeatureMatrix<double>&, const RowMatrix<double>&);
template void set_appended_columns<float>(FeatureMatrix<float>&, const RowMatrix<float>&);
template void set_appended_columns<double>(FeatureMatrix<double>&, const RowMatrix<double>&);

}  // namespace gatkit
