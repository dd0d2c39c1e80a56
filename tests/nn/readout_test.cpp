// Graph readouts: values against direct computations, gradients against finite differences (double),
// thread-count independence; and the block-diagonal batch of small graphs.
#include "gatkit/nn/readout.hpp"

#include <gtest/gtest.h>

#include <set>

#include "gatkit/util/parallel.hpp"
#include "test_helpers.hpp"

namespace gatkit {
namespace {

using testing::random_matrix;

// Graph sizes 3, 0 (empty graph), 1, 5: offsets 0, 3, 3, 4, 9.
const std::vector<std::int64_t> kOffsets = {0, 3, 3, 4, 9};

class ReadoutTest : public ::testing::TestWithParam<ReadoutKind> {};

TEST_P(ReadoutTest, ValuesMatchDirectComputation) {
  const ReadoutKind kind = GetParam();
  Parameters<double> p;
  GraphReadout<double> readout(kind, 4, p, "pool");
  p.allocate();
  p.values().setRandom();
  const RowMatrix<double> x = random_matrix<double>(9, 4, 3);
  ReadoutCache<double> cache;
  RowMatrix<double> y;
  readout.forward(p, x, kOffsets, cache, y);
  ASSERT_EQ(y.rows(), 4);
  for (std::size_t g = 0; g + 1 < kOffsets.size(); ++g) {
    const auto first = kOffsets[g], count = kOffsets[g + 1] - first;
    Vector<double> expected = Vector<double>::Zero(4);
    if (count > 0) {
      const auto nodes = x.middleRows(first, count);
      if (kind == ReadoutKind::sum) expected = nodes.colwise().sum().transpose();
      if (kind == ReadoutKind::mean) expected = nodes.colwise().mean().transpose();
      if (kind == ReadoutKind::max) expected = nodes.colwise().maxCoeff().transpose();
      if (kind == ReadoutKind::attention) {
        Vector<double> score(count);
        for (std::int64_t i = 0; i < count; ++i) score(i) = nodes.row(i).dot(p.value(0).col(0).transpose()) + p.value(1)(0, 0);
        const Vector<double> a = (score.array() - score.maxCoeff()).exp().matrix();
        expected = (nodes.transpose() * a) / a.sum();
      }
    }
    EXPECT_LT((y.row(static_cast<Eigen::Index>(g)).transpose() - expected).cwiseAbs().maxCoeff(), 1e-12) << to_string(kind) << " graph " << g;
  }
}

TEST_P(ReadoutTest, GradientsMatchFiniteDifferences) {
  const ReadoutKind kind = GetParam();
  Parameters<double> p;
  GraphReadout<double> readout(kind, 4, p, "pool");
  p.allocate();
  Rng rng(2);
  readout.initialize(p, rng);
  if (p.size() > 0) p.values() += 0.3 * Vector<double>::Random(p.size());
  RowMatrix<double> x = random_matrix<double>(9, 4, 5);  // distinct values: max has a unique winner
  const RowMatrix<double> weights = random_matrix<double>(4, 4, 6);
  auto loss = [&] {
    ReadoutCache<double> cache;
    RowMatrix<double> y;
    readout.forward(p, x, kOffsets, cache, y);
    return y.cwiseProduct(weights).sum();
  };
  ReadoutCache<double> cache;
  RowMatrix<double> y, dx;
  readout.forward(p, x, kOffsets, cache, y);
  p.zero_grads();
  readout.backward(p, x, kOffsets, cache, weights, dx);
  testing::expect_gradients_match(to_string(kind) + " input", x.data(), dx.data(), dx.size(), loss);
  for (const auto& block : p.blocks())
    testing::expect_gradients_match(to_string(kind) + " " + block.name, p.values().data() + block.offset,
                                    p.grads().data() + block.offset, block.rows * block.cols, loss);
}

TEST_P(ReadoutTest, SameBitsForOneAndManyThreads) {
  const ReadoutKind kind = GetParam();
  std::vector<std::int64_t> offsets = {0};
  for (int g = 0; g < 3000; ++g) offsets.push_back(offsets.back() + 1 + g % 17);
  const RowMatrix<float> x = random_matrix<float>(offsets.back(), 16, 8);
  const RowMatrix<float> dy = random_matrix<float>(3000, 16, 9);
  auto run = [&](int threads, RowMatrix<float>& y, RowMatrix<float>& dx, Vector<float>& grads) {
    set_num_threads(threads);
    Parameters<float> p;
    GraphReadout<float> readout(kind, 16, p, "pool");
    p.allocate();
    Rng rng(1);
    readout.initialize(p, rng);
    ReadoutCache<float> cache;
    readout.forward(p, x, offsets, cache, y);
    readout.backward(p, x, offsets, cache, dy, dx);
    grads = p.grads();
  };
  RowMatrix<float> y1, y2, dx1, dx2;
  Vector<float> g1, g2;
  run(1, y1, dx1, g1);
  run(2, y2, dx2, g2);
  set_num_threads(0);
  EXPECT_TRUE(y1 == y2);
  EXPECT_TRUE(dx1 == dx2);
  EXPECT_TRUE(g1 == g2);
}

INSTANTIATE_TEST_SUITE_P(AllReadouts, ReadoutTest,
                         ::testing::Values(ReadoutKind::mean, ReadoutKind::sum, ReadoutKind::max, ReadoutKind::attention),
                         [](const ::testing::TestParamInfo<ReadoutKind>& info) { return to_string(info.param); });

TEST(Readout, ParsesNames) {
  EXPECT_EQ(parse_readout_kind("max"), ReadoutKind::max);
  EXPECT_THROW(parse_readout_kind("median"), InvalidArgument);
  const std::vector<ReadoutKind> both = {ReadoutKind::mean, ReadoutKind::max};
  EXPECT_EQ(parse_readout_kinds("mean,max"), both);
  EXPECT_EQ(to_string(std::span<const ReadoutKind>(both)), "mean,max");
  EXPECT_EQ(parse_readout_kinds("sum"), std::vector<ReadoutKind>{ReadoutKind::sum});
  EXPECT_THROW(parse_readout_kinds("mean,mean"), InvalidArgument);
  EXPECT_THROW(parse_readout_kinds("mean,"), InvalidArgument);
  EXPECT_THROW(parse_readout_kinds(""), InvalidArgument);
  Parameters<float> p;
  GraphReadout<float> readout(ReadoutKind::mean, 3, p, "pool");
  p.allocate();
  ReadoutCache<float> cache;
  RowMatrix<float> y;
  const std::vector<std::int64_t> wrong = {0, 2};
  EXPECT_THROW(readout.forward(p, RowMatrix<float>::Zero(3, 3), wrong, cache, y), InvalidArgument);
}

//   graph A: 0 -> 1, 1 -> 2        graph B: (2 nodes, no edges)      graph C: 0 -> 1, 1 -> 0, 0 -> 0
TEST(Batch, BlockDiagonalUnion) {
  const Graph a = build_graph(3, std::vector<Edge>{{0, 1}, {1, 2}});
  const Graph b = build_graph(2, std::vector<Edge>{});
  const Graph c = build_graph(2, std::vector<Edge>{{0, 1}, {1, 0}, {0, 0}});
  const std::vector<const Graph*> graphs = {&a, &b, &c};
  const GraphBatch batch = batch_graphs(graphs);
  EXPECT_EQ(batch.offsets, (std::vector<std::int64_t>{0, 3, 5, 7}));
  EXPECT_EQ(batch.num_graphs(), 3);
  ASSERT_EQ(batch.graph.num_nodes(), 7);
  EXPECT_EQ(batch.graph.num_edges(), 5);
  // every edge stays inside its graph, shifted by the graph's offset
  std::set<std::pair<int, int>> edges;
  for (NodeId i = 0; i < 7; ++i)
    for (NodeId j : batch.graph.in_neighbors(i)) edges.insert({j, i});
  EXPECT_EQ(edges, (std::set<std::pair<int, int>>{{0, 1}, {1, 2}, {5, 6}, {6, 5}, {5, 5}}));
  EXPECT_TRUE(batch_graphs(std::vector<const Graph*>{}).offsets == std::vector<std::int64_t>{0});
}

}  // namespace
}  // namespace gatkit
