// Edge (bond) features in the additive and dot attention scores: independent per-edge references,
// finite differences for every parameter and the input, the self-loop fill, and thread-count independence.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "gatkit/nn/attention.hpp"
#include "gatkit/util/parallel.hpp"
#include "test_helpers.hpp"

namespace gatkit {
namespace {

using testing::random_edges;
using testing::random_matrix;

AttentionConfig edge_config(std::int64_t in_dim, bool concat, double dropout) {
  AttentionConfig c;
  c.in_dim = in_dim;
  c.heads = 3;
  c.head_dim = 4;
  c.concat = concat;
  c.edge_dim = 5;
  c.input_dropout = dropout;
  c.attention_dropout = dropout;
  return c;
}

const Eigen::Map<const RowMatrix<double>> block(const Parameters<double>& p, const std::string& suffix) {
  for (std::size_t b = 0; b < p.blocks().size(); ++b)
    if (p.blocks()[b].name.ends_with(suffix)) return p.value(static_cast<int>(b));
  throw std::runtime_error("no block " + suffix);
}

// Straight from the formula, one edge at a time: e_ijh = LeakyReLU(a_dst.z_ih + a_src.z_jh +
// a_edge.(f_ij W_e)_h), softmax over j, weighted sum of z_jh; no dropout.
RowMatrix<double> reference(const AttentionConfig& c, const Parameters<double>& p, const Graph& g,
                            const RowMatrix<double>& x, const RowMatrix<double>& f) {
  const std::int64_t H = c.heads, D = c.head_dim;
  const RowMatrix<double> z = x * block(p, ".weight");
  const RowMatrix<double> fe = f * block(p, ".edge_weight");  // E x H*D
  RowMatrix<double> y = RowMatrix<double>::Zero(g.num_nodes(), c.output_dim());
  for (NodeId i = 0; i < g.num_nodes(); ++i) {
    const EdgeId e0 = g.in_offsets()[i], e1 = g.in_offsets()[i + 1];
    for (std::int64_t h = 0; h < H; ++h) {
      std::vector<double> score;
      for (EdgeId e = e0; e < e1; ++e) {
        const NodeId j = g.sources()[e];
        const double pre = block(p, ".att_dst").row(h).dot(z.row(i).segment(h * D, D)) +
                           block(p, ".att_src").row(h).dot(z.row(j).segment(h * D, D)) +
                           block(p, ".att_edge").row(h).dot(fe.row(e).segment(h * D, D));
        score.push_back(pre > 0 ? pre : c.negative_slope * pre);
      }
      if (score.empty()) continue;
      const double mx = *std::max_element(score.begin(), score.end());
      double sum = 0;
      for (double& s : score) sum += (s = std::exp(s - mx));
      Vector<double> out = Vector<double>::Zero(D);
      for (EdgeId e = e0; e < e1; ++e) out += score[e - e0] / sum * z.row(g.sources()[e]).segment(h * D, D).transpose();
      if (c.concat) y.row(i).segment(h * D, D) += out.transpose();
      else y.row(i) += out.transpose() / double(H);
    }
  }
  return y.rowwise() + block(p, ".bias").row(0);
}

// Dot scores straight from the formula, one edge at a time with the E x H*D keys formed densely:
// e_ijh = q_ih . (k_jh + (f_ij W_e)_h) / sqrt(D), softmax over j, weighted sum of v_jh; no dropout.
RowMatrix<double> dot_reference(const AttentionConfig& c, const Parameters<double>& p, const Graph& g,
                                const RowMatrix<double>& x, const RowMatrix<double>& f) {
  const std::int64_t H = c.heads, D = c.head_dim, HD = H * D;
  const RowMatrix<double> z = x * block(p, ".weight");           // n x 3HD: q | k | v
  const RowMatrix<double> fe = f * block(p, ".edge_weight");     // E x H*D
  RowMatrix<double> y = RowMatrix<double>::Zero(g.num_nodes(), c.output_dim());
  for (NodeId i = 0; i < g.num_nodes(); ++i) {
    const EdgeId e0 = g.in_offsets()[i], e1 = g.in_offsets()[i + 1];
    for (std::int64_t h = 0; h < H; ++h) {
      std::vector<double> score;
      for (EdgeId e = e0; e < e1; ++e) {
        const NodeId j = g.sources()[e];
        const Vector<double> key = z.row(j).segment(HD + h * D, D).transpose() + fe.row(e).segment(h * D, D).transpose();
        score.push_back(z.row(i).segment(h * D, D).dot(key.transpose()) / std::sqrt(double(D)));
      }
      if (score.empty()) continue;
      const double mx = *std::max_element(score.begin(), score.end());
      double sum = 0;
      for (double& s : score) sum += (s = std::exp(s - mx));
      Vector<double> out = Vector<double>::Zero(D);
      for (EdgeId e = e0; e < e1; ++e)
        out += score[e - e0] / sum * z.row(g.sources()[e]).segment(2 * HD + h * D, D).transpose();
      if (c.concat) y.row(i).segment(h * D, D) += out.transpose();
      else y.row(i) += out.transpose() / double(H);
    }
  }
  return y.rowwise() + block(p, ".bias").row(0);
}

AttentionConfig dot_edge_config(std::int64_t in_dim, bool concat, double dropout) {
  AttentionConfig c = edge_config(in_dim, concat, dropout);
  c.kind = AttentionKind::dot;
  return c;
}

Graph small_graph() {
  return build_graph(13, random_edges(13, 2.5, 4, 2), {}, {.symmetrize = true, .self_loops = SelfLoops::add});
}

TEST(EdgeFeatures, MatchReference) {
  const Graph g = small_graph();
  for (bool concat : {true, false}) {
    Parameters<double> p;
    GraphAttention<double> layer(edge_config(6, concat, 0.0), p, "att");
    p.allocate();
    p.values().setRandom();
    const RowMatrix<double> x = random_matrix<double>(13, 6, 1);
    const RowMatrix<double> f = random_matrix<double>(g.num_edges(), 5, 2);
    AttentionCache<double> cache;
    RowMatrix<double> y;
    layer.forward(p, g, FeatureMatrix<double>(x), false, 0, cache, y, &f);
    EXPECT_LT((y - reference(layer.config(), p, g, x, f)).cwiseAbs().maxCoeff(), 1e-12) << concat;
    // the edge features matter: without them the output differs
    RowMatrix<double> zero_f = RowMatrix<double>::Zero(g.num_edges(), 5), y0;
    layer.forward(p, g, FeatureMatrix<double>(x), false, 0, cache, y0, &zero_f);
    EXPECT_GT((y - y0).cwiseAbs().maxCoeff(), 1e-3);
  }
}

// Finite differences of an edge-feature layer of `kind` (double), heads concatenated and averaged; the
// layer must have an edge weight block, or the edge term would go unchecked.
void expect_edge_feature_gradients(AttentionKind kind) {
  const Graph g = small_graph();
  for (bool concat : {true, false}) {
    Parameters<double> p;
    AttentionConfig config = edge_config(6, concat, 0.3);
    config.kind = kind;
    GraphAttention<double> layer(config, p, "att");
    p.allocate();
    Rng rng(3);
    layer.initialize(p, rng);
    p.values() += 0.1 * Vector<double>::Random(p.size());
    FeatureMatrix<double> x(random_matrix<double>(13, 6, 4));
    const RowMatrix<double> f = random_matrix<double>(g.num_edges(), 5, 5);
    const RowMatrix<double> weights = random_matrix<double>(13, layer.output_dim(), 6);
    bool saw_edge_weight = false;
    for (const auto& b : p.blocks()) saw_edge_weight |= b.name.ends_with(".edge_weight");
    EXPECT_TRUE(saw_edge_weight);
    testing::expect_attention_gradients(concat ? "concat" : "mean", layer, p, g, x, weights, 9, &f);
  }
}

TEST(EdgeFeatures, GradientsMatchFiniteDifferences) { expect_edge_feature_gradients(AttentionKind::additive); }

TEST(EdgeFeatures, SameBitsForOneAndManyThreads) {
  auto edges = random_edges(3000, 5, 8);
  const Graph g = build_graph(3000, edges, {}, {.symmetrize = true, .self_loops = SelfLoops::add});
  const RowMatrix<float> f = random_matrix<float>(g.num_edges(), 6, 3);
  auto run = [&](int threads, RowMatrix<float>& y, Vector<float>& grads) {
    set_num_threads(threads);
    Parameters<float> p;
    AttentionConfig c;
    c.in_dim = 16;
    c.heads = 8;
    c.head_dim = 8;
    c.edge_dim = 6;
    c.attention_dropout = 0.5;
    GraphAttention<float> layer(c, p, "att");
    p.allocate();
    Rng rng(1);
    layer.initialize(p, rng);
    const FeatureMatrix<float> x(random_matrix<float>(3000, 16, 2));
    AttentionCache<float> cache;
    layer.forward(p, g, x, true, 3, cache, y, &f);
    layer.backward(p, g, x, cache, random_matrix<float>(3000, 64, 4), nullptr, &f);
    grads = p.grads();
  };
  RowMatrix<float> y1, y2;
  Vector<float> g1, g2;
  run(1, y1, g1);
  run(2, y2, g2);
  set_num_threads(0);
  EXPECT_TRUE(y1 == y2);
  EXPECT_TRUE(g1 == g2);
}

TEST(DotEdgeFeatures, MatchReference) {
  const Graph g = small_graph();
  for (bool concat : {true, false}) {
    Parameters<double> p;
    GraphAttention<double> layer(dot_edge_config(6, concat, 0.0), p, "att");
    p.allocate();
    p.values().setRandom();
    EXPECT_EQ(p.blocks().size(), 3u);  // weight, bias, edge_weight: no attention vectors
    const RowMatrix<double> x = random_matrix<double>(13, 6, 1);
    const RowMatrix<double> f = random_matrix<double>(g.num_edges(), 5, 2);
    AttentionCache<double> cache;
    RowMatrix<double> y;
    layer.forward(p, g, FeatureMatrix<double>(x), false, 0, cache, y, &f);
    EXPECT_LT((y - dot_reference(layer.config(), p, g, x, f)).cwiseAbs().maxCoeff(), 1e-12) << concat;
    RowMatrix<double> zero_f = RowMatrix<double>::Zero(g.num_edges(), 5), y0;
    layer.forward(p, g, FeatureMatrix<double>(x), false, 0, cache, y0, &zero_f);
    EXPECT_GT((y - y0).cwiseAbs().maxCoeff(), 1e-3);
    // with zero edge features the layer is plain dot attention (the edge weight then plays no part)
    Parameters<double> plain_p;
    AttentionConfig plain = dot_edge_config(6, concat, 0.0);
    plain.edge_dim = 0;
    GraphAttention<double> plain_layer(plain, plain_p, "att");
    plain_p.allocate();
    plain_p.value(0) = block(p, ".weight");
    plain_p.value(1) = block(p, ".bias");
    AttentionCache<double> plain_cache;
    RowMatrix<double> y_plain;
    plain_layer.forward(plain_p, g, FeatureMatrix<double>(x), false, 0, plain_cache, y_plain);
    EXPECT_LT((y0 - y_plain).cwiseAbs().maxCoeff(), 1e-13);
  }
}

TEST(DotEdgeFeatures, GradientsMatchFiniteDifferences) { expect_edge_feature_gradients(AttentionKind::dot); }

TEST(DotEdgeFeatures, SameBitsForOneAndManyThreads) {
  auto edges = random_edges(3000, 5, 8);
  const Graph g = build_graph(3000, edges, {}, {.symmetrize = true, .self_loops = SelfLoops::add});
  const RowMatrix<float> f = random_matrix<float>(g.num_edges(), 6, 3);
  for (std::int64_t head_dim : {8, 5}) {  // compile-time and run-time head sizes
    auto run = [&](int threads, RowMatrix<float>& y, Vector<float>& grads, RowMatrix<float>& dx) {
      set_num_threads(threads);
      Parameters<float> p;
      AttentionConfig c;
      c.in_dim = 16;
      c.heads = 8;
      c.head_dim = head_dim;
      c.kind = AttentionKind::dot;
      c.edge_dim = 6;
      c.attention_dropout = 0.5;
      c.input_dropout = 0.2;
      GraphAttention<float> layer(c, p, "att");
      p.allocate();
      Rng rng(1);
      layer.initialize(p, rng);
      const FeatureMatrix<float> x(random_matrix<float>(3000, 16, 2));
      AttentionCache<float> cache;
      layer.forward(p, g, x, true, 3, cache, y, &f);
      layer.backward(p, g, x, cache, random_matrix<float>(3000, 8 * head_dim, 4), &dx, &f);
      grads = p.grads();
    };
    RowMatrix<float> y1, y2, dx1, dx2;
    Vector<float> g1, g2;
    run(1, y1, g1, dx1);
    run(2, y2, g2, dx2);
    set_num_threads(0);
    EXPECT_TRUE(y1 == y2) << head_dim;
    EXPECT_TRUE(g1 == g2) << head_dim;
    EXPECT_TRUE(dx1 == dx2) << head_dim;
  }
}

//   0 -> 1 (features [1, 2]),  2 -> 1 ([3, 4]),  1 -> 0 ([5, 6]); node 2 has no in-edges.
TEST(EdgeFeatures, SelfLoopsGetTheMeanOfIncomingFeatures) {
  const Graph g = build_graph(3, std::vector<Edge>{{0, 1}, {2, 1}, {1, 0}});
  RowMatrix<double> f(3, 2);
  // in-edge order: row 0 = {1 -> 0}; row 1 = {0 -> 1, 2 -> 1}
  f << 5, 6, 1, 2, 3, 4;
  const Graph looped = with_self_loops(g, SelfLoops::add);
  const RowMatrix<double> out = edge_features_with_self_loops(g, f, looped);
  RowMatrix<double> expected(6, 2);
  // row 0: {0 -> 0 (mean of [5, 6]), 1 -> 0}; row 1: {0 -> 1, 1 -> 1 (mean of [1,2],[3,4]), 2 -> 1}; row 2: {2 -> 2 (zero)}
  expected << 5, 6, 5, 6, 1, 2, 2, 3, 3, 4, 0, 0;
  EXPECT_TRUE(out == expected) << out;
}

TEST(EdgeFeatures, ClearErrors) {
  Parameters<float> p;
  AttentionConfig c;
  c.in_dim = 4;
  c.edge_dim = 3;
  c.edge_dim = -1;
  EXPECT_THROW(GraphAttention<float>(c, p, "att"), InvalidArgument);
  c.edge_dim = 3;
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::dot}) {
    c.kind = kind;
    Parameters<float> q;
    GraphAttention<float> layer(c, q, "att");
    q.allocate();
    const Graph g = build_graph(2, std::vector<Edge>{{0, 1}});
    AttentionCache<float> cache;
    RowMatrix<float> y;
    const FeatureMatrix<float> x(RowMatrix<float>::Zero(2, 4));
    EXPECT_THROW(layer.forward(q, g, x, false, 0, cache, y), InvalidArgument);  // features missing
    const RowMatrix<float> wrong = RowMatrix<float>::Zero(2, 3);                 // 2 rows for 1 edge
    EXPECT_THROW(layer.forward(q, g, x, false, 0, cache, y, &wrong), InvalidArgument);
  }
}

}  // namespace
}  // namespace gatkit
