// Molecule-like set benchmark of issue 4: graph-level GAT (GraphGat<float>: 3 attention layers, 4 heads x
// 64 hidden, concatenated, ELU, mean readout, linear head with one logit, dropout 0, self-loops added) on
// the `mol` set of ../shared/bench/gen_graph.py (edges.txt with global ids, features.npy, labels.npy,
// graph_ptr.npy), binary cross-entropy on the logit, Adam (AdamConfig defaults: lr 0.005, weight decay
// 5e-4, as the PyTorch Geometric peer), batches of 128 graphs shuffled each epoch with a fixed seed (the
// last batch may be smaller).
//
// Reported (one JSON line on stdout, and in --json FILE):
//   train graphs/s:     median over the timed epochs of graphs / epoch time, an epoch being forward + loss
//                       + backward + Adam step for every batch;
//   inference graphs/s: median over the timed passes of graphs / pass time (forward, no dropout);
//   the process CPU time of each epoch and pass (CLOCK_PROCESS_CPUTIME_ID: the machine is shared);
//   the cost of building the batches (block-diagonal Graph with self-loops + feature rows + targets),
//   which is done before each epoch, outside its timing, as a data loader working ahead would; the
//   graphs/s including that cost are reported too (the PyTorch Geometric peer times it inside the epoch);
//   the mean loss of every epoch (first and last: the benchmark provably trains), peak RSS (getrusage).
// Usage: bench_mol --data DIR [--threads N] [--epochs 3] [--warmup 1] [--batch 128] [--seed 0] [--json FILE]
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "gatkit/graph/graph.hpp"
#include "gatkit/io/readers.hpp"
#include "gatkit/nn/graph_model.hpp"
#include "gatkit/nn/losses.hpp"
#include "gatkit/nn/random.hpp"
#include "gatkit/nn/readout.hpp"
#include "gatkit/train/adam.hpp"
#include "gatkit/util/parallel.hpp"

#include "bench_util.hpp"

namespace {

using gatkit::bench::median;
using gatkit::bench::peak_rss_mb;
using gatkit::bench::cpu_seconds;
using gatkit::bench::loadavg;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The data set as separate small graphs (local node ids), their feature rows and labels.
struct MolSet {
  std::vector<gatkit::Graph> graphs;
  std::vector<std::int64_t> ptr;  // graphs + 1 global node offsets
  gatkit::MatrixF features;       // all nodes x feat
  std::vector<std::int64_t> labels;
  std::int64_t num_edges = 0;
};

MolSet load(const std::filesystem::path& dir) {
  MolSet s;
  s.ptr = gatkit::io::read_npy_integers(dir / "graph_ptr.npy");
  s.labels = gatkit::io::read_npy_integers(dir / "labels.npy");
  s.features = gatkit::io::read_npy_matrix(dir / "features.npy");
  if (s.ptr.size() < 2 || s.ptr.front() != 0 || !std::is_sorted(s.ptr.begin(), s.ptr.end()))
    throw std::runtime_error("graph_ptr.npy: expected ascending offsets starting at 0");
  const std::int64_t G = static_cast<std::int64_t>(s.ptr.size()) - 1, n = s.ptr.back();
  if (static_cast<std::int64_t>(s.labels.size()) != G) throw std::runtime_error("labels.npy: one label per graph expected");
  if (s.features.rows() != n) throw std::runtime_error("features.npy: one row per node expected");
  for (auto y : s.labels)
    if (y != 0 && y != 1) throw std::runtime_error("labels.npy: binary labels (0/1) expected");
  const gatkit::io::EdgeList list =
      gatkit::io::read_edge_list(dir / "edges.txt", {.remap_ids = false, .num_nodes = n});
  s.num_edges = static_cast<std::int64_t>(list.edges.size());
  // Node -> graph, then each edge into its graph with local ids.
  std::vector<std::int32_t> graph_of(static_cast<std::size_t>(n));
  for (std::int64_t g = 0; g < G; ++g)
    std::fill(graph_of.begin() + s.ptr[g], graph_of.begin() + s.ptr[g + 1], static_cast<std::int32_t>(g));
  std::vector<std::vector<gatkit::Edge>> local(static_cast<std::size_t>(G));
  for (const gatkit::Edge& e : list.edges) {
    const auto g = graph_of[static_cast<std::size_t>(e.src)];
    if (graph_of[static_cast<std::size_t>(e.dst)] != g) throw std::runtime_error("edges.txt: an edge joins two graphs");
    const auto shift = static_cast<gatkit::NodeId>(s.ptr[g]);
    local[static_cast<std::size_t>(g)].push_back({static_cast<gatkit::NodeId>(e.src - shift), static_cast<gatkit::NodeId>(e.dst - shift)});
  }
  s.graphs.reserve(static_cast<std::size_t>(G));
  for (std::int64_t g = 0; g < G; ++g)
    s.graphs.push_back(gatkit::build_graph(s.ptr[g + 1] - s.ptr[g], local[static_cast<std::size_t>(g)]));
  return s;
}

struct Batch {
  gatkit::GraphGat<float>::Input input;
  gatkit::FeatureMatrix<float> x;
  std::vector<std::int64_t> offsets;
  gatkit::RowMatrix<float> targets;  // graphs x 1
};

// One batch: the block-diagonal union (gatkit::batch_graphs), the model's self-loop policy (prepare), the
// feature rows of its graphs in order, and the targets.
Batch make_batch(const gatkit::GraphGat<float>& model, const MolSet& s, std::span<const std::int64_t> items) {
  std::vector<const gatkit::Graph*> graphs;
  graphs.reserve(items.size());
  for (auto g : items) graphs.push_back(&s.graphs[static_cast<std::size_t>(g)]);
  gatkit::GraphBatch gb = gatkit::batch_graphs(graphs);
  Batch b;
  b.input = model.prepare(gb.graph, nullptr);
  gatkit::RowMatrix<float> x(gb.graph.num_nodes(), s.features.cols());
  b.targets.resize(static_cast<Eigen::Index>(items.size()), 1);
  for (std::size_t k = 0; k < items.size(); ++k) {
    const std::int64_t g = items[k], rows = s.ptr[g + 1] - s.ptr[g];
    x.middleRows(gb.offsets[k], rows) = s.features.middleRows(s.ptr[g], rows);
    b.targets(static_cast<Eigen::Index>(k), 0) = static_cast<float>(s.labels[static_cast<std::size_t>(g)]);
  }
  b.x = gatkit::FeatureMatrix<float>(std::move(x));
  b.offsets = std::move(gb.offsets);
  return b;
}

std::vector<Batch> make_batches(const gatkit::GraphGat<float>& model, const MolSet& s, const std::vector<std::int64_t>& order,
                                int batch_size) {
  std::vector<Batch> batches;
  for (std::size_t first = 0; first < order.size(); first += static_cast<std::size_t>(batch_size)) {
    const std::size_t last = std::min(order.size(), first + static_cast<std::size_t>(batch_size));
    batches.push_back(make_batch(model, s, std::span<const std::int64_t>(order.data() + first, last - first)));
  }
  return batches;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir, json_out;
  int threads = 0, epochs = 3, warmup = 1, batch_size = 128;
  std::uint64_t seed = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return gatkit::bench::option_value(argc, argv, i, arg); };
    if (arg == "--data") data_dir = value();
    else if (arg == "--threads") threads = std::stoi(value());
    else if (arg == "--epochs") epochs = std::stoi(value());
    else if (arg == "--warmup") warmup = std::stoi(value());
    else if (arg == "--batch") batch_size = std::stoi(value());
    else if (arg == "--seed") seed = std::stoull(value());
    else if (arg == "--json") json_out = value();
    else {
      std::cerr << "bench_mol: unknown option " << arg << "\n";
      return 2;
    }
  }
  if (data_dir.empty() || epochs < 1 || warmup < 0 || batch_size < 1) {
    std::cerr << "usage: bench_mol --data DIR [--threads N] [--epochs 3] [--warmup 1] [--batch 128] [--seed 0] [--json FILE]\n";
    return 2;
  }
  gatkit::set_num_threads(threads);
  const std::string load_start = loadavg();
  const auto t_load = Clock::now();
  const MolSet set = load(data_dir);
  const double load_s = seconds_since(t_load);
  const double rss_data_mb = peak_rss_mb();
  const auto G = static_cast<std::int64_t>(set.graphs.size());

  gatkit::GraphModelConfig config;
  config.in_dim = set.features.cols();
  config.edge_dim = 0;
  config.num_tasks = 1;
  config.layers = 3;
  config.heads = 4;
  config.hidden = 64;
  config.readout = gatkit::ReadoutKind::mean;
  config.dropout = 0.0;
  config.attention_dropout = 0.0;
  config.self_loops = true;
  gatkit::GraphGat<float> model(config);
  model.initialize(gatkit::derive_seed(seed, 1));
  gatkit::Adam adam(gatkit::AdamConfig{}, model.parameters().size());
  gatkit::RowMatrix<float> d_logits;

  std::fprintf(stderr, "bench_mol: %lld graphs, %lld nodes, %lld edges (without self-loops), %lld features, "
               "%lld parameters, %d threads, loaded in %.2f s, load %s\n",
               static_cast<long long>(G), static_cast<long long>(set.ptr.back()), static_cast<long long>(set.num_edges),
               static_cast<long long>(set.features.cols()), static_cast<long long>(model.parameters().size()),
               gatkit::num_threads(), load_s, load_start.c_str());

  // ---- training: warm-up epochs, then timed ones; batches of each epoch built before it (not timed)
  gatkit::Rng rng(gatkit::derive_seed(seed, 0xba7c));
  std::vector<std::int64_t> order(static_cast<std::size_t>(G));
  for (std::int64_t g = 0; g < G; ++g) order[static_cast<std::size_t>(g)] = g;
  std::vector<double> epoch_s, epoch_cpu_s, build_s, build_cpu_s, losses;
  const std::string train_start = loadavg();
  for (int e = 0; e < warmup + epochs; ++e) {
    for (std::size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng.below(k)]);  // Fisher-Yates
    const auto tb = Clock::now();
    const double cb = cpu_seconds();
    std::vector<Batch> batches = make_batches(model, set, order, batch_size);
    const double b_s = seconds_since(tb), b_cpu = cpu_seconds() - cb;

    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    double loss_sum = 0;
    std::uint64_t step = 0;
    for (Batch& b : batches) {
      model.parameters().zero_grads();
      const auto& logits = model.forward(b.input, b.x, b.offsets, true,
                                         gatkit::derive_seed(seed, (static_cast<std::uint64_t>(e + 1) << 32) + ++step));
      loss_sum += gatkit::masked_bce_with_logits(logits, b.targets, &d_logits) * static_cast<double>(b.targets.rows());
      model.backward(b.input, b.x, b.offsets, d_logits);
      adam.step(model.parameters());
    }
    const double s = seconds_since(t0), cpu = cpu_seconds() - c0;
    const double loss = loss_sum / static_cast<double>(G);
    losses.push_back(loss);
    const bool timed = e >= warmup;
    if (timed) epoch_s.push_back(s), epoch_cpu_s.push_back(cpu), build_s.push_back(b_s), build_cpu_s.push_back(b_cpu);
    std::fprintf(stderr, "%s epoch %d: %.3f s (%.1f graphs/s), cpu %.3f s, batches built in %.3f s (cpu %.3f s), "
                 "mean loss %.5f, load %s\n",
                 timed ? "train" : "warm-up", e + 1, s, static_cast<double>(G) / s, cpu, b_s, b_cpu, loss, loadavg().c_str());
  }
  const std::string train_end = loadavg();

  // ---- inference: batches in order, built once (not timed); one warm-up pass, then timed passes
  for (std::int64_t g = 0; g < G; ++g) order[static_cast<std::size_t>(g)] = g;
  const auto tb = Clock::now();
  const double cb = cpu_seconds();
  std::vector<Batch> eval = make_batches(model, set, order, batch_size);
  const double eval_build_s = seconds_since(tb), eval_build_cpu_s = cpu_seconds() - cb;
  std::vector<double> pass_s, pass_cpu_s;
  double eval_loss = 0, accuracy = 0;
  const std::string infer_start = loadavg();
  for (int p = 0; p < 1 + epochs; ++p) {
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    double loss_sum = 0;
    std::int64_t correct = 0;
    for (Batch& b : eval) {
      const auto& logits = model.forward(b.input, b.x, b.offsets, false, 0);
      // Loss and accuracy of the trained model, inside the timing (one scalar per graph: negligible).
      loss_sum += gatkit::masked_bce_with_logits<float>(logits, b.targets, nullptr) * static_cast<double>(b.targets.rows());
      for (Eigen::Index i = 0; i < logits.rows(); ++i) correct += (logits(i, 0) > 0) == (b.targets(i, 0) > 0.5f);
    }
    const double s = seconds_since(t0), cpu = cpu_seconds() - c0;
    eval_loss = loss_sum / static_cast<double>(G);
    accuracy = static_cast<double>(correct) / static_cast<double>(G);
    if (p > 0) pass_s.push_back(s), pass_cpu_s.push_back(cpu);
    std::fprintf(stderr, "%s pass %d: %.3f s (%.1f graphs/s), cpu %.3f s, loss %.5f, accuracy %.4f, load %s\n",
                 p > 0 ? "inference" : "warm-up inference", p, s, static_cast<double>(G) / s, cpu, eval_loss, accuracy,
                 loadavg().c_str());
  }
  const std::string infer_end = loadavg();

  const double train_s = median(epoch_s), infer_s = median(pass_s), rss = peak_rss_mb();
  std::vector<double> with_build(epoch_s.size());
  for (std::size_t k = 0; k < epoch_s.size(); ++k) with_build[k] = epoch_s[k] + build_s[k];
  const double Gd = static_cast<double>(G);
  char line[2048];
  std::snprintf(
      line, sizeof line,
      "{\"bench\": \"mol\", \"data\": \"%s\", \"threads\": %d, \"graphs\": %lld, \"nodes\": %lld, \"edges\": %lld, "
      "\"batch_size\": %d, \"layers\": 3, \"heads\": 4, \"hidden\": 64, \"readout\": \"mean\", \"dropout\": 0, "
      "\"epochs\": %d, \"warmup_epochs\": %d, \"load_s\": %.3f, "
      "\"train_graphs_per_second\": %.1f, \"train_epoch_s_median\": %.4f, \"train_epoch_cpu_s_median\": %.4f, "
      "\"inference_graphs_per_second\": %.1f, \"inference_pass_s_median\": %.4f, \"inference_pass_cpu_s_median\": %.4f, "
      "\"batch_build_s_median\": %.4f, \"batch_build_cpu_s_median\": %.4f, \"inference_batch_build_s\": %.4f, "
      "\"inference_batch_build_cpu_s\": %.4f, \"train_graphs_per_second_with_build\": %.1f, "
      "\"first_epoch_loss\": %.5f, \"last_epoch_loss\": %.5f, \"final_loss\": %.5f, \"final_accuracy\": %.4f, "
      "\"peak_rss_mb\": %.1f, \"data_rss_mb\": %.1f, \"loadavg_start\": \"%s\", \"loadavg_train\": [\"%s\", \"%s\"], "
      "\"loadavg_inference\": [\"%s\", \"%s\"]}",
      data_dir.c_str(), gatkit::num_threads(), static_cast<long long>(G), static_cast<long long>(set.ptr.back()),
      static_cast<long long>(set.num_edges), batch_size, epochs, warmup, load_s, Gd / train_s, train_s, median(epoch_cpu_s),
      Gd / infer_s, infer_s, median(pass_cpu_s), median(build_s), median(build_cpu_s), eval_build_s, eval_build_cpu_s,
      Gd / median(with_build), losses.front(), losses.back(), eval_loss, accuracy, rss, rss_data_mb, load_start.c_str(),
      train_start.c_str(), train_end.c_str(), infer_start.c_str(), infer_end.c_str());
  std::cout << line << std::endl;
  if (!json_out.empty()) std::ofstream(json_out) << line << "\n";
  return 0;
}
