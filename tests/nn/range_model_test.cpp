// Range of attention and positional encodings in the models: k-hop with k = 1 is 1-hop (same graph,
// same outputs, node and molecule models); `full` is plain self-attention over every node, checked
// against a dense softmax over all nodes computed here; finite differences through the whole node and
// graph models with range and encodings switched on.
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "gatkit/graph/positional.hpp"
#include "gatkit/graph/range.hpp"
#include "gatkit/nn/functional.hpp"
#include "gatkit/nn/graph_model.hpp"
#include "gatkit/nn/model.hpp"
#include "test_helpers.hpp"

namespace gatkit {
namespace {

using testing::random_edges;
using testing::random_matrix;

Parameters<double>::Block block_named(const Parameters<double>& p, const std::string& name) {
  for (const auto& b : p.blocks())
    if (b.name == name) return b;
  throw std::runtime_error("no block " + name);
}

ModelConfig node_config(AttentionKind kind, int layers, const std::string& range, bool self_loops = true) {
  ModelConfig c;
  c.in_dim = 5;
  c.num_classes = 3;
  c.attention = kind;
  c.layers = layers;
  c.heads = 2;
  c.hidden = 3;
  c.output_heads = 2;
  c.dropout = 0.2;
  c.attention_dropout = 0.3;
  c.self_loops = self_loops;
  c.range = parse_attention_range(range);
  return c;
}

TEST(RangeModel, KHopOneIsOneHopForNodeModels) {
  // Deduplicated, undirected, with self-loops already in the input and isolated nodes.
  const Graph g = build_graph(20, random_edges(20, 2.0, 3), {}, {.symmetrize = true});
  ASSERT_GT(g.num_self_loops(), 0);
  const FeatureMatrix<double> x(random_matrix<double>(20, 5, 4));
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::dot})
    for (bool loops : {true, false}) {
      GatModel<double> one(node_config(kind, 2, "1-hop", loops)), k1(node_config(kind, 2, "k-hop:1", loops));
      one.initialize(5);
      k1.parameters().values() = one.parameters().values();
      const Graph a = one.prepare_graph(g), b = k1.prepare_graph(g);
      EXPECT_EQ(a.in_offsets(), b.in_offsets());
      EXPECT_EQ(a.sources(), b.sources());
      for (bool training : {false, true}) {
        const RowMatrix<double> ya = one.forward(a, x, training, 9);
        const RowMatrix<double> yb = k1.forward(b, x, training, 9);
        EXPECT_TRUE(ya == yb) << to_string(kind) << (loops ? " loops" : " no loops") << (training ? " training" : "");
      }
    }
}

// Bond features: k-hop:1 adds one hop column ("hop=1"); with its weights at zero the model is the 1-hop
// model exactly, up to the rounding of a GEMM of another width.
TEST(RangeModel, KHopOneIsOneHopForGraphModelsWithBonds) {
  const Graph batch = build_graph(6, std::vector<Edge>{{0, 1}, {1, 2}, {2, 0}, {3, 4}}, {}, {.symmetrize = true});
  const std::vector<std::int64_t> offsets = {0, 3, 5, 6};
  const RowMatrix<double> bonds = random_matrix<double>(batch.num_edges(), 3, 5);
  const FeatureMatrix<double> x(random_matrix<double>(6, 4, 6));
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::dot}) {
    GraphModelConfig c;
    c.in_dim = 4;
    c.edge_dim = 3;
    c.num_tasks = 2;
    c.layers = 2;
    c.heads = 2;
    c.hidden = 3;
    c.attention = kind;
    GraphGat<double> one(c);
    one.initialize(2);
    c.range = parse_attention_range("k-hop:1");
    EXPECT_EQ(c.attention_edge_dim(), 4);
    GraphGat<double> k1(c);
    k1.parameters().values().setZero();
    for (const auto& b : one.parameters().blocks()) {
      const auto target = block_named(k1.parameters(), b.name);
      // edge_weight is edge_dim x H*D, row-major: the 1-hop rows come first, the hop row stays zero.
      k1.parameters().values().segment(target.offset, b.rows * b.cols) = one.parameters().values().segment(b.offset, b.rows * b.cols);
    }
    const auto in_one = one.prepare(batch, &bonds, offsets), in_k1 = k1.prepare(batch, &bonds, offsets);
    EXPECT_EQ(in_one.graph.sources(), in_k1.graph.sources());
    EXPECT_EQ(in_k1.edge_features.leftCols(3), in_one.edge_features);
    const RowMatrix<double> a = one.forward(in_one, x, offsets, false, 0);
    const RowMatrix<double> b = k1.forward(in_k1, x, offsets, false, 0);
    EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 1e-12) << to_string(kind);
  }
}

// `full` on a small graph of two components and an isolated node: a one-layer model (heads averaged)
// equals self-attention over all nodes computed densely here: scores for every pair (i, j), i included,
// softmax over all j, no mask.
TEST(RangeModel, FullIsDenseSelfAttentionOverAllNodes) {
  const std::int64_t n = 7, f = 5, H = 2, C = 3;
  const Graph g = build_graph(n, std::vector<Edge>{{0, 1}, {1, 2}, {3, 4}, {4, 5}}, {}, {.symmetrize = true});
  const RowMatrix<double> xd = random_matrix<double>(n, f, 11);
  const FeatureMatrix<double> x(xd);
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::dot}) {
    ModelConfig c = node_config(kind, 1, "full");
    c.dropout = c.attention_dropout = 0;
    GatModel<double> model(c);
    model.initialize(12);
    Parameters<double>& p = model.parameters();
    p.values() += 0.3 * Eigen::Map<const Vector<double>>(random_matrix<double>(p.size(), 1, 13).data(), p.size());
    const Graph full = model.prepare_graph(g);
    ASSERT_EQ(full.num_edges(), n * n);
    const RowMatrix<double> y = model.forward(full, x, false, 0);

    const auto value = [&](const std::string& name) {
      const auto b = block_named(p, name);
      return Eigen::Map<const RowMatrix<double>>(p.values().data() + b.offset, b.rows, b.cols);
    };
    const bool dot = kind == AttentionKind::dot;
    const RowMatrix<double> z = xd * value("layer0.weight");
    RowMatrix<double> ref = RowMatrix<double>::Zero(n, C);
    for (std::int64_t h = 0; h < H; ++h) {
      Eigen::MatrixXd score(n, n);
      for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j < n; ++j) {
          if (dot) {
            score(i, j) = z.row(i).segment(h * C, C).dot(z.row(j).segment(H * C + h * C, C)) / std::sqrt(double(C));
          } else {
            const double pre = value("layer0.att_dst").row(h).dot(z.row(i).segment(h * C, C)) +
                               value("layer0.att_src").row(h).dot(z.row(j).segment(h * C, C));
            score(i, j) = pre > 0 ? pre : 0.2 * pre;
          }
        }
      for (std::int64_t i = 0; i < n; ++i) {
        const Eigen::VectorXd e = (score.row(i).array() - score.row(i).maxCoeff()).exp();
        const Eigen::VectorXd alpha = e / e.sum();
        for (std::int64_t j = 0; j < n; ++j)
          ref.row(i) += alpha(j) * z.row(j).segment((dot ? 2 * H * C : 0) + h * C, C) / double(H);
      }
    }
    ref.rowwise() += value("layer0.bias").row(0);
    EXPECT_LT((y - ref).cwiseAbs().maxCoeff(), 1e-12) << to_string(kind) << "\n" << y << "\nvs\n" << ref;
    // And it is not 1-hop attention: nodes of other components contribute.
    GatModel<double> local(node_config(kind, 1, "1-hop"));
    local.parameters().values() = p.values();
    const RowMatrix<double> y1 = local.forward(local.prepare_graph(g), x, false, 0);
    EXPECT_GT((y - y1).cwiseAbs().maxCoeff(), 1e-3);
  }
}

struct RangeCase {
  AttentionKind kind;
  std::string range;
  std::string pe;
  std::string name() const {
    std::string s = to_string(kind) + "_" + range + "_" + pe;
    for (char& ch : s)
      if (ch == ':' || ch == '-') ch = '_';
    return s;
  }
};

std::vector<RangeCase> range_cases() {
  std::vector<RangeCase> cases;
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::dot}) {
    cases.push_back({kind, "k-hop:2", "lap:3"});
    cases.push_back({kind, "full", "rw:3"});
    cases.push_back({kind, "k-hop:3", "none"});
  }
  return cases;
}

class NodeRangeGradientTest : public ::testing::TestWithParam<RangeCase> {};

// The whole node model, 2 layers, dropout on, on the features with the encoding appended (Laplacian
// signs flipped as in training).
TEST_P(NodeRangeGradientTest, EveryParameterBlockMatchesFiniteDifferences) {
  const RangeCase rc = GetParam();
  const std::int64_t n = 12, f = 5;
  const Graph raw = build_graph(n, random_edges(n, 1.5, 21), {}, {.symmetrize = true});
  ModelConfig c = node_config(rc.kind, 2, rc.range);
  c.positional = parse_positional_encoding(rc.pe);
  c.in_dim = f + c.positional.columns();
  GatModel<double> model(c);
  model.initialize(22);
  Parameters<double>& p = model.parameters();
  p.values() += Eigen::Map<const Vector<double>>(random_matrix<double>(p.size(), 1, 23, 0.2).data(), p.size());
  const Graph g = model.prepare_graph(raw);
  EXPECT_GT(g.num_edges(), raw.num_edges() + n);  // more than 1-hop plus loops
  std::vector<std::int32_t> groups;
  RowMatrix<double> pe = positional_encoding<double>(raw, c.positional, &groups);
  if (c.positional.kind == PositionalKind::laplacian) flip_signs(pe, groups, 24);
  const FeatureMatrix<double> x = append_columns(FeatureMatrix<double>(random_matrix<double>(n, f, 25)), pe);
  std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>((i * 5) % 3);
  const std::vector<NodeId> nodes = {0, 1, 3, 4, 6, 8, 9, 11};
  auto loss = [&] { return softmax_cross_entropy<double>(model.forward(g, x, true, 26), labels, nodes, nullptr); };
  p.zero_grads();
  RowMatrix<double> d;
  (void)softmax_cross_entropy(model.forward(g, x, true, 26), labels, nodes, &d);
  model.backward(g, x, d);
  const Vector<double> grads = p.grads();
  for (const auto& b : p.blocks())
    testing::expect_gradients_match(rc.name() + " " + b.name, p.values().data() + b.offset, grads.data() + b.offset,
                                    b.rows * b.cols, loss);
}

INSTANTIATE_TEST_SUITE_P(RangesAndEncodings, NodeRangeGradientTest, ::testing::ValuesIn(range_cases()),
                         [](const ::testing::TestParamInfo<RangeCase>& info) { return info.param.name(); });

class GraphRangeGradientTest : public ::testing::TestWithParam<RangeCase> {};

// The whole graph model (3 layers, bond features with hop columns, residual, MLP head, dropout) on a
// batch of three graphs, with the encoding of the batch graph appended to the atom rows.
TEST_P(GraphRangeGradientTest, EveryParameterBlockMatchesFiniteDifferences) {
  const RangeCase rc = GetParam();
  //   graph 0: path 0-1-2-3     graph 1: triangle 4-5-6 and atom 7 (two fragments)     graph 2: atom 8
  const Graph batch = build_graph(9, std::vector<Edge>{{0, 1}, {1, 2}, {2, 3}, {4, 5}, {5, 6}, {6, 4}}, {}, {.symmetrize = true});
  const std::vector<std::int64_t> offsets = {0, 4, 8, 9};
  GraphModelConfig c;
  c.edge_dim = 3;
  c.num_tasks = 2;
  c.layers = 3;
  c.heads = 2;
  c.hidden = 3;
  c.attention = rc.kind;
  c.residual = true;
  c.head_layers = 1;
  c.head_hidden = 4;
  c.dropout = 0.2;
  c.attention_dropout = 0.2;
  c.range = parse_attention_range(rc.range);
  c.positional = parse_positional_encoding(rc.pe);
  c.in_dim = 4 + c.positional.columns();
  GraphGat<double> model(c);
  ASSERT_EQ(model.parameters().size(), c.parameter_count());
  model.initialize(31);
  model.parameters().values() += 0.05 * Vector<double>::Random(model.parameters().size());
  const RowMatrix<double> bonds = random_matrix<double>(batch.num_edges(), 3, 32);
  const auto input = model.prepare(batch, &bonds, offsets);
  ASSERT_EQ(input.edge_features.cols(), c.attention_edge_dim());
  if (c.range.kind == RangeKind::full) {
    EXPECT_EQ(input.graph.num_edges(), 16 + 16 + 1);
  }
  std::vector<std::int32_t> groups;
  RowMatrix<double> pe = positional_encoding<double>(batch, c.positional, &groups);
  if (c.positional.kind == PositionalKind::laplacian) flip_signs(pe, groups, 33);
  const FeatureMatrix<double> x = append_columns(FeatureMatrix<double>(random_matrix<double>(9, 4, 34)), pe);
  const RowMatrix<double> weights = random_matrix<double>(3, 2, 35);
  auto loss = [&] { return model.forward(input, x, offsets, true, 36).cwiseProduct(weights).sum(); };
  (void)model.forward(input, x, offsets, true, 36);
  model.parameters().zero_grads();
  model.backward(input, x, offsets, weights);
  const Vector<double> grads = model.parameters().grads();
  for (const auto& b : model.parameters().blocks())
    testing::expect_gradients_match(rc.name() + " " + b.name, model.parameters().values().data() + b.offset,
                                    grads.data() + b.offset, b.rows * b.cols, loss);
}

INSTANTIATE_TEST_SUITE_P(RangesAndEncodings, GraphRangeGradientTest, ::testing::ValuesIn(range_cases()),
                         [](const ::testing::TestParamInfo<RangeCase>& info) { return info.param.name(); });

TEST(RangeModel, GraphModelFullRangeStaysWithinEachGraphAndRefusesLargeOnes) {
  const Graph batch = build_graph(5, std::vector<Edge>{{0, 1}, {2, 3}}, {}, {.symmetrize = true});
  const std::vector<std::int64_t> offsets = {0, 2, 5};
  GraphModelConfig c;
  c.in_dim = 3;
  c.layers = 1;
  c.heads = 1;
  c.hidden = 2;
  c.range = parse_attention_range("full");
  GraphGat<double> model(c);
  const auto input = model.prepare(batch, nullptr, offsets);
  EXPECT_EQ(input.graph.num_edges(), 4 + 9);  // 2 x 2 and 3 x 3, self-loops included
  for (std::int64_t i = 0; i < 5; ++i)
    for (NodeId j : input.graph.in_neighbors(static_cast<NodeId>(i))) EXPECT_EQ(j < 2, i < 2) << j << " -> " << i;
  c.range.max_full_nodes = 2;
  GraphGat<double> small(c);
  EXPECT_THROW((void)small.prepare(batch, nullptr, offsets), InvalidArgument);
}

TEST(RangeModel, ConfigurationsCountTheEncodingAndHopColumns) {
  GraphModelConfig c;
  c.in_dim = 39 + 8;
  c.edge_dim = 6;
  c.positional = parse_positional_encoding("lap:8");
  c.range = parse_attention_range("k-hop:3");
  EXPECT_EQ(c.attention_edge_dim(), 9);
  GraphGat<float> model(c);
  EXPECT_EQ(model.parameters().size(), c.parameter_count());
  c.in_dim = 8;  // nothing left for the atom features
  EXPECT_THROW(c.validate(), InvalidArgument);
  ModelConfig m;
  m.in_dim = 4;
  m.num_classes = 2;
  m.positional = parse_positional_encoding("rw:4");
  EXPECT_THROW(m.validate(), InvalidArgument);
  m.range.kind = RangeKind::k_hop;
  m.range.k = 0;
  m.in_dim = 10;
  EXPECT_THROW(m.validate(), InvalidArgument);
}

}  // namespace
}  // namespace gatkit
