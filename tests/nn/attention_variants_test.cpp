// The attention switches (scoring additive | gatv2 | dot, normaliser softmax | sparsemax | relu, head
// merge concat | project | mean), every combination with and without edge features (and the cardinality
// term with every scoring and merge, softmax and sparsemax): a reference
// written from the formulas (every per-edge vector formed densely, sparsemax found by bisection rather
// than by sorting), finite differences in double precision for every parameter and the input (dropout
// on, duplicate edges, nodes without in-edges), and bitwise-identical results for 1 and 2 threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gatkit/nn/attention.hpp"
#include "gatkit/util/parallel.hpp"
#include "test_helpers.hpp"

namespace gatkit {
namespace {

using testing::random_edges;
using testing::random_matrix;

struct Variant {
  AttentionKind kind;
  AttentionNormalizer normalizer;
  HeadMerge merge;
  std::int64_t edge_dim;
  Cardinality cardinality = Cardinality::none;
  std::string name() const {
    return to_string(kind) + "_" + to_string(normalizer) + "_" + to_string(merge) +
           (edge_dim > 0 ? "_edges" : "_noedges") + (cardinality == Cardinality::additive ? "_cardinality" : "");
  }
};

std::vector<Variant> all_variants() {
  std::vector<Variant> out;
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::gatv2, AttentionKind::dot})
    for (AttentionNormalizer norm : {AttentionNormalizer::softmax, AttentionNormalizer::sparsemax, AttentionNormalizer::relu})
      for (HeadMerge merge : {HeadMerge::concat, HeadMerge::project, HeadMerge::mean})
        for (std::int64_t edge_dim : {0, 4}) out.push_back({kind, norm, merge, edge_dim});
  // The cardinality term sits after the normaliser: every scoring and merge, two normalisers.
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::gatv2, AttentionKind::dot})
    for (AttentionNormalizer norm : {AttentionNormalizer::softmax, AttentionNormalizer::sparsemax})
      for (HeadMerge merge : {HeadMerge::concat, HeadMerge::project, HeadMerge::mean})
        out.push_back({kind, norm, merge, norm == AttentionNormalizer::softmax ? 4 : 0, Cardinality::additive});
  return out;
}

AttentionConfig make_config(const Variant& v, std::int64_t in_dim, double dropout) {
  AttentionConfig c;
  c.in_dim = in_dim;
  c.heads = 3;
  c.head_dim = 4;
  c.set_merge(v.merge);
  c.kind = v.kind;
  c.normalizer = v.normalizer;
  c.edge_dim = v.edge_dim;
  c.cardinality = v.cardinality;
  c.input_dropout = dropout;
  c.attention_dropout = dropout;
  return c;
}

RowMatrix<double> block(const Parameters<double>& p, const std::string& name) {
  for (std::size_t b = 0; b < p.blocks().size(); ++b)
    if (p.blocks()[b].name == name) return p.value(static_cast<int>(b));
  throw std::runtime_error("no block " + name);
}

double leaky(double x, double slope) { return x > 0 ? x : slope * x; }

/// The weights of one head's scores: softmax, sparsemax (tau by bisection on sum max(s - tau, 0) = 1, then
/// exactly from the support) or relu / (sum + eps).
std::vector<double> normalise(const std::vector<double>& s, AttentionNormalizer normalizer) {
  std::vector<double> w(s.size());
  if (s.empty()) return w;
  const double mx = *std::max_element(s.begin(), s.end());
  if (normalizer == AttentionNormalizer::softmax) {
    double sum = 0;
    for (std::size_t k = 0; k < s.size(); ++k) sum += (w[k] = std::exp(s[k] - mx));
    for (double& x : w) x /= sum;
  } else if (normalizer == AttentionNormalizer::sparsemax) {
    double lo = mx - 1, hi = mx;  // sum max(s - tau, 0) is >= 1 at lo and 0 at hi
    for (int it = 0; it < 200; ++it) {
      const double mid = 0.5 * (lo + hi);
      double mass = 0;
      for (double x : s) mass += std::max(x - mid, 0.0);
      (mass > 1 ? lo : hi) = mid;
    }
    double support_sum = 0;
    int support = 0;
    for (double x : s)
      if (x > lo) support_sum += x, ++support;
    const double tau = (support_sum - 1) / support;
    for (std::size_t k = 0; k < s.size(); ++k) w[k] = std::max(s[k] - tau, 0.0);
  } else {
    double sum = 0;
    for (std::size_t k = 0; k < s.size(); ++k) sum += (w[k] = std::max(s[k], 0.0));
    for (double& x : w) x /= sum + kReluNormEpsilon;
  }
  return w;
}

/// The layer's output from the formulas of attention.hpp, edge by edge; also the weights alpha (E x H)
/// before dropout. x is dense; dropout masks are those the layer drew (cache of a forward).
RowMatrix<double> reference(const AttentionConfig& c, const Parameters<double>& p, const Graph& g,
                            const RowMatrix<double>& x, const RowMatrix<double>* f, const Dropout& in_drop,
                            const Dropout& att_drop, std::vector<double>* alpha_out = nullptr) {
  const std::int64_t n = g.num_nodes(), H = c.heads, D = c.head_dim, HD = H * D;
  RowMatrix<double> xd = x;
  for (std::int64_t k = 0; k < xd.size(); ++k) xd.data()[k] *= in_drop.scale<double>(static_cast<std::uint64_t>(k));
  const RowMatrix<double> z = xd * block(p, "att.weight");
  const RowMatrix<double> fe = f ? RowMatrix<double>(*f * block(p, "att.edge_weight")) : RowMatrix<double>();  // E x HD
  auto edge_term = [&](EdgeId e, std::int64_t h) -> Vector<double> {
    return f ? Vector<double>(fe.row(e).segment(h * D, D).transpose()) : Vector<double>(Vector<double>::Zero(D));
  };
  RowMatrix<double> heads = RowMatrix<double>::Zero(n, HD);
  if (alpha_out) alpha_out->assign(static_cast<std::size_t>(g.num_edges() * H), 0.0);
  for (NodeId i = 0; i < n; ++i) {
    const EdgeId e0 = g.in_offsets()[i], e1 = g.in_offsets()[i + 1];
    for (std::int64_t h = 0; h < H; ++h) {
      std::vector<double> score;
      for (EdgeId e = e0; e < e1; ++e) {
        const NodeId j = g.sources()[e];
        double sc = 0;
        if (c.kind == AttentionKind::additive) {
          double pre = block(p, "att.att_dst").row(h).dot(z.row(i).segment(h * D, D)) +
                       block(p, "att.att_src").row(h).dot(z.row(j).segment(h * D, D));
          if (f) pre += block(p, "att.att_edge").row(h).dot(edge_term(e, h).transpose());
          sc = leaky(pre, c.negative_slope);
        } else if (c.kind == AttentionKind::dot) {
          const Vector<double> key = z.row(j).segment(HD + h * D, D).transpose() + edge_term(e, h);
          sc = z.row(i).segment(h * D, D).dot(key.transpose()) / std::sqrt(double(D));
        } else {
          const Vector<double> t = z.row(i).segment(HD + h * D, D).transpose() + z.row(j).segment(h * D, D).transpose() +
                                   edge_term(e, h);
          for (std::int64_t d = 0; d < D; ++d) sc += block(p, "att.att")(h, d) * leaky(t(d), c.negative_slope);
        }
        score.push_back(sc);
      }
      const std::vector<double> w = normalise(score, c.normalizer);
      const std::int64_t value_offset = c.kind == AttentionKind::dot ? 2 * HD : 0;
      for (EdgeId e = e0; e < e1; ++e) {
        if (alpha_out) (*alpha_out)[static_cast<std::size_t>(e * H + h)] = w[e - e0];
        const double a = w[e - e0] * att_drop.scale<double>(static_cast<std::uint64_t>(e * H + h));
        heads.row(i).segment(h * D, D) += a * z.row(g.sources()[e]).segment(value_offset + h * D, D);
      }
      if (c.cardinality == Cardinality::additive)  // w_h o (sum of the values), no attention dropout
        for (EdgeId e = e0; e < e1; ++e)
          heads.row(i).segment(h * D, D).array() +=
              block(p, "att.cardinality").row(h).array() * z.row(g.sources()[e]).segment(value_offset + h * D, D).array();
    }
  }
  RowMatrix<double> y;
  if (c.merge() == HeadMerge::mean) {
    y = RowMatrix<double>::Zero(n, D);
    for (std::int64_t h = 0; h < H; ++h) y += heads.middleCols(h * D, D) / double(H);
  } else if (c.merge() == HeadMerge::project) {
    y = heads * block(p, "att.out_weight");
  } else {
    y = heads;
  }
  return y.rowwise() + block(p, "att.bias").row(0);
}

// Random edges kept as drawn: duplicated edges, some self-loops, and the last three nodes without any
// edge (no in-edges: their output is the bias).
Graph test_graph(std::int64_t n, std::uint64_t seed) {
  return build_graph(n, random_edges(n, 2.5, seed, /*isolated=*/3), {}, {.deduplicate = false});
}

bool has_duplicate_edge(const Graph& g) {
  for (NodeId i = 0; i < g.num_nodes(); ++i)
    for (EdgeId e = g.in_offsets()[i] + 1; e < g.in_offsets()[i + 1]; ++e)
      if (g.sources()[e] == g.sources()[e - 1]) return true;
  return false;
}

// Central-difference step. Relu normalisation divides by a row's sum of positive scores, which can be
// small: its curvature then makes the O(step^2) error of the default 1e-5 exceed the tolerance (seen as
// a relative error of 1.3e-5 that vanishes at 1e-7); at 1e-6 round-off is about 1e-9 absolute.
constexpr double kStep = 1e-6;
/// Gradients below this are compared absolutely (tolerance 1e-5 of it): round-off at the smaller step.
constexpr double kFloor = 1e-3;

class VariantTest : public ::testing::TestWithParam<Variant> {};

TEST_P(VariantTest, MatchesReference) {
  const Variant v = GetParam();
  const std::int64_t n = 17, in = 6;
  const Graph g = test_graph(n, 1);
  ASSERT_TRUE(has_duplicate_edge(g));
  ASSERT_EQ(g.in_degree(static_cast<NodeId>(n - 1)), 0);
  for (double dropout : {0.0, 0.35}) {
    Parameters<double> p;
    GraphAttention<double> layer(make_config(v, in, dropout), p, "att");
    p.allocate();
    // Uniform in [-1, 1], biases included; drawn from a seed (Eigen's setRandom depends on earlier tests).
    p.values() = Eigen::Map<const Vector<double>>(random_matrix<double>(p.size(), 1, 17).data(), p.size());
    const RowMatrix<double> x = random_matrix<double>(n, in, 3);
    const RowMatrix<double> f = random_matrix<double>(g.num_edges(), std::max<std::int64_t>(v.edge_dim, 1), 4);
    const RowMatrix<double>* edges = v.edge_dim > 0 ? &f : nullptr;
    AttentionCache<double> cache;
    RowMatrix<double> y;
    layer.forward(p, g, FeatureMatrix<double>(x), dropout > 0, 11, cache, y, edges);
    std::vector<double> alpha;
    const RowMatrix<double> ref = reference(layer.config(), p, g, x, edges, cache.input_dropout, cache.attention_dropout, &alpha);
    ASSERT_EQ(y.rows(), ref.rows());
    ASSERT_EQ(y.cols(), ref.cols());
    // (relu normalisation divides by a row sum that can be small: a few ulps of a score become 1e-11)
    EXPECT_LT((y - ref).cwiseAbs().maxCoeff(), 1e-10) << v.name() << " dropout " << dropout;
    ASSERT_EQ(cache.alpha.size(), alpha.size());
    double worst = 0;
    for (std::size_t k = 0; k < alpha.size(); ++k) worst = std::max(worst, std::abs(cache.alpha[k] - alpha[k]));
    EXPECT_LT(worst, 1e-10) << v.name();
    // Sparsemax and relu give exact zeros; softmax none. Every row sums to one (relu: at most one).
    const auto zeros = std::count(cache.alpha.begin(), cache.alpha.end(), 0.0);
    if (v.normalizer == AttentionNormalizer::softmax) EXPECT_EQ(zeros, 0);
    else EXPECT_GT(zeros, 0);
    for (NodeId i = 0; i < n; ++i)
      for (int h = 0; h < 3; ++h) {
        double sum = 0;
        for (EdgeId e = g.in_offsets()[i]; e < g.in_offsets()[i + 1]; ++e) sum += cache.alpha[e * 3 + h];
        if (g.in_degree(i) == 0) EXPECT_EQ(sum, 0.0);
        else if (v.normalizer == AttentionNormalizer::relu) EXPECT_LE(sum, 1.0 + 1e-12);
        else EXPECT_NEAR(sum, 1.0, 1e-12);
      }
  }
}

TEST_P(VariantTest, GradientsMatchFiniteDifferences) {
  const Variant v = GetParam();
  const std::int64_t n = 11, in = 5;
  const Graph g = test_graph(n, 3);
  ASSERT_TRUE(has_duplicate_edge(g));
  Parameters<double> p;
  GraphAttention<double> layer(make_config(v, in, 0.3), p, "att");
  p.allocate();
  Rng rng(5);
  layer.initialize(p, rng);
  // Biases too; scores of both signs. Seeded: Eigen's Random depends on the tests run before.
  p.values() += Eigen::Map<const Vector<double>>(random_matrix<double>(p.size(), 1, 19, 0.3).data(), p.size());
  FeatureMatrix<double> x(random_matrix<double>(n, in, 8));
  const RowMatrix<double> f = random_matrix<double>(g.num_edges(), std::max<std::int64_t>(v.edge_dim, 1), 9);
  const RowMatrix<double>* edges = v.edge_dim > 0 ? &f : nullptr;
  const RowMatrix<double> weights = random_matrix<double>(n, layer.output_dim(), 13);
  testing::expect_attention_gradients(v.name(), layer, p, g, x, weights, 42, edges,
                                      {.eps = kStep, .tolerance = 1e-5, .floor = kFloor, .require_nonzero = true});
}

TEST_P(VariantTest, ParameterCountMatchesTheLayer) {
  const Variant v = GetParam();
  Parameters<float> p;
  const AttentionConfig c = make_config(v, 7, 0.0);
  GraphAttention<float> layer(c, p, "att");
  p.allocate();
  EXPECT_EQ(p.size(), c.parameter_count()) << v.name();
}

INSTANTIATE_TEST_SUITE_P(AllSwitches, VariantTest, ::testing::ValuesIn(all_variants()),
                         [](const ::testing::TestParamInfo<Variant>& info) { return info.param.name(); });

// Forward and backward on a larger graph with a hub: the same bits with 1 and 2 threads, for the
// compile-time shape (8 heads of 8) and a run-time one (3 heads of 5).
TEST(AttentionVariantDeterminism, SameBitsForOneAndTwoThreads) {
  const std::int64_t n = 3000, in = 24;
  auto edge_list = random_edges(n, 5, 21);
  for (NodeId u = 0; u < n; u += 2) edge_list.push_back({u, 0});  // in-degree n/2
  const Graph g = build_graph(n, edge_list, {}, {.symmetrize = true, .self_loops = SelfLoops::add});
  const RowMatrix<float> f = random_matrix<float>(g.num_edges(), 6, 3);
  const FeatureMatrix<float> x(random_matrix<float>(n, in, 2));
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::gatv2, AttentionKind::dot})
    for (AttentionNormalizer norm : {AttentionNormalizer::softmax, AttentionNormalizer::sparsemax, AttentionNormalizer::relu})
      for (HeadMerge merge : {HeadMerge::concat, HeadMerge::project, HeadMerge::mean}) {
        if (kind != AttentionKind::gatv2 && norm == AttentionNormalizer::softmax && merge != HeadMerge::project) continue;
        for (auto [heads, head_dim, edge_dim] : {std::tuple{8, 8, 6}, std::tuple{3, 5, 0}}) {
          // The cardinality term on the run-time shape (its pulls are the same code for every shape).
          const Cardinality cardinality = heads == 3 ? Cardinality::additive : Cardinality::none;
          auto run = [&](int threads, RowMatrix<float>& y, Vector<float>& grads, RowMatrix<float>& dx) {
            set_num_threads(threads);
            Parameters<float> p;
            AttentionConfig c;
            c.in_dim = in;
            c.heads = heads;
            c.head_dim = head_dim;
            c.kind = kind;
            c.normalizer = norm;
            c.set_merge(merge);
            c.edge_dim = edge_dim;
            c.cardinality = cardinality;
            c.input_dropout = 0.2;
            c.attention_dropout = 0.5;
            GraphAttention<float> layer(c, p, "att");
            p.allocate();
            Rng rng(1);
            layer.initialize(p, rng);
            AttentionCache<float> cache;
            layer.forward(p, g, x, true, 3, cache, y, edge_dim > 0 ? &f : nullptr);
            layer.backward(p, g, x, cache, random_matrix<float>(n, layer.output_dim(), 4), &dx, edge_dim > 0 ? &f : nullptr);
            grads = p.grads();
          };
          RowMatrix<float> y1, y2, dx1, dx2;
          Vector<float> g1, g2;
          run(1, y1, g1, dx1);
          run(2, y2, g2, dx2);
          set_num_threads(0);
          const std::string what = to_string(kind) + " " + to_string(norm) + " " + to_string(merge) + " H" +
                                   std::to_string(heads);
          EXPECT_TRUE(y1.allFinite()) << what;
          EXPECT_TRUE(y1 == y2) << what;
          EXPECT_TRUE(g1 == g2) << what;
          EXPECT_TRUE(dx1 == dx2) << what;
        }
      }
}

// The normalisers on hand-made scores, through a one-node layer whose scores are known: dot scoring
// with W_q = W_k = 0 gives score 0 on every edge but the edge features' key term q . (f W_e) decides.
TEST(AttentionNormalizers, SparsemaxHasExactZerosAndReluDropsNegativeScores) {
  // Node 0 attends to nodes 1, 2, 3 through edge features whose scores are 2, 1.9 and -3 (head 1, D 1).
  const Graph g = build_graph(4, std::vector<Edge>{{1, 0}, {2, 0}, {3, 0}});
  RowMatrix<double> f(3, 1);
  f << 2.0, 1.9, -3.0;
  for (AttentionNormalizer norm : {AttentionNormalizer::sparsemax, AttentionNormalizer::relu}) {
    AttentionConfig c;
    c.in_dim = 1;
    c.heads = 1;
    c.head_dim = 1;
    c.kind = AttentionKind::dot;
    c.normalizer = norm;
    c.edge_dim = 1;
    Parameters<double> p;
    GraphAttention<double> layer(c, p, "att");
    p.allocate();
    p.values().setZero();
    p.value(0)(0, 0) = 1.0;  // [q | k | v] = x [1 | 0 | 1]: q = v = 1 for x = 1
    p.value(0)(0, 2) = 1.0;
    p.value(2)(0, 0) = 1.0;  // edge_weight: the key term is f
    RowMatrix<double> x = RowMatrix<double>::Ones(4, 1);
    AttentionCache<double> cache;
    RowMatrix<double> y;
    layer.forward(p, g, FeatureMatrix<double>(x), false, 0, cache, y, &f);
    if (norm == AttentionNormalizer::sparsemax) {
      // scores 2, 1.9, -3: tau = (2 + 1.9 - 1) / 2 = 1.45, weights 0.55, 0.45, 0
      EXPECT_NEAR(cache.alpha[0], 0.55, 1e-12);
      EXPECT_NEAR(cache.alpha[1], 0.45, 1e-12);
      EXPECT_EQ(cache.alpha[2], 0.0);
    } else {
      EXPECT_NEAR(cache.alpha[0], 2.0 / (3.9 + kReluNormEpsilon), 1e-12);
      EXPECT_NEAR(cache.alpha[1], 1.9 / (3.9 + kReluNormEpsilon), 1e-12);
      EXPECT_EQ(cache.alpha[2], 0.0);
    }
  }
}

// What the cardinality term is for: node 0 reads one copy of a feature vector, node 4 three copies of it.
// Attention weights sum to one, so without the term both get the same output; with it (w = ones after
// initialize) node 4's output grows by two more copies of the values.
TEST(AttentionCardinality, TellsOneNeighbourFromThreeAlike) {
  const Graph g = build_graph(8, std::vector<Edge>{{1, 0}, {5, 4}, {6, 4}, {7, 4}});
  RowMatrix<double> x = RowMatrix<double>::Zero(8, 3);
  for (NodeId j : {1, 5, 6, 7}) x.row(j) << 0.5, -1.0, 2.0;
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::gatv2, AttentionKind::dot}) {
    RowMatrix<double> out[2];
    for (Cardinality cardinality : {Cardinality::none, Cardinality::additive}) {
      AttentionConfig c;
      c.in_dim = 3;
      c.heads = 2;
      c.head_dim = 4;
      c.kind = kind;
      c.cardinality = cardinality;
      Parameters<double> p;
      GraphAttention<double> layer(c, p, "att");
      p.allocate();
      Rng rng(3);
      layer.initialize(p, rng);
      if (cardinality == Cardinality::additive) {
        EXPECT_TRUE((block(p, "att.cardinality").array() == 1.0).all());
      }
      AttentionCache<double> cache;
      RowMatrix<double>& y = out[cardinality == Cardinality::additive];
      layer.forward(p, g, FeatureMatrix<double>(x), false, 0, cache, y);
    }
    const std::string what = to_string(kind);
    EXPECT_LT((out[0].row(0) - out[0].row(4)).cwiseAbs().maxCoeff(), 1e-12) << what;  // attention alone: alike
    // With the term: node 0 gets attention + 1 x v, node 4 attention + 3 x v, v = the values of x_1.
    const RowMatrix<double> v = out[1].row(0) - out[0].row(0);
    EXPECT_GT(v.cwiseAbs().maxCoeff(), 1e-3) << what;
    EXPECT_LT((out[1].row(4) - out[0].row(4) - 3 * v).cwiseAbs().maxCoeff(), 1e-12) << what;
  }
}

TEST(AttentionSwitches, NamesRoundTripAndBadNamesAreErrors) {
  for (AttentionKind k : {AttentionKind::additive, AttentionKind::gatv2, AttentionKind::dot})
    EXPECT_EQ(parse_attention_kind(to_string(k)), k);
  for (AttentionNormalizer k : {AttentionNormalizer::softmax, AttentionNormalizer::sparsemax, AttentionNormalizer::relu})
    EXPECT_EQ(parse_attention_normalizer(to_string(k)), k);
  for (HeadMerge k : {HeadMerge::concat, HeadMerge::project, HeadMerge::mean}) EXPECT_EQ(parse_head_merge(to_string(k)), k);
  for (Cardinality k : {Cardinality::none, Cardinality::additive}) EXPECT_EQ(parse_cardinality(to_string(k)), k);
  EXPECT_THROW(parse_cardinality("scaled"), InvalidArgument);
  EXPECT_THROW(parse_attention_kind("gatv3"), InvalidArgument);
  EXPECT_THROW(parse_attention_normalizer("entmax"), InvalidArgument);
  EXPECT_THROW(parse_head_merge("sum"), InvalidArgument);
  AttentionConfig c;
  c.in_dim = 3;
  c.concat = false;
  c.project = true;  // a projection of averaged heads is not a configuration
  Parameters<float> p;
  EXPECT_THROW(GraphAttention<float>(c, p, "att"), InvalidArgument);
}

}  // namespace
}  // namespace gatkit
