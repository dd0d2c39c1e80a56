// The graph-level model end to end: gradients of every parameter block against finite differences
// (double, bond features, dropout on, every readout, linear and MLP heads, with and without residual
// connections), on a batch of three small graphs.
#include "gatkit/nn/graph_model.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "test_helpers.hpp"

namespace gatkit {
namespace {

using testing::random_matrix;

struct Variant {
  ReadoutKind readout;
  int head_layers;
  bool residual;
  std::vector<ReadoutKind> extra_readouts = {};
  bool jumping_knowledge = false;
};

class GraphModelTest : public ::testing::TestWithParam<Variant> {};

TEST_P(GraphModelTest, GradientsMatchFiniteDifferences) {
  //   graph 0: triangle 0-1-2     graph 1: chain 3-4     graph 2: single atom 5
  const Graph batch = build_graph(6, std::vector<Edge>{{0, 1}, {1, 2}, {2, 0}, {3, 4}}, {}, {.symmetrize = true});
  const std::vector<std::int64_t> offsets = {0, 3, 5, 6};
  GraphModelConfig config;
  config.in_dim = 5;
  config.edge_dim = 3;
  config.num_tasks = 2;
  config.layers = 3;
  config.heads = 2;
  config.hidden = 3;
  config.readout = GetParam().readout;
  config.head_layers = GetParam().head_layers;
  config.head_hidden = 4;
  config.residual = GetParam().residual;
  config.extra_readouts = GetParam().extra_readouts;
  config.jumping_knowledge = GetParam().jumping_knowledge;
  config.dropout = 0.2;
  config.attention_dropout = 0.2;
  GraphGat<double> model(config);
  model.initialize(4);
  model.parameters().values() += 0.05 * Vector<double>::Random(model.parameters().size());
  const RowMatrix<double> bonds = random_matrix<double>(batch.num_edges(), 3, 5);
  const auto input = model.prepare(batch, &bonds);
  EXPECT_EQ(input.graph.num_edges(), batch.num_edges() + 6);  // one self-loop per atom
  const FeatureMatrix<double> x(random_matrix<double>(6, 5, 6));
  const RowMatrix<double> weights = random_matrix<double>(3, 2, 7);
  auto loss = [&] { return model.forward(input, x, offsets, true, 8).cwiseProduct(weights).sum(); };
  const RowMatrix<double> out = model.forward(input, x, offsets, true, 8);
  ASSERT_EQ(out.rows(), 3);
  ASSERT_EQ(out.cols(), 2);
  ASSERT_EQ(model.parameters().size(), config.parameter_count());
  model.parameters().zero_grads();
  model.backward(input, x, offsets, weights);
  const Vector<double> grads = model.parameters().grads();
  for (const auto& b : model.parameters().blocks())
    testing::expect_gradients_match(to_string(GetParam().readout) + " " + b.name,
                                    model.parameters().values().data() + b.offset, grads.data() + b.offset,
                                    b.rows * b.cols, loss);
}

INSTANTIATE_TEST_SUITE_P(AllReadouts, GraphModelTest,
                         ::testing::Values(Variant{ReadoutKind::mean, 0, false}, Variant{ReadoutKind::sum, 0, false},
                                           Variant{ReadoutKind::max, 0, false}, Variant{ReadoutKind::attention, 0, false},
                                           Variant{ReadoutKind::mean, 1, false}, Variant{ReadoutKind::sum, 2, true},
                                           Variant{ReadoutKind::max, 1, true}, Variant{ReadoutKind::attention, 2, true},
                                           Variant{ReadoutKind::mean, 0, false, {ReadoutKind::max}},
                                           Variant{ReadoutKind::sum, 1, true, {ReadoutKind::attention, ReadoutKind::max}},
                                           Variant{ReadoutKind::mean, 0, false, {}, true},
                                           Variant{ReadoutKind::attention, 1, true, {ReadoutKind::max}, true}),
                         [](const ::testing::TestParamInfo<Variant>& info) {
                           std::string name = to_string(info.param.readout);
                           for (const ReadoutKind k : info.param.extra_readouts) name += "_" + to_string(k);
                           return name + "_head" + std::to_string(info.param.head_layers) +
                                  (info.param.residual ? "_residual" : "") + (info.param.jumping_knowledge ? "_jk" : "");
                         });

// Several readouts and jumping knowledge concatenate what the single-readout models pool: the pooled row
// of [mean | max] over layers 1 and 2 equals the four pieces computed one by one. Checked through a
// linear head whose weights pick one block of the pooled row at a time.
TEST(GraphModel, JumpingKnowledgeConcatenatesEveryLayersReadouts) {
  const Graph batch = build_graph(5, std::vector<Edge>{{0, 1}, {1, 2}, {3, 4}}, {}, {.symmetrize = true});
  const std::vector<std::int64_t> offsets = {0, 3, 5};
  GraphModelConfig config;
  config.in_dim = 4;
  config.layers = 2;
  config.heads = 2;
  config.hidden = 2;
  config.readout = ReadoutKind::mean;
  config.extra_readouts = {ReadoutKind::max};
  config.jumping_knowledge = true;
  GraphGat<double> jk(config);
  jk.initialize(3);
  EXPECT_EQ(config.pooled_width(), 2 * 2 * 4);
  const FeatureMatrix<double> x(random_matrix<double>(5, 4, 9));
  const auto input = jk.prepare(batch, nullptr);
  // Reference: models of 1 and 2 layers with one readout each, sharing the attention layers' weights.
  const auto block = [](const Parameters<double>& p, const std::string& name) {
    for (const auto& b : p.blocks())
      if (b.name == name) return b;
    throw std::runtime_error("no block " + name);
  };
  const std::int64_t w = 4;  // heads x hidden
  int piece = 0;
  for (int layers : {1, 2})
    for (ReadoutKind kind : {ReadoutKind::mean, ReadoutKind::max}) {
      GraphModelConfig single = config;
      single.layers = layers;
      single.readout = kind;
      single.extra_readouts.clear();
      single.jumping_knowledge = false;
      GraphGat<double> ref(single);
      ref.initialize(3);
      for (const auto& b : ref.parameters().blocks())
        if (b.name.rfind("layer", 0) == 0)
          ref.parameters().values().segment(b.offset, b.rows * b.cols) =
              jk.parameters().values().segment(block(jk.parameters(), b.name).offset, b.rows * b.cols);
      // Head of the reference: identity on its first output; of the JK model: picks `piece`.
      const auto rh = block(ref.parameters(), "head.weight"), jh = block(jk.parameters(), "head.weight");
      ref.parameters().values().segment(rh.offset, rh.rows * rh.cols).setZero();
      jk.parameters().values().segment(jh.offset, jh.rows * jh.cols).setZero();
      ref.parameters().values()(rh.offset) = 1.0;                     // row 0 (feature 0) -> task 0
      jk.parameters().values()(jh.offset + piece * w) = 1.0;          // row piece*w -> task 0
      ref.parameters().values().segment(block(ref.parameters(), "head.bias").offset, 1).setZero();
      jk.parameters().values().segment(block(jk.parameters(), "head.bias").offset, 1).setZero();
      const RowMatrix<double> a = ref.forward(ref.prepare(batch, nullptr), x, offsets, false, 0);
      const RowMatrix<double> b = jk.forward(input, x, offsets, false, 0);
      EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 1e-12) << "piece " << piece;
      ++piece;
    }
}

// The head's parameter blocks: a linear head keeps the names and order of the original model (so that
// weights saved from it still line up); hidden layers come between the readout and the output layer.
TEST(GraphModel, HeadBlocks) {
  GraphModelConfig config;
  config.in_dim = 5;
  config.num_tasks = 3;
  config.layers = 2;
  config.heads = 2;
  config.hidden = 4;
  GraphGat<float> linear(config);
  EXPECT_EQ(linear.parameters().blocks().back().name, "head.bias");
  config.head_layers = 2;
  config.head_hidden = 16;
  GraphGat<float> mlp(config);
  const auto& blocks = mlp.parameters().blocks();
  EXPECT_EQ(mlp.parameters().size() - linear.parameters().size(),
            (8 * 16 + 16) + (16 * 16 + 16) + (16 * 3 - 8 * 3));
  std::vector<std::string> names;
  for (const auto& b : blocks) names.push_back(b.name);
  const std::vector<std::string> tail(names.end() - 6, names.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"mlp0.weight", "mlp0.bias", "mlp1.weight", "mlp1.bias", "head.weight",
                                            "head.bias"}));
}

// With residual connections a layer whose attention output is zero passes its input on: a 2-layer model
// whose layer 1 is all zeros equals the 1-layer model with the same layer 0 and head, as long as the
// hidden values are positive (then ELU(h) = h; a large bias in layer 0 makes sure of it).
TEST(GraphModel, ResidualPassesTheInputThrough) {
  const Graph batch = build_graph(3, std::vector<Edge>{{0, 1}, {1, 2}}, {}, {.symmetrize = true});
  const std::vector<std::int64_t> offsets = {0, 3};
  GraphModelConfig config;
  config.in_dim = 4;
  config.layers = 2;
  config.heads = 2;
  config.hidden = 3;
  config.readout = ReadoutKind::sum;
  config.residual = true;
  GraphGat<double> two(config);
  two.initialize(1);
  config.layers = 1;
  GraphGat<double> one(config);
  one.initialize(1);
  const auto find = [](const Parameters<double>& p, const std::string& name) {
    for (const auto& b : p.blocks())
      if (b.name == name) return b;
    throw std::runtime_error("no block " + name);
  };
  for (const auto& b : two.parameters().blocks()) {
    auto dst = two.parameters().values().segment(b.offset, b.rows * b.cols);
    if (b.name.rfind("layer1.", 0) == 0) dst.setZero();
    else dst = one.parameters().values().segment(find(one.parameters(), b.name).offset, b.rows * b.cols);
  }
  const FeatureMatrix<double> x(random_matrix<double>(3, 4, 2));
  const auto in_one = one.prepare(batch, nullptr), in_two = two.prepare(batch, nullptr);
  for (const auto& b : two.parameters().blocks())
    if (b.name == "layer0.bias") two.parameters().values().segment(b.offset, b.cols).setConstant(10.0);
  for (const auto& b : one.parameters().blocks())
    if (b.name == "layer0.bias") one.parameters().values().segment(b.offset, b.cols).setConstant(10.0);
  const RowMatrix<double> a = one.forward(in_one, x, offsets, false, 0);
  const RowMatrix<double> b = two.forward(in_two, x, offsets, false, 0);
  EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(GraphModel, RejectsBadConfigs) {
  GraphModelConfig config;
  EXPECT_THROW(GraphGat<float>{config}, InvalidArgument);  // in_dim 0
  config.in_dim = 4;
  config.dropout = 1.0;
  EXPECT_THROW(GraphGat<float>{config}, InvalidArgument);
}

}  // namespace
}  // namespace gatkit
