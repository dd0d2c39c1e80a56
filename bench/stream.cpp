// STREAM triad (McCalpin) for issue 4's bandwidth figures: a[i] = b[i] + s * c[i] on three float64 arrays
// of --elements entries (default 80 M: 3 x 640 MB, far beyond any cache), with 1 thread and with --threads
// N threads. For each thread count the arrays are allocated afresh and first touched in parallel with the
// partitioning the triad uses: one contiguous chunk of n / t elements per thread, handed out by TBB's
// static_partitioner, so the same thread touches the same pages in the initialisation and in every
// repetition. One untimed repetition, then 10 timed ones; best and median are reported.
// Bandwidth is counted as STREAM counts it: 3 x 8 bytes per element (2 reads + 1 write), in GB/s = 1e9
// bytes/s. The write-allocate traffic (the line of a[] is read before it is written, unless the compiler
// emits non-temporal stores, which it does not here) is not counted, as in STREAM: the memory actually
// moves up to 4 x 8 bytes per element.
// Usage: bench_stream [--threads N] [--elements M] [--reps 10] [--json FILE]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include "gatkit/util/parallel.hpp"

#include "bench_util.hpp"

namespace {

using gatkit::bench::median;
using gatkit::bench::peak_rss_mb;
using gatkit::bench::cpu_seconds;
using gatkit::bench::loadavg;

using Clock = std::chrono::steady_clock;

// body(begin, end) on chunk k = [k * n / t, (k + 1) * n / t) for k < t, one chunk per thread.
template <class Body>
void for_chunks(std::int64_t n, int t, Body&& body) {
  tbb::parallel_for(
      tbb::blocked_range<int>(0, t, 1),
      [&](const tbb::blocked_range<int>& r) {
        for (int k = r.begin(); k < r.end(); ++k) body(k * n / t, (k + 1) * n / t);
      },
      tbb::static_partitioner());
}

double* allocate(std::int64_t n) {
  const std::size_t align = 4096, bytes = (static_cast<std::size_t>(n) * sizeof(double) + align - 1) / align * align;
  auto* p = static_cast<double*>(std::aligned_alloc(align, bytes));  // not touched: first touch is the init
  if (!p) {
    std::cerr << "bench_stream: cannot allocate " << bytes << " bytes\n";
    std::exit(1);
  }
  return p;
}

struct Result {
  int threads = 0;
  double best_gbps = 0, median_gbps = 0, best_s = 0, median_s = 0, cpu_over_wall = 0, init_s = 0;
  std::string load_start, load_end;
};

Result measure(std::int64_t n, int threads, int reps) {
  gatkit::set_num_threads(threads);
  const int t = gatkit::num_threads();
  double* a = allocate(n);
  double* b = allocate(n);
  double* c = allocate(n);
  const double scalar = 3.0;
  Result r;
  r.threads = t;
  r.load_start = loadavg();
  const auto ti = Clock::now();
  for_chunks(n, t, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t i = lo; i < hi; ++i) {
      a[i] = 1.0;
      b[i] = 2.0;
      c[i] = 0.5;
    }
  });
  r.init_s = std::chrono::duration<double>(Clock::now() - ti).count();
  std::vector<double> times;
  double cpu = 0, wall = 0;
  for (int rep = 0; rep <= reps; ++rep) {  // rep 0 untimed
    const double c0 = cpu_seconds();
    const auto t0 = Clock::now();
    for_chunks(n, t, [&](std::int64_t lo, std::int64_t hi) {
      double* __restrict out = a;
      const double* __restrict x = b;
      const double* __restrict y = c;
      for (std::int64_t i = lo; i < hi; ++i) out[i] = x[i] + scalar * y[i];
    });
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (rep > 0) times.push_back(s), cpu += cpu_seconds() - c0, wall += s;
  }
  r.load_end = loadavg();
  // Check, as STREAM does, that every element holds the expected value (and that the loop ran).
  std::int64_t bad = 0;
  for (std::int64_t i = 0; i < n; ++i) bad += a[i] != 2.0 + scalar * 0.5;
  if (bad) {
    std::cerr << "bench_stream: " << bad << " wrong elements\n";
    std::exit(1);
  }
  std::free(a), std::free(b), std::free(c);
  const double bytes = 3.0 * sizeof(double) * static_cast<double>(n);
  r.best_s = *std::min_element(times.begin(), times.end());
  r.median_s = median(times);
  r.best_gbps = bytes / r.best_s / 1e9;
  r.median_gbps = bytes / r.median_s / 1e9;
  r.cpu_over_wall = cpu / wall;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t elements = 80'000'000;
  int threads = 0, reps = 10;
  std::string json_out;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return gatkit::bench::option_value(argc, argv, i, arg); };
    if (arg == "--threads") threads = std::stoi(value());
    else if (arg == "--elements") elements = std::stoll(value());
    else if (arg == "--reps") reps = std::stoi(value());
    else if (arg == "--json") json_out = value();
    else {
      std::cerr << "bench_stream: unknown option " << arg << "\n";
      return 2;
    }
  }
  if (elements < 1 || reps < 1) {
    std::cerr << "usage: bench_stream [--threads N] [--elements M] [--reps 10] [--json FILE]\n";
    return 2;
  }
  gatkit::set_num_threads(threads);
  const int n_threads = gatkit::num_threads();
  std::vector<int> counts{1};
  if (n_threads > 1) counts.push_back(n_threads);
  std::fprintf(stderr, "bench_stream: triad on 3 x %lld doubles (%.1f MB each), threads %d, %d timed repetitions\n",
               static_cast<long long>(elements), static_cast<double>(elements) * 8 / 1e6, n_threads, reps);
  std::string line = "{\"bench\": \"stream_triad\", \"elements\": " + std::to_string(elements) +
                     ", \"array_mb\": " + std::to_string(static_cast<double>(elements) * 8 / 1e6) +
                     ", \"bytes_per_element\": 24, \"write_allocate_counted\": false, \"reps\": " + std::to_string(reps) +
                     ", \"results\": [";
  for (std::size_t k = 0; k < counts.size(); ++k) {
    const Result r = measure(elements, counts[k], reps);
    std::fprintf(stderr, "threads %d: best %.2f GB/s (%.4f s), median %.2f GB/s (%.4f s), cpu/wall %.2f, init %.2f s, "
                 "load %s -> %s\n",
                 r.threads, r.best_gbps, r.best_s, r.median_gbps, r.median_s, r.cpu_over_wall, r.init_s,
                 r.load_start.c_str(), r.load_end.c_str());
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "%s{\"threads\": %d, \"best_gbps\": %.3f, \"median_gbps\": %.3f, \"best_s\": %.5f, \"median_s\": %.5f, "
                  "\"cpu_over_wall\": %.3f, \"init_s\": %.3f, \"loadavg_start\": \"%s\", \"loadavg_end\": \"%s\"}",
                  k ? ", " : "", r.threads, r.best_gbps, r.median_gbps, r.best_s, r.median_s, r.cpu_over_wall, r.init_s,
                  r.load_start.c_str(), r.load_end.c_str());
    line += buf;
  }
  line += "]}";
  std::cout << line << std::endl;
  if (!json_out.empty()) std::ofstream(json_out) << line << "\n";
  return 0;
}
