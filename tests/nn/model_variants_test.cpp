// The attention switches through whole models: finite differences for every parameter block of the node
// model (GatModel) and of the graph model (GraphGat, bond features, residual connections), the parameter
// counts that vet checkpoints against the models' real blocks, and the widths each head merge gives.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gatkit/nn/functional.hpp"
#include "gatkit/nn/graph_model.hpp"
#include "gatkit/nn/model.hpp"
#include "test_helpers.hpp"

namespace gatkit {
namespace {

using testing::random_edges;
using testing::random_matrix;
using testing::random_sparse;

struct Switches {
  AttentionKind kind;
  AttentionNormalizer normalizer;
  HeadMerge merge;
  Cardinality cardinality = Cardinality::none;
  std::string name() const {
    return to_string(kind) + "_" + to_string(normalizer) + "_" + to_string(merge) +
           (cardinality == Cardinality::additive ? "_cardinality" : "");
  }
};

// Every scoring with every normaliser, and every head merge, without running all 27 combinations
// through whole models (the layer tests do that).
std::vector<Switches> model_switches() {
  std::vector<Switches> out;
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::gatv2, AttentionKind::dot})
    for (AttentionNormalizer norm : {AttentionNormalizer::softmax, AttentionNormalizer::sparsemax, AttentionNormalizer::relu})
      out.push_back({kind, norm, HeadMerge::concat});
  out.push_back({AttentionKind::gatv2, AttentionNormalizer::sparsemax, HeadMerge::project});
  out.push_back({AttentionKind::additive, AttentionNormalizer::relu, HeadMerge::mean});
  out.push_back({AttentionKind::dot, AttentionNormalizer::softmax, HeadMerge::project});
  out.push_back({AttentionKind::gatv2, AttentionNormalizer::softmax, HeadMerge::mean});
  // The cardinality term in every layer (the node model's output layer averages its heads).
  out.push_back({AttentionKind::additive, AttentionNormalizer::softmax, HeadMerge::concat, Cardinality::additive});
  out.push_back({AttentionKind::dot, AttentionNormalizer::sparsemax, HeadMerge::mean, Cardinality::additive});
  return out;
}

// Central-difference step: smaller than the default, for relu normalisation's curvature (see
// attention_variants_test.cpp).
constexpr double kStep = 1e-6;
/// Gradients below this are compared absolutely (tolerance 1e-5 of it): round-off at the smaller step.
constexpr double kFloor = 1e-3;

class NodeModelSwitches : public ::testing::TestWithParam<Switches> {};

TEST_P(NodeModelSwitches, EveryParameterBlockMatchesFiniteDifferences) {
  const Switches s = GetParam();
  const std::int64_t n = 12, f = 5;
  const std::int32_t classes = 3;
  for (bool sparse : {false, true}) {
    ModelConfig config;
    config.in_dim = f;
    config.num_classes = classes;
    config.attention = s.kind;
    config.normalizer = s.normalizer;
    config.head_merge = s.merge;
    config.cardinality = s.cardinality;
    config.layers = 3;
    config.heads = 2;
    config.hidden = 3;
    config.output_heads = 2;
    config.dropout = 0.3;
    config.attention_dropout = 0.4;
    GatModel<double> model(config);
    model.initialize(7);
    Parameters<double>& p = model.parameters();
    ASSERT_EQ(p.size(), config.parameter_count()) << s.name();
    p.values() += Eigen::Map<const Vector<double>>(random_matrix<double>(p.size(), 1, 3, 0.3).data(), p.size());
    // Random edges (duplicates, loops, isolated nodes) made undirected, then one self-loop per node.
    const Graph g = model.prepare_graph(build_graph(n, random_edges(n, 2.0, 5), {}, {.symmetrize = true}));
    const FeatureMatrix<double> x = sparse ? FeatureMatrix<double>(random_sparse<double>(n, f, 0.4, 9))
                                           : FeatureMatrix<double>(random_matrix<double>(n, f, 9));
    std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>((i * 7) % classes);
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

INSTANTIATE_TEST_SUITE_P(Switches, NodeModelSwitches, ::testing::ValuesIn(model_switches()),
                         [](const ::testing::TestParamInfo<Switches>& info) { return info.param.name(); });

class GraphModelSwitches : public ::testing::TestWithParam<Switches> {};

TEST_P(GraphModelSwitches, EveryParameterBlockMatchesFiniteDifferences) {
  const Switches s = GetParam();
  //   graph 0: triangle 0-1-2 with a doubled bond 0-1     graph 1: chain 3-4     graph 2: single atom 5
  const Graph batch = build_graph(6, std::vector<Edge>{{0, 1}, {0, 1}, {1, 2}, {2, 0}, {3, 4}}, {},
                                  {.symmetrize = true, .deduplicate = false});
  const std::vector<std::int64_t> offsets = {0, 3, 5, 6};
  for (bool residual : {false, true}) {
    GraphModelConfig config;
    config.in_dim = 5;
    config.edge_dim = 3;
    config.num_tasks = 2;
    config.layers = 3;
    config.heads = 2;
    config.hidden = 3;
    config.readout = residual ? ReadoutKind::attention : ReadoutKind::mean;
    config.head_layers = residual ? 1 : 0;
    config.head_hidden = 4;
    config.residual = residual;
    config.dropout = 0.2;
    config.attention_dropout = 0.2;
    config.attention = s.kind;
    config.normalizer = s.normalizer;
    config.head_merge = s.merge;
    config.cardinality = s.cardinality;
    GraphGat<double> model(config);
    ASSERT_EQ(model.parameters().size(), config.parameter_count()) << s.name();
    model.initialize(4);
    const std::int64_t size = model.parameters().size();
    model.parameters().values() += Eigen::Map<const Vector<double>>(random_matrix<double>(size, 1, 21, 0.2).data(), size);
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
      testing::expect_gradients_match(s.name() + (residual ? " residual " : " ") + b.name,
                                      model.parameters().values().data() + b.offset, grads.data() + b.offset,
                                      b.rows * b.cols, loss, kStep, 1e-5, kFloor);
  }
}

INSTANTIATE_TEST_SUITE_P(Switches, GraphModelSwitches, ::testing::ValuesIn(model_switches()),
                         [](const ::testing::TestParamInfo<Switches>& info) { return info.param.name(); });

// Head merges and widths: concat and project keep heads * hidden features between layers, mean hidden;
// the node model's output layer averages its heads whatever the merge of the hidden layers.
TEST(ModelSwitches, HeadMergeSetsTheWidths) {
  ModelConfig c;
  c.in_dim = 10;
  c.num_classes = 3;
  c.layers = 3;
  c.heads = 4;
  c.hidden = 5;
  for (HeadMerge merge : {HeadMerge::concat, HeadMerge::project, HeadMerge::mean}) {
    c.head_merge = merge;
    const std::int64_t width = merge == HeadMerge::mean ? 5 : 20;
    EXPECT_EQ(c.hidden_width(), width);
    EXPECT_EQ(c.layer(0).output_dim(), width);
    EXPECT_EQ(c.layer(1).in_dim, width);
    EXPECT_EQ(c.layer(1).merge(), merge);
    EXPECT_EQ(c.layer(2).merge(), HeadMerge::mean);
    EXPECT_EQ(c.layer(2).output_dim(), 3);
    GatModel<float> model(c);
    EXPECT_EQ(model.parameters().size(), c.parameter_count());
    int projections = 0;
    for (const auto& b : model.parameters().blocks()) projections += b.name.ends_with(".out_weight");
    EXPECT_EQ(projections, merge == HeadMerge::project ? 2 : 0) << to_string(merge);
  }
  GraphModelConfig g;
  g.in_dim = 7;
  g.heads = 3;
  g.hidden = 4;
  g.head_merge = HeadMerge::mean;
  EXPECT_EQ(g.width(), 4);
  g.head_merge = HeadMerge::project;
  EXPECT_EQ(g.width(), 12);
  for (AttentionKind kind : {AttentionKind::additive, AttentionKind::gatv2, AttentionKind::dot})
    for (HeadMerge merge : {HeadMerge::concat, HeadMerge::project, HeadMerge::mean})
      for (std::int64_t edge_dim : {0, 6}) {
        g.attention = kind;
        g.head_merge = merge;
        g.edge_dim = edge_dim;
        g.readout = ReadoutKind::attention;
        g.head_layers = 1;
        EXPECT_EQ(GraphGat<float>(g).parameters().size(), g.parameter_count());
      }
}

}  // namespace
}  // namespace gatkit
