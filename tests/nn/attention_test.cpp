// The attention layer against a dense masked-attention reference, finite differences for every
// parameter and input, and identical results for 1 and N threads.
#include "gatkit/nn/attention.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "gatkit/util/parallel.hpp"
#include "test_helpers.hpp"

namespace gatkit {
namespace {

using testing::random_edges;
using testing::random_matrix;
using testing::random_sparse;

struct Case {
  AttentionKind kind;
  bool concat;
  bool sparse_input;
  std::string name() const {
    return to_string(kind) + (concat ? "_concat" : "_mean") + (sparse_input ? "_sparse" : "_dense");
  }
};

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::dot})
    for (bool concat : {true, false})
      for (bool sparse : {false, true}) cases.push_back({kind, concat, sparse});
  return cases;
}

AttentionConfig make_config(const Case& c, std::int64_t in_dim, double input_dropout, double attention_dropout) {
  AttentionConfig config;
  config.in_dim = in_dim;
  config.heads = 3;
  config.head_dim = 4;
  config.concat = c.concat;
  config.kind = c.kind;
  config.input_dropout = input_dropout;
  config.attention_dropout = attention_dropout;
  return config;
}

FeatureMatrix<double> make_input(const Case& c, std::int64_t n, std::int64_t f, std::uint64_t seed) {
  if (c.sparse_input) return FeatureMatrix<double>(random_sparse<double>(n, f, 0.3, seed));
  return FeatureMatrix<double>(random_matrix<double>(n, f, seed));
}

// Dense reference: scores for all n x n pairs, masked by a boolean adjacency (i attends to j iff
// adj(i, j)), softmax over each row's unmasked entries, weighted sum of values. Dropout masks are
// drawn from the same (seed, index) streams as the layer, with edge indices recomputed from the CSR.
RowMatrix<double> dense_reference(const AttentionConfig& c, const Parameters<double>& p, const Graph& g,
                                  const FeatureMatrix<double>& x, const Dropout& in_drop, const Dropout& att_drop) {
  const std::int64_t n = g.num_nodes(), H = c.heads, D = c.head_dim, f = c.in_dim;
  const bool dot = c.kind == AttentionKind::dot;
  RowMatrix<double> xd = x.is_sparse() ? RowMatrix<double>(x.sparse()) : x.dense();
  if (x.is_sparse()) {  // dropout indexes stored entries in CSR order
    const auto& s = x.sparse();
    for (std::int64_t i = 0; i < n; ++i)
      for (auto k = s.outerIndexPtr()[i]; k < s.outerIndexPtr()[i + 1]; ++k)
        xd(i, s.innerIndexPtr()[k]) = s.valuePtr()[k] * in_drop.scale<double>(k);
  } else {
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < f; ++j) xd(i, j) *= in_drop.scale<double>(i * f + j);
  }
  const auto& blocks = p.blocks();
  auto find = [&](const std::string& suffix) {
    for (std::size_t b = 0; b < blocks.size(); ++b)
      if (blocks[b].name.ends_with(suffix)) return p.value(static_cast<int>(b));
    throw std::runtime_error("no block " + suffix);
  };
  const RowMatrix<double> z = xd * find(".weight");
  Eigen::MatrixXi adj = Eigen::MatrixXi::Constant(n, n, -1);  // edge index or -1
  for (std::int64_t i = 0; i < n; ++i)
    for (EdgeId e = g.in_offsets()[i]; e < g.in_offsets()[i + 1]; ++e) adj(i, g.sources()[e]) = static_cast<int>(e);
  RowMatrix<double> y = RowMatrix<double>::Zero(n, c.output_dim());
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t h = 0; h < H; ++h) {
      std::vector<double> score(n, -std::numeric_limits<double>::infinity());
      for (std::int64_t j = 0; j < n; ++j) {
        if (adj(i, j) < 0) continue;
        if (dot) {
          score[j] = z.row(i).segment(h * D, D).dot(z.row(j).segment(H * D + h * D, D)) / std::sqrt(double(D));
        } else {
          const double pre = find(".att_dst").row(h).dot(z.row(i).segment(h * D, D)) +
                             find(".att_src").row(h).dot(z.row(j).segment(h * D, D));
          score[j] = pre > 0 ? pre : c.negative_slope * pre;
        }
      }
      double mx = -std::numeric_limits<double>::infinity(), sum = 0;
      for (double s : score) mx = std::max(mx, s);
      for (std::int64_t j = 0; j < n; ++j) sum += adj(i, j) >= 0 ? std::exp(score[j] - mx) : 0.0;
      Vector<double> acc = Vector<double>::Zero(D);
      for (std::int64_t j = 0; j < n; ++j) {
        if (adj(i, j) < 0) continue;
        const double a = std::exp(score[j] - mx) / sum * att_drop.scale<double>(adj(i, j) * H + h);
        acc += a * z.row(j).segment((dot ? 2 * H * D : 0) + h * D, D).transpose();
      }
      if (c.concat) y.row(i).segment(h * D, D) += acc.transpose();
      else y.row(i) += acc.transpose() / double(H);
    }
  }
  return y.rowwise() + find(".bias").row(0);
}

Graph test_graph(std::int64_t n, std::uint64_t seed) {
  // Random edges with duplicates and existing self-loops, plus isolated nodes; every node then
  // gets exactly one self-loop except the last, which stays fully isolated (no edges at all).
  const auto edges = random_edges(n, 2.5, seed, /*isolated=*/3);
  Graph g = build_graph(n, edges, {}, {.symmetrize = false, .deduplicate = true, .self_loops = SelfLoops::add});
  std::vector<Edge> kept;
  for (std::int64_t i = 0; i < n; ++i)
    for (NodeId j : g.in_neighbors(static_cast<NodeId>(i)))
      if (i != n - 1) kept.push_back({j, static_cast<NodeId>(i)});
  return build_graph(n, kept);
}

class AttentionTest : public ::testing::TestWithParam<Case> {};

TEST_P(AttentionTest, MatchesDenseReferenceWithoutDropout) {
  const Case c = GetParam();
  const std::int64_t n = 17, f = 6;
  const Graph g = test_graph(n, 1);
  ASSERT_EQ(g.in_degree(static_cast<NodeId>(n - 1)), 0);  // an isolated node without self-loop
  Parameters<double> p;
  GraphAttention<double> layer(make_config(c, f, 0.0, 0.0), p, "att");
  p.allocate();
  Rng rng(7);
  layer.initialize(p, rng);
  p.values().setRandom();  // also a non-zero bias
  const auto x = make_input(c, n, f, 3);
  AttentionCache<double> cache;
  RowMatrix<double> y;
  layer.forward(p, g, x, /*training=*/false, 11, cache, y);
  const RowMatrix<double> ref = dense_reference(layer.config(), p, g, x, Dropout::none(), Dropout::none());
  ASSERT_EQ(y.rows(), ref.rows());
  ASSERT_EQ(y.cols(), ref.cols());
  EXPECT_LT((y - ref).cwiseAbs().maxCoeff(), 1e-12);
  // attention weights of every non-empty row sum to one per head
  for (std::int64_t i = 0; i < n; ++i)
    for (int h = 0; h < layer.config().heads; ++h) {
      double s = 0;
      for (EdgeId e = g.in_offsets()[i]; e < g.in_offsets()[i + 1]; ++e) s += cache.alpha[e * layer.config().heads + h];
      EXPECT_NEAR(s, g.in_degree(static_cast<NodeId>(i)) > 0 ? 1.0 : 0.0, 1e-12);
    }
}

TEST_P(AttentionTest, MatchesDenseReferenceWithDropout) {
  const Case c = GetParam();
  const std::int64_t n = 15, f = 5;
  const Graph g = test_graph(n, 2);
  Parameters<double> p;
  GraphAttention<double> layer(make_config(c, f, 0.3, 0.4), p, "att");
  p.allocate();
  p.values().setRandom();
  const auto x = make_input(c, n, f, 5);
  AttentionCache<double> cache;
  RowMatrix<double> y;
  layer.forward(p, g, x, /*training=*/true, 99, cache, y);
  const RowMatrix<double> ref =
      dense_reference(layer.config(), p, g, x, cache.input_dropout, cache.attention_dropout);
  EXPECT_LT((y - ref).cwiseAbs().maxCoeff(), 1e-12);
}

TEST_P(AttentionTest, GradientsMatchFiniteDifferences) {
  const Case c = GetParam();
  const std::int64_t n = 11, f = 5;
  const Graph g = test_graph(n, 3);
  Parameters<double> p;
  GraphAttention<double> layer(make_config(c, f, 0.25, 0.3), p, "att");
  p.allocate();
  Rng rng(5);
  layer.initialize(p, rng);
  p.values() += 0.1 * Vector<double>::Random(p.size());
  FeatureMatrix<double> x = make_input(c, n, f, 8);
  const RowMatrix<double> weights = random_matrix<double>(n, layer.output_dim(), 13);
  testing::expect_attention_gradients(c.name(), layer, p, g, x, weights, 42);
}

INSTANTIATE_TEST_SUITE_P(AllScorings, AttentionTest, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name(); });

// Forward and backward on a larger graph with a hub node must give bitwise-identical results with one
// thread and with several.
TEST(AttentionDeterminism, SameBitsForOneAndManyThreads) {
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::dot}) {
    const std::int64_t n = 3000, f = 40;
    auto edges = random_edges(n, 6, 21);
    for (NodeId v = 0; v < n; v += 2) edges.push_back({v, 0});  // hub with in-degree n/2
    const Graph g = build_graph(n, edges, {}, {.symmetrize = true, .self_loops = SelfLoops::add});
    auto run = [&](int threads, RowMatrix<float>& y, Vector<float>& grads, RowMatrix<float>& dx) {
      set_num_threads(threads);
      Parameters<float> p;
      AttentionConfig config;
      config.in_dim = f;
      config.heads = 4;
      config.head_dim = 8;
      config.kind = kind;
      config.input_dropout = 0.5;
      config.attention_dropout = 0.5;
      GraphAttention<float> layer(config, p, "att");
      p.allocate();
      Rng rng(1);
      layer.initialize(p, rng);
      const FeatureMatrix<float> x(random_matrix<float>(n, f, 2));
      AttentionCache<float> cache;
      layer.forward(p, g, x, true, 3, cache, y);
      layer.backward(p, g, x, cache, random_matrix<float>(n, layer.output_dim(), 4), &dx);
      grads = p.grads();
    };
    RowMatrix<float> y1, y2, dx1, dx2;
    Vector<float> g1, g2;
    run(1, y1, g1, dx1);
    run(2, y2, g2, dx2);
    set_num_threads(0);
    EXPECT_TRUE(y1 == y2) << to_string(kind);
    EXPECT_TRUE(g1 == g2) << to_string(kind);
    EXPECT_TRUE(dx1 == dx2) << to_string(kind);
  }
}

TEST(AttentionConfigTest, RejectsBadSettings) {
  Parameters<float> p;
  AttentionConfig c;
  c.in_dim = 0;
  EXPECT_THROW(GraphAttention<float>(c, p, "x"), InvalidArgument);
  c.in_dim = 3;
  c.attention_dropout = 1.0;
  EXPECT_THROW(GraphAttention<float>(c, p, "x"), InvalidArgument);
  EXPECT_THROW(parse_attention_kind("cosine"), InvalidArgument);
  EXPECT_EQ(parse_attention_kind("dot"), AttentionKind::dot);
}

}  // namespace
}  // namespace gatkit
