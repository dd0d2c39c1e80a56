// End-to-end step benchmark of issue 4: the reference 2-layer GAT (8 heads x 8 hidden, dropout 0.6 on
// inputs and attention, one averaged output head) on a node data set folder, full batch. Reports the
// median training step (forward + loss + backward + Adam) and inference (forward, no dropout), the peak
// resident memory of the process, and the memory traffic the work implies against the achieved time:
//   compulsory: every array the step must read or write, once (inputs, weights, activations, their
//               gradients, the E x heads attention weights, the CSR arrays): a floor for any algorithm.
//   gathers:    compulsory + one row of the neighbour's projected features (and score halves) per edge
//               and pass, as a gather-based kernel must fetch when those rows do not fit in the cache
//               (uniform random graphs larger than L3 have no locality to exploit).
// Usage: bench_step --data DIR [--threads N] [--steps 7] [--warmup 2] [--json FILE]
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "gatkit/io/dataset.hpp"
#include "gatkit/nn/functional.hpp"
#include "gatkit/nn/model.hpp"
#include "gatkit/train/adam.hpp"
#include "gatkit/util/parallel.hpp"

#include "bench_util.hpp"

namespace {

using gatkit::bench::median;
using gatkit::bench::peak_rss_mb;
using gatkit::bench::cpu_seconds;
using gatkit::bench::loadavg;

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Traffic {
  double compulsory = 0, gathers = 0;  // bytes
};

// Bytes of one forward (training: with dropout masks) and, if `backward`, of the backward pass too.
Traffic traffic(const gatkit::ModelConfig& c, const gatkit::FeatureMatrix<float>& x, std::int64_t n, std::int64_t E,
                bool training) {
  const double f = 4, idx = 4, off = 8;
  Traffic t;
  const double csr = E * idx + (n + 1) * off;
  for (int l = 0; l < c.layers; ++l) {
    const gatkit::AttentionConfig a = c.layer(l);
    const double H = a.heads, HD = static_cast<double>(a.heads * a.head_dim);
    const double out = a.concat ? HD : static_cast<double>(a.head_dim);
    const double in_bytes = l == 0 ? (x.is_sparse() ? x.sparse().nonZeros() * (f + idx) + (n + 1) * off
                                                    : static_cast<double>(n) * x.cols() * f)
                                   : n * static_cast<double>(c.layer(l - 1).concat ? c.layer(l - 1).heads * c.layer(l - 1).head_dim
                                                                                  : c.layer(l - 1).head_dim) * f;
    // forward: read input, write z, write score halves, read CSR, write alpha, write y
    double fwd = in_bytes + n * HD * f * 2 + 2.0 * n * H * f + csr + E * H * f + n * out * f;
    if (l + 1 < c.layers) fwd += 2 * n * out * f;  // ELU: read y, write the next input
    const double fwd_gather = E * (HD + H) * f;   // value row + s_src per edge
    t.compulsory += fwd;
    t.gathers += fwd + fwd_gather;
    if (training) {
      // backward: read dy, alpha, dropped; write and read d_edge; read z; write dz; CSR and reverse CSR;
      // weight gradient reads the input again; input gradient (not for the first layer) writes d_input.
      double bwd = n * out * f + 3.0 * E * H * f + E * H * f + n * HD * f * 2 + 2 * csr + E * idx + in_bytes;
      if (l > 0) bwd += in_bytes + n * out * f;  // d_input, ELU backward
      const double bwd_gather = E * (HD + H) * f + E * (out + 2 * H) * f;  // dst pass: z, s_src; src pass: dy, dropped, d_edge
      t.compulsory += bwd;
      t.gathers += bwd + bwd_gather;
    }
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir, json_out;
  int threads = 0, steps = 7, warmup = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return gatkit::bench::option_value(argc, argv, i, arg); };
    if (arg == "--data") data_dir = value();
    else if (arg == "--threads") threads = std::stoi(value());
    else if (arg == "--steps") steps = std::stoi(value());
    else if (arg == "--warmup") warmup = std::stoi(value());
    else if (arg == "--json") json_out = value();
    else {
      std::cerr << "bench_step: unknown option " << arg << "\n";
      return 2;
    }
  }
  if (data_dir.empty() || steps < 1) {
    std::cerr << "usage: bench_step --data DIR [--threads N] [--steps 7] [--warmup 2] [--json FILE]\n";
    return 2;
  }
  gatkit::set_num_threads(threads);
  auto t_load = Clock::now();
  gatkit::NodeDataset data = gatkit::load_node_dataset(data_dir);
  const double load_ms = ms_since(t_load);
  const double rss_data_mb = peak_rss_mb();

  gatkit::ModelConfig config;  // the reference model: 2 layers, 8 x 8, dropout 0.6, 1 output head
  config.in_dim = data.features.cols();
  config.num_classes = data.num_classes;
  gatkit::GatModel<float> model(config);
  model.initialize(1);
  const gatkit::Graph graph = model.prepare_graph(data.graph);
  data.graph = gatkit::Graph();  // the model works on the copy with self-loops
  gatkit::Adam adam(gatkit::AdamConfig{}, model.parameters().size());
  gatkit::RowMatrix<float> d_logits;

  std::vector<double> train_ms, infer_ms, train_cpu, infer_cpu;
  for (int s = 0; s < warmup + steps; ++s) {
    const auto t0 = Clock::now();
    const double c0 = (1e3 * cpu_seconds());
    model.parameters().zero_grads();
    const auto& logits = model.forward(graph, data.features, true, 1000 + static_cast<std::uint64_t>(s));
    gatkit::softmax_cross_entropy(logits, data.labels, data.train, &d_logits);
    model.backward(graph, data.features, d_logits);
    adam.step(model.parameters());
    if (s >= warmup) train_ms.push_back(ms_since(t0)), train_cpu.push_back((1e3 * cpu_seconds()) - c0);
  }
  for (int s = 0; s < warmup + steps; ++s) {
    const auto t0 = Clock::now();
    const double c0 = (1e3 * cpu_seconds());
    model.forward(graph, data.features, false, 0);
    if (s >= warmup) infer_ms.push_back(ms_since(t0)), infer_cpu.push_back((1e3 * cpu_seconds()) - c0);
  }
  const std::int64_t n = graph.num_nodes(), E = graph.num_edges();
  const Traffic tt = traffic(config, data.features, n, E, true), ti = traffic(config, data.features, n, E, false);
  const double train = median(train_ms), infer = median(infer_ms), rss = peak_rss_mb();
  auto gbps = [](double bytes, double ms) { return bytes / (ms * 1e-3) / 1e9; };
  char line[1024];
  std::snprintf(line, sizeof line,
                "{\"data\": \"%s\", \"threads\": %d, \"nodes\": %lld, \"edges_with_self_loops\": %lld, \"features\": %lld, "
                "\"load_ms\": %.1f, \"train_step_ms_median\": %.2f, \"inference_ms_median\": %.2f, "
                "\"train_step_cpu_ms_median\": %.2f, \"inference_cpu_ms_median\": %.2f, "
                "\"peak_rss_mb\": %.1f, \"data_rss_mb\": %.1f, "
                "\"train_bytes_compulsory\": %.4g, \"train_bytes_gathers\": %.4g, "
                "\"inference_bytes_compulsory\": %.4g, \"inference_bytes_gathers\": %.4g, "
                "\"train_gbps_compulsory\": %.2f, \"train_gbps_gathers\": %.2f, "
                "\"inference_gbps_compulsory\": %.2f, \"inference_gbps_gathers\": %.2f, \"steps\": %d}",
                data_dir.c_str(), gatkit::num_threads(), static_cast<long long>(n), static_cast<long long>(E),
                static_cast<long long>(data.features.cols()), load_ms, train, infer, median(train_cpu), median(infer_cpu), rss, rss_data_mb, tt.compulsory,
                tt.gathers, ti.compulsory, ti.gathers, gbps(tt.compulsory, train), gbps(tt.gathers, train),
                gbps(ti.compulsory, infer), gbps(ti.gathers, infer), steps);
  std::cout << line << std::endl;
  if (!json_out.empty()) std::ofstream(json_out) << line << "\n";
  return 0;
}
