// The GAT model: finite differences through the whole stack (every parameter block, dense and sparse
// input, dropout on), the self-loop policy, determinism of evaluation, configuration checks, and
// bitwise-identical training steps for one and several threads.
#include "gatkit/nn/model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "gatkit/nn/functional.hpp"
#include "gatkit/train/adam.hpp"
#include "gatkit/util/error.hpp"
#include "gatkit/util/parallel.hpp"
#include "test_helpers.hpp"

namespace gatkit {
namespace {

using testing::random_edges;
using testing::random_matrix;
using testing::random_sparse;

struct ModelCase {
  int layers;
  AttentionKind kind;
  int output_heads;
  bool sparse_input;
  double dropout;
  bool self_loops = true;
  std::string name() const {
    return std::to_string(layers) + "layers_" + to_string(kind) + "_out" + std::to_string(output_heads) +
           (sparse_input ? "_sparse" : "_dense") + (dropout > 0 ? "_dropout" : "_nodropout") +
           (self_loops ? "" : "_noloops");
  }
};

void PrintTo(const ModelCase& c, std::ostream* os) { *os << c.name(); }

std::vector<ModelCase> model_cases() {
  std::vector<ModelCase> cases;
  for (int layers : {1, 2, 3})
    for (AttentionKind kind : {AttentionKind::additive, AttentionKind::dot})
      for (int out : {1, 2})
        for (bool sparse : {false, true}) cases.push_back({layers, kind, out, sparse, 0.3});
  cases.push_back({2, AttentionKind::additive, 1, true, 0.0, false});
  cases.push_back({2, AttentionKind::dot, 2, false, 0.0, false});
  return cases;
}

ModelConfig small_config(const ModelCase& c, std::int64_t in_dim, std::int32_t classes) {
  ModelConfig config;
  config.in_dim = in_dim;
  config.num_classes = classes;
  config.attention = c.kind;
  config.layers = c.layers;
  config.heads = 2;
  config.hidden = 3;
  config.output_heads = c.output_heads;
  config.dropout = c.dropout;
  config.attention_dropout = c.dropout > 0 ? c.dropout + 0.1 : 0.0;
  config.self_loops = c.self_loops;
  return config;
}

// Random edges with duplicates, existing self-loops and two isolated nodes, made undirected.
Graph small_graph(std::int64_t n, std::uint64_t seed) {
  return build_graph(n, random_edges(n, 2.0, seed), {}, {.symmetrize = true});
}

class ModelGradientTest : public ::testing::TestWithParam<ModelCase> {};

TEST_P(ModelGradientTest, EveryParameterBlockMatchesFiniteDifferences) {
  const ModelCase c = GetParam();
  const std::int64_t n = 12, f = 5;
  const std::int32_t classes = 3;
  GatModel<double> model(small_config(c, f, classes));
  model.initialize(7);
  Parameters<double>& p = model.parameters();
  // Perturb everything, biases included, so that no block sits at a special value.
  p.values() += Eigen::Map<const Vector<double>>(random_matrix<double>(p.size(), 1, 3, 0.2).data(), p.size());
  const Graph g = model.prepare_graph(small_graph(n, 5));
  const FeatureMatrix<double> x = c.sparse_input ? FeatureMatrix<double>(random_sparse<double>(n, f, 0.4, 9))
                                                 : FeatureMatrix<double>(random_matrix<double>(n, f, 9));
  std::vector<std::int32_t> labels(static_cast<std::size_t>(n), -1);
  for (std::int64_t i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>((i * 7) % classes);
  labels[4] = -1;  // not in the loss
  const std::vector<NodeId> nodes = {0, 2, 3, 5, 7, 8, 10, 11};  // 10 and 11 have no neighbours
  const std::uint64_t seed = 1234;

  auto loss = [&] {
    return softmax_cross_entropy<double>(model.forward(g, x, /*training=*/true, seed), labels, nodes, nullptr);
  };
  p.zero_grads();
  RowMatrix<double> d_logits;
  const double value = softmax_cross_entropy(model.forward(g, x, true, seed), labels, nodes, &d_logits);
  ASSERT_TRUE(std::isfinite(value));
  model.backward(g, x, d_logits);
  const Vector<double> analytic = p.grads();
  ASSERT_GT(analytic.cwiseAbs().maxCoeff(), 1e-3);

  ASSERT_EQ(p.blocks().size(), static_cast<std::size_t>(c.layers) * (c.kind == AttentionKind::additive ? 4 : 2));
  for (const auto& block : p.blocks()) {
    EXPECT_GT(analytic.segment(block.offset, block.rows * block.cols).cwiseAbs().maxCoeff(), 0.0)
        << block.name << " got no gradient at all";
    testing::expect_gradients_match(c.name() + " " + block.name, p.values().data() + block.offset,
                                    analytic.data() + block.offset, block.rows * block.cols, loss);
  }
  // The checker restored every value: the loss is unchanged.
  EXPECT_EQ(loss(), value);
}

INSTANTIATE_TEST_SUITE_P(Architectures, ModelGradientTest, ::testing::ValuesIn(model_cases()),
                         [](const ::testing::TestParamInfo<ModelCase>& info) { return info.param.name(); });

TEST(GatModelTest, BackwardAddsToGradients) {
  const ModelCase c{2, AttentionKind::additive, 2, false, 0.3};
  GatModel<double> model(small_config(c, 4, 3));
  model.initialize(3);
  const Graph g = model.prepare_graph(small_graph(10, 2));
  const FeatureMatrix<double> x(random_matrix<double>(10, 4, 4));
  const std::vector<std::int32_t> labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
  auto step = [&] {
    RowMatrix<double> d;
    softmax_cross_entropy(model.forward(g, x, true, 5), labels, {0, 1, 2, 3, 4}, &d);
    model.backward(g, x, d);
  };
  model.parameters().zero_grads();
  step();
  const Vector<double> once = model.parameters().grads();
  step();
  EXPECT_LT((model.parameters().grads() - 2 * once).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_GT(once.cwiseAbs().maxCoeff(), 1e-3);
}

TEST(GatModelTest, ParameterLayout) {
  ModelConfig c;
  c.in_dim = 5;
  c.num_classes = 3;
  c.layers = 2;
  c.heads = 2;
  c.hidden = 4;
  c.output_heads = 2;
  c.attention = AttentionKind::additive;
  // layer0: W 5x8, a_src 2x4, a_dst 2x4, bias 1x8; layer1: W 8x6, a_src 2x3, a_dst 2x3, bias 1x3
  EXPECT_EQ(GatModel<float>(c).parameters().size(), 40 + 8 + 8 + 8 + 48 + 6 + 6 + 3);
  c.attention = AttentionKind::dot;
  // layer0: W 5x24, bias 1x8; layer1: W 8x18, bias 1x3
  EXPECT_EQ(GatModel<float>(c).parameters().size(), 120 + 8 + 144 + 3);
  c.layers = 3;
  // an extra hidden layer: W 8x24, bias 1x8
  EXPECT_EQ(GatModel<float>(c).parameters().size(), 120 + 8 + 192 + 8 + 144 + 3);
  GatModel<float> model(c);
  EXPECT_EQ(model.num_layers(), 3);
  // Initialisation is a function of the seed, and fills every weight block.
  model.initialize(1);
  const Vector<float> a = model.parameters().values();
  model.initialize(1);
  EXPECT_TRUE(a == model.parameters().values());
  model.initialize(2);
  EXPECT_FALSE(a == model.parameters().values());
  // Weights and attention vectors are drawn; biases start at zero.
  c.attention = AttentionKind::additive;
  GatModel<float> additive(c);
  additive.initialize(1);
  for (const auto& b : additive.parameters().blocks()) {
    const auto block = additive.parameters().values().segment(b.offset, b.rows * b.cols);
    if (b.name.ends_with(".bias"))
      EXPECT_EQ(block.cwiseAbs().maxCoeff(), 0.0f) << b.name;
    else
      EXPECT_GT((block.array() != 0.0f).count(), block.size() * 9 / 10) << b.name;
  }
}

// Sorted (src, dst) pairs of every edge that is not a self-loop, duplicates kept.
std::vector<std::pair<NodeId, NodeId>> non_loop_edges(const Graph& g) {
  std::vector<std::pair<NodeId, NodeId>> edges;
  for (NodeId i = 0; i < g.num_nodes(); ++i)
    for (NodeId j : g.in_neighbors(i))
      if (i != j) edges.emplace_back(j, i);
  std::sort(edges.begin(), edges.end());
  return edges;
}

TEST(GatModelTest, PrepareGraphAddsSelfLoopsExactlyOnce) {
  const std::int64_t n = 40;
  auto edges = random_edges(n, 3.0, 11, /*isolated=*/3);
  edges.push_back({5, 5});
  edges.push_back({5, 5});  // node 5 has three loops at least
  edges.push_back({5, 5});
  // Without deduplication the input keeps repeated loops and parallel edges.
  const Graph g = build_graph(n, edges, {}, {.symmetrize = true, .deduplicate = false});
  ASSERT_GT(g.num_self_loops(), 3);
  ModelConfig config;
  config.in_dim = 3;
  config.num_classes = 2;
  GatModel<float> model(config);
  const Graph pg = model.prepare_graph(g);
  EXPECT_EQ(pg.num_nodes(), n);
  EXPECT_EQ(pg.num_self_loops(), n);
  for (NodeId i = 0; i < n; ++i) {
    const auto nb = pg.in_neighbors(i);
    EXPECT_EQ(std::count(nb.begin(), nb.end(), i), 1) << "node " << i;
    EXPECT_TRUE(std::is_sorted(nb.begin(), nb.end())) << "node " << i;
  }
  EXPECT_EQ(non_loop_edges(pg), non_loop_edges(g));
  EXPECT_EQ(pg.num_edges(), static_cast<std::int64_t>(non_loop_edges(g).size()) + n);
  // Idempotent.
  const Graph again = model.prepare_graph(pg);
  EXPECT_EQ(again.in_offsets(), pg.in_offsets());
  EXPECT_EQ(again.sources(), pg.sources());
  // The reverse CSR agrees with the in-edges.
  for (NodeId j = 0; j < n; ++j)
    for (EdgeId k = pg.out_offsets()[j]; k < pg.out_offsets()[j + 1]; ++k)
      EXPECT_EQ(pg.sources()[static_cast<std::size_t>(pg.out_edge_ids()[static_cast<std::size_t>(k)])], j);

  // Without the self-loop policy the graph is left alone, loops included.
  config.self_loops = false;
  const Graph kept = GatModel<float>(config).prepare_graph(g);
  EXPECT_EQ(kept.in_offsets(), g.in_offsets());
  EXPECT_EQ(kept.sources(), g.sources());
  EXPECT_EQ(kept.num_self_loops(), g.num_self_loops());
}

TEST(GatModelTest, EvaluationIsDeterministicAndTrainingDependsOnSeed) {
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::dot}) {
    ModelConfig config;
    config.in_dim = 6;
    config.num_classes = 3;
    config.attention = kind;
    config.heads = 3;
    config.hidden = 4;
    config.output_heads = 2;
    GatModel<float> model(config);
    model.initialize(4);
    const Graph g = model.prepare_graph(small_graph(30, 8));
    const FeatureMatrix<float> x(random_sparse<float>(30, 6, 0.5, 2));
    const RowMatrix<float> eval1 = model.forward(g, x, false, 1);
    const RowMatrix<float> train1 = model.forward(g, x, true, 1);
    const RowMatrix<float> eval2 = model.forward(g, x, false, 99);
    const RowMatrix<float> train1_again = model.forward(g, x, true, 1);
    const RowMatrix<float> train2 = model.forward(g, x, true, 2);
    ASSERT_EQ(eval1.rows(), 30);
    ASSERT_EQ(eval1.cols(), 3);
    EXPECT_TRUE(eval1.allFinite());
    EXPECT_TRUE(eval1 == eval2) << to_string(kind) << ": evaluation depends on the seed or on earlier calls";
    EXPECT_TRUE(train1 == train1_again) << to_string(kind);
    EXPECT_FALSE(train1 == train2) << to_string(kind) << ": dropout ignores the seed";
    EXPECT_FALSE(train1 == eval1) << to_string(kind) << ": dropout is off in training";
    // Attention weights of the last (evaluation) forward: E x heads, each row's weights sum to one.
    model.forward(g, x, false, 0);
    for (int l = 0; l < model.num_layers(); ++l) {
      const int heads = l + 1 == model.num_layers() ? config.output_heads : config.heads;
      const auto& alpha = model.attention_weights(l);
      ASSERT_EQ(static_cast<std::int64_t>(alpha.size()), g.num_edges() * heads);
      for (NodeId i = 0; i < g.num_nodes(); ++i)
        for (int h = 0; h < heads; ++h) {
          double s = 0;
          for (EdgeId e = g.in_offsets()[i]; e < g.in_offsets()[i + 1]; ++e) s += alpha[static_cast<std::size_t>(e * heads + h)];
          EXPECT_NEAR(s, 1.0, 1e-5) << "layer " << l << " node " << i << " head " << h;
        }
    }
  }
}

TEST(GatModelTest, TrainingWithoutDropoutEqualsEvaluation) {
  ModelConfig config;
  config.in_dim = 5;
  config.num_classes = 4;
  config.dropout = 0;
  config.attention_dropout = 0;
  config.heads = 2;
  config.hidden = 3;
  GatModel<double> model(config);
  model.initialize(9);
  const Graph g = model.prepare_graph(small_graph(15, 3));
  const FeatureMatrix<double> x(random_matrix<double>(15, 5, 1));
  const RowMatrix<double> eval = model.forward(g, x, false, 0);
  const RowMatrix<double> train = model.forward(g, x, true, 77);
  EXPECT_LT((eval - train).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(ModelConfigTest, ValidateRejectsBadConfigurations) {
  ModelConfig good;
  good.in_dim = 10;
  good.num_classes = 3;
  EXPECT_NO_THROW(good.validate());
  good.dropout = 0.0;
  good.attention_dropout = 0.0;
  good.negative_slope = 0.0;
  good.layers = 1;
  EXPECT_NO_THROW(good.validate());

  auto rejects = [&](const char* what, auto&& change) {
    ModelConfig c = good;
    change(c);
    EXPECT_THROW(c.validate(), InvalidArgument) << what;
    EXPECT_THROW(GatModel<float>{c}, InvalidArgument) << what;
  };
  rejects("0 layers", [](ModelConfig& c) { c.layers = 0; });
  rejects("negative layers", [](ModelConfig& c) { c.layers = -2; });
  rejects("0 heads", [](ModelConfig& c) { c.heads = 0; });
  rejects("0 output heads", [](ModelConfig& c) { c.output_heads = 0; });
  rejects("0 hidden", [](ModelConfig& c) { c.hidden = 0; });
  rejects("0 inputs", [](ModelConfig& c) { c.in_dim = 0; });
  rejects("0 classes", [](ModelConfig& c) { c.num_classes = 0; });
  rejects("dropout 1", [](ModelConfig& c) { c.dropout = 1.0; });
  rejects("negative dropout", [](ModelConfig& c) { c.dropout = -0.1; });
  rejects("attention dropout 1", [](ModelConfig& c) { c.attention_dropout = 1.0; });
  rejects("negative attention dropout", [](ModelConfig& c) { c.attention_dropout = -0.5; });
  rejects("NaN dropout", [](ModelConfig& c) { c.dropout = std::numeric_limits<double>::quiet_NaN(); });
  rejects("negative slope", [](ModelConfig& c) { c.negative_slope = -0.2; });
}

TEST(ModelConfigTest, LayerConfigurations) {
  ModelConfig c;
  c.in_dim = 7;
  c.num_classes = 4;
  c.layers = 3;
  c.heads = 5;
  c.hidden = 6;
  c.output_heads = 2;
  c.dropout = 0.25;
  c.attention_dropout = 0.35;
  const AttentionConfig first = c.layer(0), middle = c.layer(1), last = c.layer(2);
  EXPECT_EQ(first.in_dim, 7);
  EXPECT_EQ(first.output_dim(), 30);
  EXPECT_TRUE(first.concat);
  EXPECT_EQ(middle.in_dim, 30);
  EXPECT_EQ(middle.heads, 5);
  EXPECT_EQ(last.in_dim, 30);
  EXPECT_EQ(last.heads, 2);
  EXPECT_FALSE(last.concat);
  EXPECT_EQ(last.output_dim(), 4);
  EXPECT_EQ(last.input_dropout, 0.25);
  EXPECT_EQ(last.attention_dropout, 0.35);
}

// Three full training steps (forward, loss, backward, Adam) on a 2000-node graph with a hub give the
// same bits with one thread and with two.
TEST(GatModelDeterminism, TrainingStepsIdenticalForOneAndTwoThreads) {
  const std::int64_t n = 2000, f = 48;
  auto edges = random_edges(n, 5, 31);
  for (NodeId v = 1; v < n; v += 2) edges.push_back({v, 0});  // node 0: in-degree ~n/2 (and out, symmetrised)
  const Graph raw = build_graph(n, edges, {}, {.symmetrize = true});
  std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(i % 5);
  std::vector<NodeId> train;
  for (NodeId i = 0; i < n; i += 3) train.push_back(i);

  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::dot})
    for (bool sparse : {false, true}) {
      const FeatureMatrix<float> x = sparse ? FeatureMatrix<float>(random_sparse<float>(n, f, 0.1, 5))
                                            : FeatureMatrix<float>(random_matrix<float>(n, f, 5));
      auto run = [&](int threads, Vector<float>& values, RowMatrix<float>& logits) {
        set_num_threads(threads);
        ModelConfig config;
        config.in_dim = f;
        config.num_classes = 5;
        config.attention = kind;
        config.heads = 4;
        config.hidden = 8;
        config.output_heads = 2;
        GatModel<float> model(config);
        model.initialize(17);
        const Graph g = model.prepare_graph(raw);
        testing::train_three_steps(model, g, x, labels, train, values, logits);
      };
      Vector<float> v1, v2;
      RowMatrix<float> l1, l2;
      run(1, v1, l1);
      run(2, v2, l2);
      set_num_threads(0);
      const std::string what = to_string(kind) + (sparse ? " sparse" : " dense");
      EXPECT_TRUE(v1 == v2) << what << ": parameters differ after 3 steps";
      EXPECT_TRUE(l1 == l2) << what << ": logits differ";
      // The steps did change the parameters.
      ModelConfig config;
      config.in_dim = f;
      config.num_classes = 5;
      config.attention = kind;
      config.heads = 4;
      config.hidden = 8;
      config.output_heads = 2;
      GatModel<float> fresh(config);
      fresh.initialize(17);
      EXPECT_GT((v1 - fresh.parameters().values()).cwiseAbs().maxCoeff(), 1e-3f) << what;
    }
}

}  // namespace
}  // namespace gatkit
