// The graph-level model end to end: gradients of every parameter block against finite differences
// (double, bond features, dropout on, every readout), on a batch of three small graphs.
#include "gatkit/nn/graph_model.hpp"

#include <gtest/gtest.h>

#include "test_helpers.hpp"

namespace gatkit {
namespace {

using testing::random_matrix;

class GraphModelTest : public ::testing::TestWithParam<ReadoutKind> {};

TEST_P(GraphModelTest, GradientsMatchFiniteDifferences) {
  //   graph 0: triangle 0-1-2     graph 1: chain 3-4     graph 2: single atom 5
  const Graph batch = build_graph(6, std::vector<Edge>{{0, 1}, {1, 2}, {2, 0}, {3, 4}}, {}, {.symmetrize = true});
  const std::vector<std::int64_t> offsets = {0, 3, 5, 6};
  GraphModelConfig config;
  config.in_dim = 5;
  config.edge_dim = 3;
  config.num_tasks = 2;
  config.layers = 2;
  config.heads = 2;
  config.hidden = 3;
  config.readout = GetParam();
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
  model.parameters().zero_grads();
  model.backward(input, x, offsets, weights);
  const Vector<double> grads = model.parameters().grads();
  for (const auto& b : model.parameters().blocks())
    testing::expect_gradients_match(to_string(GetParam()) + " " + b.name,
                                    model.parameters().values().data() + b.offset, grads.data() + b.offset,
                                    b.rows * b.cols, loss);
}

INSTANTIATE_TEST_SUITE_P(AllReadouts, GraphModelTest,
                         ::testing::Values(ReadoutKind::mean, ReadoutKind::sum, ReadoutKind::max, ReadoutKind::attention),
                         [](const ::testing::TestParamInfo<ReadoutKind>& info) { return to_string(info.param); });

TEST(GraphModel, RejectsBadConfigs) {
  GraphModelConfig config;
  EXPECT_THROW(GraphGat<float>{config}, InvalidArgument);  // in_dim 0
  config.in_dim = 4;
  config.dropout = 1.0;
  EXPECT_THROW(GraphGat<float>{config}, InvalidArgument);
}

}  // namespace
}  // namespace gatkit
