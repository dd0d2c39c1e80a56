// Kernel micro-benchmarks on Cora (bundled in datasets/cora): the first projection (sparse x dense),
// the fused attention forward and its backward, for the GAT paper's first layer (8 heads x 8) and
// output layer (1 head x 7 classes), with additive, dot and GATv2 scoring, and one full training step.
//   build/bin/bench_kernels [--benchmark_filter=...]   (GATKIT_THREADS=N picks the thread count)
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "gatkit/io/dataset.hpp"
#include "gatkit/nn/attention.hpp"
#include "gatkit/nn/functional.hpp"
#include "gatkit/nn/model.hpp"
#include "gatkit/nn/projection.hpp"
#include "gatkit/train/adam.hpp"
#include "gatkit/util/parallel.hpp"

namespace {

using namespace gatkit;

struct Cora {
  NodeDataset data;
  FeatureMatrix<float> x;
  Graph graph;
  Cora() {
    const char* dir = std::getenv("GATKIT_BENCH_DATA");
    data = load_node_dataset(dir ? dir : GATKIT_SOURCE_DIR "/datasets/cora");
    x = data.features;
    normalize_rows_l1(x);
    graph = with_self_loops(data.graph, SelfLoops::add);
    const char* threads = std::getenv("GATKIT_THREADS");
    set_num_threads(threads ? std::atoi(threads) : 0);
  }
};

Cora& cora() {
  static Cora c;
  return c;
}

AttentionConfig layer_config(int which, AttentionKind kind) {
  AttentionConfig c;
  c.kind = kind;
  c.input_dropout = 0.6;
  c.attention_dropout = std::getenv("NODROP") ? 0.0 : 0.6;
  if (which == 0) {
    c.in_dim = cora().x.cols();
    c.heads = 8;
    c.head_dim = 8;
  } else {
    c.in_dim = 64;
    c.heads = 1;
    c.head_dim = 7;
    c.concat = false;
  }
  return c;
}

void BM_ProjectSparse(benchmark::State& state) {
  Cora& c = cora();
  const RowMatrix<float> w = RowMatrix<float>::Random(c.x.cols(), 64);
  RowMatrix<float> z;
  ProjectionCache<float> cache;
  const Dropout drop = Dropout::with(0.6, 1);
  for (auto _ : state) {
    project_forward<float>(c.x, drop, w, z, cache);
    benchmark::DoNotOptimize(z.data());
  }
}
BENCHMARK(BM_ProjectSparse)->Unit(benchmark::kMicrosecond);

void BM_ProjectSparseBackward(benchmark::State& state) {
  Cora& c = cora();
  const RowMatrix<float> w = RowMatrix<float>::Random(c.x.cols(), 64);
  const RowMatrix<float> dz = RowMatrix<float>::Random(c.x.rows(), 64);
  RowMatrix<float> dw = RowMatrix<float>::Zero(c.x.cols(), 64), z;
  ProjectionCache<float> cache;
  const Dropout drop = Dropout::with(0.6, 1);
  project_forward<float>(c.x, drop, w, z, cache);
  for (auto _ : state) {
    project_backward<float>(c.x, drop, cache, w, dz, dw, nullptr);
    benchmark::DoNotOptimize(dw.data());
  }
}
BENCHMARK(BM_ProjectSparseBackward)->Unit(benchmark::kMicrosecond);

void attention_bench(benchmark::State& state, bool backward) {
  Cora& c = cora();
  const int which = static_cast<int>(state.range(0));
  const auto kind = static_cast<AttentionKind>(state.range(1));
  Parameters<float> p;
  GraphAttention<float> layer(layer_config(which, kind), p, "l");
  p.allocate();
  Rng rng(1);
  layer.initialize(p, rng);
  const FeatureMatrix<float> x =
      which == 0 ? c.x : FeatureMatrix<float>(RowMatrix<float>(RowMatrix<float>::Random(c.x.rows(), 64)));
  AttentionCache<float> cache;
  RowMatrix<float> y, dx;
  layer.forward(p, c.graph, x, true, 1, cache, y);
  const RowMatrix<float> dy = RowMatrix<float>::Random(y.rows(), y.cols());
  for (auto _ : state) {
    if (backward) layer.backward(p, c.graph, x, cache, dy, which == 0 ? nullptr : &dx);
    else layer.forward(p, c.graph, x, true, 1, cache, y);
    benchmark::ClobberMemory();
  }
}
void BM_AttentionForward(benchmark::State& state) { attention_bench(state, false); }
void BM_AttentionBackward(benchmark::State& state) { attention_bench(state, true); }
// Args: layer (0 = 1433 -> 8x8 sparse input, 1 = 64 -> 1x7), kind (0 additive, 1 dot, 2 gatv2)
BENCHMARK(BM_AttentionForward)->ArgsProduct({{0, 1}, {0, 1, 2}})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AttentionBackward)->ArgsProduct({{0, 1}, {0, 1, 2}})->Unit(benchmark::kMicrosecond);

void BM_TrainStep(benchmark::State& state) {
  Cora& c = cora();
  ModelConfig config;
  config.in_dim = c.x.cols();
  config.num_classes = c.data.num_classes;
  config.attention = static_cast<AttentionKind>(state.range(0));
  GatModel<float> model(config);
  model.initialize(0);
  Adam adam({}, model.parameters().size());
  RowMatrix<float> d_logits;
  std::uint64_t step = 0;
  for (auto _ : state) {
    model.parameters().zero_grads();
    const auto& logits = model.forward(c.graph, c.x, true, ++step);
    softmax_cross_entropy(logits, c.data.labels, c.data.train, &d_logits);
    model.backward(c.graph, c.x, d_logits);
    adam.step(model.parameters());
  }
}
BENCHMARK(BM_TrainStep)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
