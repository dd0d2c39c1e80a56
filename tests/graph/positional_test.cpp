// Positional encodings: Laplacian eigenvectors satisfy L v = lambda v per component, are orthonormal and
// orthogonal to the trivial eigenvector; sign flips are seeded, per group and column; random-walk
// landing probabilities equal the diagonal of dense powers of D^-1 A; appended columns (dense and
// sparse) can be overwritten in place; refusals and names.
#include "gatkit/graph/positional.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gatkit/graph/stats.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"

namespace gatkit {
namespace {

//  component A: path 0-1-2-3-4-5      component B: 5-cycle 6..10      component C: star 11 (12, 13, 14)
//  component D: edge 15-16            node 17 alone
Graph components_graph() {
  std::vector<Edge> edges = {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {6, 7}, {7, 8}, {8, 9}, {9, 10}, {10, 6},
                             {11, 12}, {11, 13}, {11, 14}, {15, 16}};
  return build_graph(18, edges, {}, {.symmetrize = true});
}

/// Dense symmetric normalised Laplacian of the nodes `nodes` of g (undirected, 0/1).
Eigen::MatrixXd dense_laplacian(const Graph& g, const std::vector<NodeId>& nodes) {
  const auto m = static_cast<Eigen::Index>(nodes.size());
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(m, m);
  for (Eigen::Index r = 0; r < m; ++r)
    for (Eigen::Index c = 0; c < m; ++c) {
      const auto in = g.in_neighbors(nodes[static_cast<std::size_t>(r)]);
      if (r != c && std::find(in.begin(), in.end(), nodes[static_cast<std::size_t>(c)]) != in.end()) a(r, c) = a(c, r) = 1;
    }
  const Eigen::VectorXd d = a.rowwise().sum();
  Eigen::MatrixXd l = Eigen::MatrixXd::Identity(m, m);
  for (Eigen::Index r = 0; r < m; ++r)
    for (Eigen::Index c = 0; c < m; ++c)
      if (a(r, c) != 0) l(r, c) -= 1.0 / std::sqrt(d(r) * d(c));
  return l;
}

TEST(LaplacianEncoding, EigenvectorsOfEveryComponent) {
  const Graph g = components_graph();
  const int k = 4;
  std::vector<std::int32_t> component;
  const RowMatrix<double> pe = laplacian_eigenvectors(g, k, &component);
  ASSERT_EQ(pe.rows(), 18);
  ASSERT_EQ(pe.cols(), k);
  EXPECT_EQ(component, connected_components(g));
  std::int64_t count = 0;
  (void)connected_components(g, &count);
  ASSERT_EQ(count, 5);
  for (std::int32_t c = 0; c < count; ++c) {
    std::vector<NodeId> nodes;
    for (NodeId v = 0; v < 18; ++v)
      if (component[static_cast<std::size_t>(v)] == c) nodes.push_back(v);
    const auto m = static_cast<Eigen::Index>(nodes.size());
    Eigen::MatrixXd v(m, k);
    for (Eigen::Index r = 0; r < m; ++r) v.row(r) = pe.row(nodes[static_cast<std::size_t>(r)]);
    const Eigen::MatrixXd l = dense_laplacian(g, nodes);
    Eigen::VectorXd trivial(m);  // D^1/2 1, eigenvalue 0
    for (Eigen::Index r = 0; r < m; ++r) trivial(r) = std::sqrt(static_cast<double>(g.in_degree(nodes[static_cast<std::size_t>(r)])));
    const Eigen::Index nontrivial = std::min<Eigen::Index>(k, m - 1);
    double previous = 1e-9;
    for (Eigen::Index col = 0; col < k; ++col) {
      const Eigen::VectorXd x = v.col(col);
      if (col >= nontrivial) {  // a component of m nodes has m - 1 of them; the rest is zero
        EXPECT_EQ(x.cwiseAbs().maxCoeff(), 0.0) << "component " << c << " column " << col;
        continue;
      }
      EXPECT_NEAR(x.norm(), 1.0, 1e-10) << "component " << c;
      const double lambda = x.dot(l * x);
      EXPECT_LT((l * x - lambda * x).norm(), 1e-9) << "L v = lambda v, component " << c << " column " << col;
      EXPECT_GE(lambda, previous - 1e-9) << "ascending, non-trivial";
      previous = lambda;
      EXPECT_NEAR(x.dot(trivial), 0.0, 1e-9) << "orthogonal to the trivial eigenvector";
      for (Eigen::Index other = 0; other < col; ++other) EXPECT_NEAR(x.dot(v.col(other)), 0.0, 1e-9);
      // Sign fixed: the first entry of largest magnitude (up to round-off) is positive.
      const double top = x.cwiseAbs().maxCoeff();
      Eigen::Index at = 0;
      while (std::abs(x(at)) < top * (1 - 1e-9)) ++at;
      EXPECT_GT(x(at), 0.0) << "component " << c << " column " << col;
    }
  }
  // The path's Fiedler value: 1 - cos(pi / 5) for the normalised Laplacian of a 6-node path.
  std::vector<NodeId> path = {0, 1, 2, 3, 4, 5};
  const Eigen::VectorXd fiedler = pe.col(0).head(6);
  EXPECT_NEAR(fiedler.dot(dense_laplacian(g, path) * fiedler), 1 - std::cos(M_PI / 5), 1e-10);
  // The lone node has no encoding.
  EXPECT_EQ(pe.row(17).cwiseAbs().sum(), 0.0);
}

TEST(LaplacianEncoding, RefusesComponentsAboveTheDenseLimit) {
  const Graph g = components_graph();
  try {
    (void)laplacian_eigenvectors(g, 2, nullptr, 5);
    FAIL() << "no error";
  } catch (const InvalidArgument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("component of node 0 has 6 nodes"), std::string::npos) << what;
    EXPECT_NE(what.find("use rw:K"), std::string::npos) << what;
  }
  EXPECT_NO_THROW((void)laplacian_eigenvectors(g, 2, nullptr, 6));
}

TEST(LaplacianEncoding, SignFlipsAreSeededPerGroupAndColumn) {
  const Graph g = components_graph();
  std::vector<std::int32_t> groups;
  const RowMatrix<double> pe = positional_encoding<double>(g, parse_positional_encoding("lap:3"), &groups);
  RowMatrix<double> a = pe, b = pe, c = pe;
  flip_signs(a, groups, 11);
  flip_signs(b, groups, 11);
  flip_signs(c, groups, 12);
  EXPECT_EQ(a, b) << "same seed, same signs";
  EXPECT_NE(a, c) << "another seed, other signs";
  EXPECT_EQ(a.cwiseAbs(), pe.cwiseAbs());
  // One sign per (group, column): the ratio to the original is constant within a group.
  int flipped = 0, kept = 0;
  for (Eigen::Index col = 0; col < pe.cols(); ++col)
    for (std::int32_t group = 0; group < 5; ++group) {
      double sign = 0;
      for (Eigen::Index r = 0; r < pe.rows(); ++r) {
        if (groups[static_cast<std::size_t>(r)] != group || pe(r, col) == 0) continue;
        const double s = a(r, col) / pe(r, col);
        if (sign == 0) sign = s;
        EXPECT_EQ(s, sign) << "group " << group << " column " << col;
      }
      (sign < 0 ? flipped : kept) += sign != 0;
    }
  EXPECT_GT(flipped, 0);
  EXPECT_GT(kept, 0);
}

/// Dense reference: diag of (D^-1 A)^t, A counting parallel edges, D the out-degree.
RowMatrix<double> dense_landing(const Graph& g, int k) {
  const std::int64_t n = g.num_nodes();
  Eigen::MatrixXd p = Eigen::MatrixXd::Zero(n, n);
  for (std::int64_t i = 0; i < n; ++i)
    for (NodeId j : g.in_neighbors(static_cast<NodeId>(i))) p(j, i) += 1.0 / static_cast<double>(g.out_degree(j));
  RowMatrix<double> out(n, k);
  Eigen::MatrixXd power = Eigen::MatrixXd::Identity(n, n);
  for (int t = 0; t < k; ++t) {
    power = power * p;
    out.col(t) = power.diagonal();
  }
  return out;
}

TEST(RandomWalkEncoding, EqualsDiagonalsOfDensePowers) {
  // Directed, with a self-loop, parallel edges (no deduplication) and a node without out-edges (5).
  const std::vector<Edge> edges = {{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 2}, {3, 3}, {0, 1}, {4, 0}, {1, 4}, {4, 5}};
  const Graph directed = build_graph(7, edges, {}, {.deduplicate = false});
  const Graph undirected = components_graph();
  for (const Graph* g : {&directed, &undirected}) {
    const RowMatrix<double> rw = random_walk_landing(*g, 6);
    const RowMatrix<double> ref = dense_landing(*g, 6);
    EXPECT_LT((rw - ref).cwiseAbs().maxCoeff(), 1e-14) << rw << "\nvs\n" << ref;
  }
  // Spot values: on the 5-cycle a walk returns after 2 steps with probability 1/2; the edge 15-16
  // alternates; node 5 of the directed graph has no out-edges.
  const RowMatrix<double> rw = random_walk_landing(undirected, 4);
  EXPECT_DOUBLE_EQ(rw(6, 1), 0.5);
  EXPECT_DOUBLE_EQ(rw(15, 1), 1.0);
  EXPECT_DOUBLE_EQ(rw(15, 0), 0.0);
  EXPECT_EQ(random_walk_landing(directed, 3).row(5).sum(), 0.0);
}

TEST(PositionalEncodingTest, SameValuesForOneAndTwoThreads) {
  std::vector<Edge> edges;
  for (NodeId v = 0; v + 1 < 600; ++v) edges.push_back({v, static_cast<NodeId>((v * 7 + 3) % 600)});
  for (NodeId v = 0; v + 1 < 600; v += 3) edges.push_back({v, static_cast<NodeId>(v + 1)});
  const Graph g = build_graph(600, edges, {}, {.symmetrize = true});
  for (const std::string name : {"lap:4", "rw:8"}) {
    set_num_threads(1);
    const RowMatrix<double> a = positional_encoding<double>(g, parse_positional_encoding(name));
    set_num_threads(2);
    const RowMatrix<double> b = positional_encoding<double>(g, parse_positional_encoding(name));
    set_num_threads(0);
    EXPECT_TRUE(a == b) << name;
  }
}

TEST(PositionalEncodingTest, AppendedColumnsAreOverwrittenInPlace) {
  RowMatrix<float> extra(3, 2);
  extra << 0.5f, 0.0f, -1.0f, 2.0f, 0.0f, 0.0f;  // zeros must be stored too
  SparseRowMatrix<float> s(3, 4);
  s.insert(0, 1) = 1.0f;
  s.insert(2, 3) = 3.0f;
  s.makeCompressed();
  for (bool sparse : {false, true}) {
    const FeatureMatrix<float> x = sparse ? FeatureMatrix<float>(s) : FeatureMatrix<float>(RowMatrix<float>(s));
    FeatureMatrix<float> y = append_columns(x, extra);
    ASSERT_EQ(y.cols(), 6);
    ASSERT_EQ(y.is_sparse(), sparse);
    const RowMatrix<float> dense = sparse ? RowMatrix<float>(y.sparse()) : y.dense();
    EXPECT_EQ(dense.leftCols(4), RowMatrix<float>(s));
    EXPECT_EQ(dense.rightCols(2), extra);
    if (sparse) {
      EXPECT_EQ(y.sparse().nonZeros(), 2 + 6);
    }
    const RowMatrix<float> other = -extra.array() + 1.0f;
    set_appended_columns(y, other);
    const RowMatrix<float> after = sparse ? RowMatrix<float>(y.sparse()) : y.dense();
    EXPECT_EQ(after.rightCols(2), other);
    EXPECT_EQ(after.leftCols(4), RowMatrix<float>(s));
  }
  FeatureMatrix<float> plain(s);  // not made by append_columns
  EXPECT_THROW(set_appended_columns(plain, extra), InvalidArgument);
}

TEST(PositionalEncodingTest, NamesRoundTripAndBadValuesAreRefused) {
  for (const std::string name : {"none", "lap:1", "lap:8", "rw:16", "rw:64"})
    EXPECT_EQ(parse_positional_encoding(name).name(), name);
  EXPECT_EQ(parse_positional_encoding("rw:16").columns(), 16);
  EXPECT_EQ(parse_positional_encoding("none").columns(), 0);
  for (const std::string bad : {"", "lap", "lap:", "lap:0", "rw:65", "eig:4", "lap:4x", "RW:4"})
    EXPECT_THROW((void)parse_positional_encoding(bad), InvalidArgument) << bad;
}

}  // namespace
}  // namespace gatkit
