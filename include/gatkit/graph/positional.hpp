#pragma once
// Positional encodings for graphs: K numbers per node describing where it sits in the graph, appended
// to its features. Attention by itself is blind to position (it sums over a set); these columns give it
// structure back (docs/range_and_positions.md).
//
//  - lap:K  Laplacian eigenvectors (Dwivedi et al. 2020): per connected component (undirected, edge
//           weights and self-loops ignored), the K eigenvectors of the symmetric normalised Laplacian
//           L = I - D^-1/2 A D^-1/2 with the smallest eigenvalues after the trivial one (eigenvalue 0,
//           D^1/2 1), unit norm, computed densely with Eigen's SelfAdjointEigenSolver. A component of m
//           nodes has m - 1 of them; missing columns are 0. Components above max_dense_nodes nodes are
//           refused (dense O(m^3) work; use rw:K, which scales). The sign of an eigenvector is
//           arbitrary: it is fixed here (largest-magnitude entry positive, the first on ties) and, in
//           training, flipped at random per component and column (flip_signs), so that the model does
//           not learn one sign. Degenerate eigenvalues leave the basis of their space to the solver.
//  - rw:K   random-walk landing probabilities (Dwivedi et al. 2022, RWSE): column t-1 is
//           [(D^-1 A)^t]_ii, the probability that a walk along the edges (A counts parallel edges;
//           D = out-degree) returns to its start after t steps, t = 1..K. Exact, computed node by node
//           with sparse vectors: O(sum over nodes of the edges within t steps), no n x n matrix. A node
//           without out-edges has zeros.
// Both are computed in double and do not depend on the thread count.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/tensor.hpp"

namespace gatkit {

enum class PositionalKind { none, laplacian, random_walk };

/// Largest connected component accepted by lap:K (dense eigensolver).
inline constexpr std::int64_t kDefaultMaxDenseLaplacianNodes = 4096;

struct PositionalEncoding {
  PositionalKind kind = PositionalKind::none;
  int k = 0;  ///< columns: 1..64 (0 for none)
  std::int64_t max_dense_nodes = kDefaultMaxDenseLaplacianNodes;  ///< lap: largest component

  bool enabled() const { return kind != PositionalKind::none; }
  std::int64_t columns() const { return enabled() ? k : 0; }
  /// "none", "lap:K" or "rw:K" (what parse_positional_encoding reads).
  std::string name() const;
  /// Throws InvalidArgument on k outside 1..64 (when enabled) or a non-positive limit.
  void validate() const;
  friend bool operator==(const PositionalEncoding&, const PositionalEncoding&) = default;
};

/// "none", "lap:K" or "rw:K" with K in 1..64; throws InvalidArgument naming the value otherwise.
PositionalEncoding parse_positional_encoding(std::string_view text);

/// Laplacian eigenvectors, num_nodes x k (see the header comment). `component` (optional) receives the
/// connected component of every node, the groups of flip_signs. Throws InvalidArgument naming the
/// component's size and the limit when one is larger than max_dense_nodes.
RowMatrix<double> laplacian_eigenvectors(const Graph& g, int k, std::vector<std::int32_t>* component = nullptr,
                                         std::int64_t max_dense_nodes = kDefaultMaxDenseLaplacianNodes);

/// Random-walk landing probabilities, num_nodes x k: column t-1 is [(D^-1 A)^t]_ii.
RowMatrix<double> random_walk_landing(const Graph& g, int k);

/// The encoding of `g` (num_nodes x pe.columns(), empty for none). `groups` (optional) receives the
/// groups whose columns flip together: the components for lap, nothing for the others.
template <class T>
RowMatrix<T> positional_encoding(const Graph& g, const PositionalEncoding& pe, std::vector<std::int32_t>* groups = nullptr);

/// An encoding computed once for a graph, to be shared by several training runs on it (the Laplacian
/// of a component of a few thousand nodes takes seconds).
struct PositionalValues {
  PositionalEncoding encoding;
  RowMatrix<float> values;            ///< num_nodes x encoding.columns()
  std::vector<std::int32_t> groups;   ///< sign-flip groups (lap: components)
};

/// positional_encoding<float> of g, packed with its groups.
PositionalValues compute_positional_values(const Graph& g, const PositionalEncoding& pe);

/// Multiplies column c of the rows of group g by a sign drawn from (seed, g, c): -1 or +1 with
/// probability 1/2, the same for every row of the group. `group` has one entry per row of `values`.
template <class T>
void flip_signs(RowMatrix<T>& values, std::span<const std::int32_t> group, std::uint64_t seed);

/// [x | extra]: extra.cols() columns appended to every row. Sparse x stays sparse, and every entry of
/// `extra` is stored, zeros included, as the last extra.cols() entries of its row, so that
/// set_appended_columns can later overwrite them in place.
template <class T>
FeatureMatrix<T> append_columns(const FeatureMatrix<T>& x, const RowMatrix<T>& extra);

/// Overwrites the last extra.cols() columns of x (made by append_columns with an `extra` of the same
/// shape) with `extra`, without changing x's structure.
template <class T>
void set_appended_columns(FeatureMatrix<T>& x, const RowMatrix<T>& extra);

}  // namespace gatkit
