// Transformer blocks (nn/block.hpp, nn/layer_norm.hpp): layer normalisation against its formula and by
// finite differences, one block against a dense reference and by finite differences (parameters and
// input), and both models with block = transformer: dense reference, every parameter block by finite
// differences for every scoring function, parameter counts, configuration errors, and training steps
// identical with one and two threads.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "gatkit/nn/block.hpp"
#include "gatkit/nn/functional.hpp"
#include "gatkit/nn/graph_model.hpp"
#include "gatkit/nn/model.hpp"
#include "gatkit/train/adam.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"
#include "test_helpers.hpp"

namespace gatkit {
namespace {

using testing::random_edges;
using testing::random_matrix;
using testing::random_sparse;

// Central-difference step and floor of the whole-model checks (as model_variants_test.cpp).
constexpr double kStep = 1e-6;
constexpr double kFloor = 1e-3;

/// The values of the parameter block called `name`.
RowMatrix<double> block_values(const Parameters<double>& p, const std::string& name) {
  for (std::size_t h = 0; h < p.blocks().size(); ++h)
    if (p.blocks()[h].name == name) return p.value(static_cast<int>(h));
  ADD_FAILURE() << "no parameter block " << name;
  return {};
}

/// Layer normalisation written from the formula, row by row, in plain loops.
RowMatrix<double> reference_layer_norm(const RowMatrix<double>& x, const RowMatrix<double>& gain,
                                       const RowMatrix<double>& bias) {
  RowMatrix<double> y(x.rows(), x.cols());
  const auto w = static_cast<double>(x.cols());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    double mu = 0, var = 0;
    for (Eigen::Index j = 0; j < x.cols(); ++j) mu += x(i, j) / w;
    for (Eigen::Index j = 0; j < x.cols(); ++j) var += (x(i, j) - mu) * (x(i, j) - mu) / w;
    for (Eigen::Index j = 0; j < x.cols(); ++j) y(i, j) = gain(0, j) * (x(i, j) - mu) / std::sqrt(var + 1e-5) + bias(0, j);
  }
  return y;
}

/// One block without dropout from its definition: the attention layer's own forward (tested against a
/// dense reference in attention_test.cpp; its handles index `attention_params`), then residuals, norms
/// and the feed-forward layers by hand, from the blocks of `p` called `name`.*.
RowMatrix<double> reference_block(const Parameters<double>& attention_params, const GraphAttention<double>& attention,
                                  const Parameters<double>& p, const Graph& g, const RowMatrix<double>& x,
                                  const std::string& name, const RowMatrix<double>* edges = nullptr) {
  AttentionCache<double> cache;
  RowMatrix<double> a;
  attention.forward(attention_params, g, FeatureMatrix<double>(x), false, 0, cache, a, edges);
  const RowMatrix<double> h1 = reference_layer_norm(x + a, block_values(p, name + ".norm1.gain"), block_values(p, name + ".norm1.bias"));
  RowMatrix<double> inner = h1 * block_values(p, name + ".ffn1.weight");
  inner.rowwise() += block_values(p, name + ".ffn1.bias").row(0);
  inner = inner.cwiseMax(0.0);
  RowMatrix<double> f = inner * block_values(p, name + ".ffn2.weight");
  f.rowwise() += block_values(p, name + ".ffn2.bias").row(0);
  return reference_layer_norm(h1 + f, block_values(p, name + ".norm2.gain"), block_values(p, name + ".norm2.bias"));
}

/// Adds small random values to every parameter, so that gains, biases and zero-initialised blocks are
/// generic.
void perturb(Parameters<double>& p, std::uint64_t seed, double scale) {
  p.values() += Eigen::Map<const Vector<double>>(random_matrix<double>(p.size(), 1, seed, scale).data(), p.size());
}

TEST(LayerNorm, ForwardMatchesTheFormula) {
  Parameters<double> p;
  const LayerNorm<double> norm(7, p, "norm");
  p.allocate();
  norm.initialize(p);
  EXPECT_TRUE(block_values(p, "norm.gain").isOnes());
  EXPECT_TRUE(block_values(p, "norm.bias").isZero());
  perturb(p, 3, 0.5);
  RowMatrix<double> x = random_matrix<double>(600, 7, 4, 3.0);  // several row blocks of the parallel loop
  x.row(5).setConstant(2.5);                                   // a constant row: xhat = 0, y = bias
  LayerNormCache<double> cache;
  RowMatrix<double> y;
  norm.forward(p, x, cache, y);
  const RowMatrix<double> expected = reference_layer_norm(x, block_values(p, "norm.gain"), block_values(p, "norm.bias"));
  EXPECT_LT((y - expected).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((y.row(5) - block_values(p, "norm.bias")).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_FALSE(p.blocks()[0].decay);  // gains and biases are not decayed
  EXPECT_THROW(norm.forward(p, random_matrix<double>(3, 6, 1), cache, y), InvalidArgument);
}

TEST(LayerNorm, BackwardMatchesFiniteDifferences) {
  Parameters<double> p;
  const LayerNorm<double> norm(5, p, "norm");
  p.allocate();
  norm.initialize(p);
  perturb(p, 8, 0.5);
  RowMatrix<double> x = random_matrix<double>(9, 5, 9, 2.0);
  const RowMatrix<double> weights = random_matrix<double>(9, 5, 10);
  LayerNormCache<double> cache;
  RowMatrix<double> y, dx;
  auto loss = [&] {
    norm.forward(p, x, cache, y);
    return y.cwiseProduct(weights).sum();
  };
  loss();
  p.zero_grads();
  norm.backward(p, cache, weights, dx);
  const Vector<double> grads = p.grads();
  testing::expect_gradients_match("layer norm parameters", p.values().data(), grads.data(), p.size(), loss);
  testing::expect_gradients_match("layer norm input", x.data(), dx.data(), x.size(), loss);
  // In place (dx = dy) gives the same input gradient (the checks above left a perturbed forward's cache).
  loss();
  norm.backward(p, cache, weights, dx);
  RowMatrix<double> in_place = weights;
  norm.backward(p, cache, in_place, in_place);
  EXPECT_LT((in_place - dx).cwiseAbs().maxCoeff(), 1e-14);
}

struct BlockFixture {
  static constexpr std::int64_t n = 10;
  Graph graph;
  Parameters<double> params;
  GraphAttention<double> attention;
  TransformerBlock<double> block;

  BlockFixture(AttentionKind kind, HeadMerge merge, double dropout, std::int64_t edge_dim = 0)
      : graph(with_self_loops(build_graph(n, random_edges(n, 2.0, 5), {}, {.symmetrize = true}), SelfLoops::add)),
        attention(config(kind, merge, dropout, edge_dim), params, "layer0"),
        block(attention.output_dim(), 4, dropout, params, "block0") {
    params.allocate();
    Rng rng(11);
    attention.initialize(params, rng);
    block.initialize(params, rng);
    perturb(params, 12, 0.3);
  }
  static AttentionConfig config(AttentionKind kind, HeadMerge merge, double dropout, std::int64_t edge_dim) {
    AttentionConfig c;
    c.heads = 2;
    c.head_dim = merge == HeadMerge::mean ? 6 : 3;  // width 6 whatever the merge
    c.in_dim = 6;
    c.set_merge(merge);
    c.kind = kind;
    c.input_dropout = dropout;
    c.attention_dropout = dropout;
    c.edge_dim = edge_dim;
    return c;
  }
};

TEST(TransformerBlock, ForwardMatchesDenseReference) {
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::gatv2, AttentionKind::dot})
    for (HeadMerge merge : {HeadMerge::concat, HeadMerge::project, HeadMerge::mean}) {
      BlockFixture f(kind, merge, 0.5);
      const RowMatrix<double> x = random_matrix<double>(BlockFixture::n, 6, 13);
      AttentionCache<double> attention_cache;
      BlockCache<double> cache;
      RowMatrix<double> y;
      f.block.forward(f.params, f.attention, f.graph, FeatureMatrix<double>(x), false, 0, attention_cache, cache, y);
      const RowMatrix<double> expected = reference_block(f.params, f.attention, f.params, f.graph, x, "block0");
      EXPECT_LT((y - expected).cwiseAbs().maxCoeff(), 1e-12) << to_string(kind) << " " << to_string(merge);
    }
}

TEST(TransformerBlock, GradientsMatchFiniteDifferences) {
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::gatv2, AttentionKind::dot})
    for (double dropout : {0.0, 0.3}) {
      const std::string what = to_string(kind) + (dropout > 0 ? " dropout" : "");
      BlockFixture f(kind, kind == AttentionKind::gatv2 ? HeadMerge::project : HeadMerge::concat, dropout, 3);
      const RowMatrix<double> edges = random_matrix<double>(f.graph.num_edges(), 3, 14);
      RowMatrix<double> x = random_matrix<double>(BlockFixture::n, 6, 15);
      const RowMatrix<double> weights = random_matrix<double>(BlockFixture::n, 6, 16);
      AttentionCache<double> attention_cache;
      BlockCache<double> cache;
      RowMatrix<double> y, dx;
      auto loss = [&] {
        f.block.forward(f.params, f.attention, f.graph, FeatureMatrix<double>(x), true, 77, attention_cache, cache, y, &edges);
        return y.cwiseProduct(weights).sum();
      };
      loss();
      f.params.zero_grads();
      const FeatureMatrix<double> input(x);
      f.block.backward(f.params, f.attention, f.graph, input, attention_cache, cache, weights, dx, &edges);
      const Vector<double> grads = f.params.grads();
      for (const auto& b : f.params.blocks()) {
        EXPECT_GT(grads.segment(b.offset, b.rows * b.cols).cwiseAbs().maxCoeff(), 0.0) << what << " " << b.name;
        testing::expect_gradients_match(what + " " + b.name, f.params.values().data() + b.offset, grads.data() + b.offset,
                                        b.rows * b.cols, loss, kStep, 1e-5, kFloor);
      }
      testing::expect_gradients_match(what + " input", x.data(), dx.data(), x.size(), loss, kStep, 1e-5, kFloor);
    }
}

ModelConfig node_config(AttentionKind kind, HeadMerge merge, double dropout) {
  ModelConfig c;
  c.in_dim = 5;
  c.num_classes = 3;
  c.attention = kind;
  c.head_merge = merge;
  c.layers = 3;  // two blocks, then the output attention layer
  c.heads = 2;
  c.hidden = 3;
  c.output_heads = 2;
  c.dropout = dropout;
  c.attention_dropout = dropout;
  c.block = BlockKind::transformer;
  c.ffn_hidden = 4;
  return c;
}

TEST(TransformerNodeModel, ForwardMatchesDenseReference) {
  const std::int64_t n = 12;
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::gatv2, AttentionKind::dot}) {
    GatModel<double> model(node_config(kind, HeadMerge::concat, 0.5));
    model.initialize(3);
    perturb(model.parameters(), 4, 0.2);
    const Parameters<double>& p = model.parameters();
    const Graph g = model.prepare_graph(build_graph(n, random_edges(n, 2.0, 5), {}, {.symmetrize = true}));
    const RowMatrix<double> x = random_matrix<double>(n, 5, 6);
    // Rebuild the model's layers on a parameter buffer of the same layout, to run them one by one.
    Parameters<double> q;
    std::vector<GraphAttention<double>> layers;
    for (int l = 0; l < 3; ++l) layers.emplace_back(model.config().layer(l), q, "layer" + std::to_string(l));
    RowMatrix<double> h = x * block_values(p, "embed.weight");
    h.rowwise() += block_values(p, "embed.bias").row(0);
    q.allocate();
    for (std::size_t k = 0; k < q.blocks().size(); ++k) q.value(static_cast<int>(k)) = block_values(p, q.blocks()[k].name);
    for (int l = 0; l < 2; ++l) h = reference_block(q, layers[static_cast<std::size_t>(l)], p, g, h, "block" + std::to_string(l));
    AttentionCache<double> cache;
    RowMatrix<double> expected;
    layers[2].forward(q, g, FeatureMatrix<double>(h), false, 0, cache, expected);
    const RowMatrix<double> logits = model.forward(g, FeatureMatrix<double>(x), false, 0);
    EXPECT_LT((logits - expected).cwiseAbs().maxCoeff(), 1e-12) << to_string(kind);
  }
}

struct Case {
  AttentionKind kind;
  HeadMerge merge;
  double dropout;
  std::string name() const {
    return to_string(kind) + "_" + to_string(merge) + (dropout > 0 ? "_dropout" : "_no_dropout");
  }
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::gatv2, AttentionKind::dot})
    for (double dropout : {0.0, 0.3}) out.push_back({kind, HeadMerge::concat, dropout});
  out.push_back({AttentionKind::additive, HeadMerge::mean, 0.3});
  out.push_back({AttentionKind::dot, HeadMerge::project, 0.0});
  return out;
}

class TransformerModels : public ::testing::TestWithParam<Case> {};

TEST_P(TransformerModels, NodeModelMatchesFiniteDifferences) {
  const Case s = GetParam();
  const std::int64_t n = 12, f = 5;
  for (bool sparse : {false, true}) {
    GatModel<double> model(node_config(s.kind, s.merge, s.dropout));
    model.initialize(7);
    Parameters<double>& p = model.parameters();
    ASSERT_EQ(p.size(), model.config().parameter_count());
    perturb(p, 3, 0.2);
    const Graph g = model.prepare_graph(build_graph(n, random_edges(n, 2.0, 5), {}, {.symmetrize = true}));
    const FeatureMatrix<double> x = sparse ? FeatureMatrix<double>(random_sparse<double>(n, f, 0.4, 9))
                                           : FeatureMatrix<double>(random_matrix<double>(n, f, 9));
    std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>((i * 7) % 3);
    const std::vector<NodeId> nodes = {0, 2, 3, 5, 7, 8, 10, 11};
    auto loss = [&] { return softmax_cross_entropy<double>(model.forward(g, x, true, 1234), labels, nodes, nullptr); };
    p.zero_grads();
    RowMatrix<double> d_logits;
    softmax_cross_entropy(model.forward(g, x, true, 1234), labels, nodes, &d_logits);
    model.backward(g, x, d_logits);
    const Vector<double> analytic = p.grads();
    for (const auto& b : p.blocks()) {
      EXPECT_GT(analytic.segment(b.offset, b.rows * b.cols).cwiseAbs().maxCoeff(), 0.0) << s.name() << " " << b.name;
      testing::expect_gradients_match(s.name() + (sparse ? " sparse " : " dense ") + b.name, p.values().data() + b.offset,
                                      analytic.data() + b.offset, b.rows * b.cols, loss, kStep, 1e-5, kFloor);
    }
  }
}

GraphModelConfig graph_config(AttentionKind kind, HeadMerge merge, double dropout, bool jk) {
  GraphModelConfig c;
  c.in_dim = 5;
  c.edge_dim = 3;
  c.num_tasks = 2;
  c.layers = jk ? 2 : 3;
  c.heads = 2;
  c.hidden = 3;
  c.readout = jk ? ReadoutKind::mean : ReadoutKind::attention;
  c.extra_readouts = jk ? std::vector<ReadoutKind>{ReadoutKind::sum} : std::vector<ReadoutKind>{};
  c.jumping_knowledge = jk;
  c.head_layers = jk ? 0 : 1;
  c.head_hidden = 4;
  c.dropout = dropout;
  c.attention_dropout = dropout;
  c.attention = kind;
  c.head_merge = merge;
  c.block = BlockKind::transformer;
  return c;
}

TEST_P(TransformerModels, GraphModelMatchesFiniteDifferences) {
  const Case s = GetParam();
  //   graph 0: triangle 0-1-2 with a doubled bond 0-1     graph 1: chain 3-4     graph 2: single atom 5
  const Graph batch = build_graph(6, std::vector<Edge>{{0, 1}, {0, 1}, {1, 2}, {2, 0}, {3, 4}}, {},
                                  {.symmetrize = true, .deduplicate = false});
  const std::vector<std::int64_t> offsets = {0, 3, 5, 6};
  for (bool jk : {false, true}) {
    GraphModelConfig config = graph_config(s.kind, s.merge, s.dropout, jk);
    GraphGat<double> model(config);
    ASSERT_EQ(model.parameters().size(), config.parameter_count()) << s.name();
    model.initialize(4);
    perturb(model.parameters(), 21, 0.2);
    const RowMatrix<double> bonds = random_matrix<double>(batch.num_edges(), 3, 5);
    const auto input = model.prepare(batch, &bonds);
    const FeatureMatrix<double> x(random_matrix<double>(6, 5, 6));
    const RowMatrix<double> weights = random_matrix<double>(3, 2, 7);
    auto loss = [&] { return model.forward(input, x, offsets, true, 8).cwiseProduct(weights).sum(); };
    loss();
    model.parameters().zero_grads();
    model.backward(input, x, offsets, weights);
    const Vector<double> grads = model.parameters().grads();
    for (const auto& b : model.parameters().blocks())
      testing::expect_gradients_match(s.name() + (jk ? " jk " : " ") + b.name, model.parameters().values().data() + b.offset,
                                      grads.data() + b.offset, b.rows * b.cols, loss, kStep, 1e-5, kFloor);
  }
}

INSTANTIATE_TEST_SUITE_P(Blocks, TransformerModels, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name(); });

// Mean readout and a linear head over the blocks' output, recomputed from the reference block.
TEST(TransformerGraphModel, ForwardMatchesDenseReference) {
  const Graph batch = build_graph(5, std::vector<Edge>{{0, 1}, {1, 2}, {3, 4}}, {}, {.symmetrize = true});
  const std::vector<std::int64_t> offsets = {0, 3, 5};
  GraphModelConfig c = graph_config(AttentionKind::gatv2, HeadMerge::concat, 0.4, false);
  c.readout = ReadoutKind::mean;
  c.head_layers = 0;
  c.layers = 2;
  GraphGat<double> model(c);
  model.initialize(2);
  perturb(model.parameters(), 3, 0.2);
  const Parameters<double>& p = model.parameters();
  const RowMatrix<double> bonds = random_matrix<double>(batch.num_edges(), 3, 4);
  const auto input = model.prepare(batch, &bonds);
  const RowMatrix<double> x = random_matrix<double>(5, 5, 5);
  Parameters<double> q;
  std::vector<GraphAttention<double>> layers;
  for (int l = 0; l < 2; ++l) layers.emplace_back(c.layer(l), q, "layer" + std::to_string(l));
  q.allocate();
  for (std::size_t k = 0; k < q.blocks().size(); ++k) q.value(static_cast<int>(k)) = block_values(p, q.blocks()[k].name);
  RowMatrix<double> h = x * block_values(p, "embed.weight");
  h.rowwise() += block_values(p, "embed.bias").row(0);
  for (int l = 0; l < 2; ++l)
    h = reference_block(q, layers[static_cast<std::size_t>(l)], p, input.graph, h, "block" + std::to_string(l), &input.edge_features);
  RowMatrix<double> pooled(2, h.cols());
  pooled.row(0) = h.topRows(3).colwise().mean();
  pooled.row(1) = h.bottomRows(2).colwise().mean();
  RowMatrix<double> expected = pooled * block_values(p, "head.weight");
  expected.rowwise() += block_values(p, "head.bias").row(0);
  const RowMatrix<double> out = model.forward(input, FeatureMatrix<double>(x), offsets, false, 0);
  EXPECT_LT((out - expected).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(Blocks, ParameterCountsAndBadConfigurations) {
  for (HeadMerge merge : {HeadMerge::concat, HeadMerge::project, HeadMerge::mean})
    for (std::int64_t ffn : {0, 7}) {
      ModelConfig c = node_config(AttentionKind::dot, merge, 0.1);
      c.ffn_hidden = ffn;
      EXPECT_EQ(c.ffn_width(), ffn > 0 ? ffn : 2 * c.hidden_width());
      EXPECT_EQ(GatModel<float>(c).parameters().size(), c.parameter_count());
      GraphModelConfig g = graph_config(AttentionKind::additive, merge, 0.1, ffn > 0);
      g.ffn_hidden = ffn;
      EXPECT_EQ(GraphGat<float>(g).parameters().size(), g.parameter_count());
    }
  EXPECT_EQ(parse_block_kind("transformer"), BlockKind::transformer);
  EXPECT_EQ(to_string(BlockKind::gat), "gat");
  EXPECT_THROW(parse_block_kind("mamba"), InvalidArgument);
  ModelConfig c = node_config(AttentionKind::additive, HeadMerge::concat, 0.1);
  c.layers = 1;
  EXPECT_THROW(c.validate(), InvalidArgument);  // no hidden layer to make a block of
  c = node_config(AttentionKind::additive, HeadMerge::concat, 0.1);
  c.kind = NodeModelKind::mlp;
  EXPECT_THROW(c.validate(), InvalidArgument);
  c = node_config(AttentionKind::additive, HeadMerge::concat, 0.1);
  c.ffn_hidden = -1;
  EXPECT_THROW(c.validate(), InvalidArgument);
  c.block = BlockKind::gat;
  c.ffn_hidden = 8;
  EXPECT_THROW(c.validate(), InvalidArgument);  // a feed-forward width without blocks
  GraphModelConfig g = graph_config(AttentionKind::additive, HeadMerge::concat, 0.1, false);
  g.residual = true;
  EXPECT_THROW(g.validate(), InvalidArgument);
  EXPECT_THROW(GraphGat<float>{g}, InvalidArgument);
  g.residual = false;
  g.block = BlockKind::gat;
  g.ffn_hidden = 8;
  EXPECT_THROW(g.validate(), InvalidArgument);
  // Hostile sizes give -1, not an overflow.
  g.block = BlockKind::transformer;
  g.ffn_hidden = std::int64_t{1} << 40;
  EXPECT_EQ(g.parameter_count(), -1);
}

// Three training steps of each model with transformer blocks give the same bits with one and two threads.
TEST(Blocks, TrainingStepsIdenticalForOneAndTwoThreads) {
  const std::int64_t n = 2000, f = 48;
  auto edges = random_edges(n, 5, 31);
  for (NodeId v = 1; v < n; v += 2) edges.push_back({v, 0});  // a hub
  const Graph raw = build_graph(n, edges, {}, {.symmetrize = true});
  std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(i % 5);
  std::vector<NodeId> train;
  for (NodeId i = 0; i < n; i += 3) train.push_back(i);
  const FeatureMatrix<float> x(random_sparse<float>(n, f, 0.1, 5));
  // The graph model on the same graph cut into 4 "molecules".
  const std::vector<std::int64_t> offsets = {0, 500, 1000, 1500, 2000};
  const RowMatrix<float> dense_x = random_matrix<float>(n, f, 6);
  const RowMatrix<float> targets = random_matrix<float>(4, 2, 7);
  auto run = [&](int threads, Vector<float>& node_values, RowMatrix<float>& logits, Vector<float>& graph_values) {
    set_num_threads(threads);
    ModelConfig config;
    config.in_dim = f;
    config.num_classes = 5;
    config.heads = 4;
    config.hidden = 8;
    config.layers = 3;
    config.block = BlockKind::transformer;
    GatModel<float> model(config);
    model.initialize(17);
    const Graph g = model.prepare_graph(raw);
    testing::train_three_steps(model, g, x, labels, train, node_values, logits);

    GraphModelConfig gc;
    gc.in_dim = f;
    gc.num_tasks = 2;
    gc.layers = 2;
    gc.heads = 2;
    gc.hidden = 8;
    gc.dropout = 0.2;
    gc.attention = AttentionKind::dot;
    gc.block = BlockKind::transformer;
    GraphGat<float> graph_model(gc);
    graph_model.initialize(5);
    const auto input = graph_model.prepare(raw, nullptr, offsets);
    Adam graph_adam(AdamConfig{}, graph_model.parameters().size());
    const FeatureMatrix<float> gx(dense_x);
    for (int step = 0; step < 3; ++step) {
      graph_model.parameters().zero_grads();
      const RowMatrix<float> out = graph_model.forward(input, gx, offsets, true, 200 + static_cast<std::uint64_t>(step));
      graph_model.backward(input, gx, offsets, RowMatrix<float>(out - targets));
      graph_adam.step(graph_model.parameters());
    }
    graph_values = graph_model.parameters().values();
  };
  Vector<float> v1, v2, g1, g2;
  RowMatrix<float> l1, l2;
  run(1, v1, l1, g1);
  run(2, v2, l2, g2);
  set_num_threads(0);
  EXPECT_TRUE(v1 == v2) << "node model parameters differ after 3 steps";
  EXPECT_TRUE(l1 == l2) << "node model logits differ";
  EXPECT_TRUE(g1 == g2) << "graph model parameters differ after 3 steps";
}

}  // namespace
}  // namespace gatkit
