#pragma once
// The one place that includes TBB. Kernels hand a loop body to these helpers and stay free of
// scheduling code. Every helper gives results that do not depend on the number of threads:
//  - parallel_rows: the body writes disjoint rows and computes each row on its own, so any split works;
//  - parallel_blocks: block boundaries are fixed multiples of `block`, whatever the thread count, so a
//    body whose arithmetic depends on its block (a GEMM on a row block) is still reproducible;
//  - deterministic_sum: partial results over fixed blocks, added in block order.
#include <algorithm>
#include <cstdint>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

namespace gatkit {

/// Limits gatkit's parallel loops to n threads (n <= 0: all hardware threads). Global, like TBB's own
/// global_control; call it from the main thread before running kernels.
void set_num_threads(int n);
/// The thread limit now in force.
int num_threads();

/// body(begin, end) on disjoint sub-ranges of [0, n). Use when each index is computed independently.
template <class Body>
void parallel_rows(std::int64_t n, std::int64_t grain, Body&& body) {
  if (n <= 0) return;
  if (n <= grain) {
    body(std::int64_t{0}, n);
    return;
  }
  tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, n, std::max<std::int64_t>(1, grain)),
                    [&](const tbb::blocked_range<std::int64_t>& r) { body(r.begin(), r.end()); });
}

/// body(begin, end) on the fixed blocks [k*block, min(n, (k+1)*block)), in parallel over k.
template <class Body>
void parallel_blocks(std::int64_t n, std::int64_t block, Body&& body) {
  if (n <= 0) return;
  const std::int64_t blocks = (n + block - 1) / block;
  if (blocks == 1) {
    body(std::int64_t{0}, n);
    return;
  }
  tbb::parallel_for(std::int64_t{0}, blocks, [&](std::int64_t k) {
    body(k * block, std::min(n, (k + 1) * block));
  });
}

/// Row ranges over a CSR graph (offsets has n+1 entries) balanced by edge count: body(begin, end) gets
/// row ranges of about `edges_per_task` edges (plus one per row, so empty rows count too). Use for
/// per-row edge kernels on power-law graphs, where equal row counts would leave one thread with the hubs.
template <class Offset, class Body>
void parallel_rows_by_edges(const Offset* offsets, std::int64_t n, std::int64_t edges_per_task,
                            Body&& body) {
  if (n <= 0) return;
  const std::int64_t total = static_cast<std::int64_t>(offsets[n]) + n;
  const std::int64_t tasks = std::max<std::int64_t>(1, total / std::max<std::int64_t>(1, edges_per_task));
  if (tasks == 1) {
    body(std::int64_t{0}, n);
    return;
  }
  // Row boundaries where the cumulative work (edges + rows) crosses k * total / tasks.
  std::vector<std::int64_t> cut(static_cast<std::size_t>(tasks) + 1, n);
  cut[0] = 0;
  for (std::int64_t k = 1; k < tasks; ++k) {
    const std::int64_t target = k * total / tasks;
    std::int64_t lo = cut[k - 1], hi = n;  // first row r with offsets[r] + r >= target
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      if (static_cast<std::int64_t>(offsets[mid]) + mid < target) lo = mid + 1; else hi = mid;
    }
    cut[k] = lo;
  }
  tbb::parallel_for(std::int64_t{0}, tasks, [&](std::int64_t k) {
    if (cut[k] < cut[k + 1]) body(cut[k], cut[k + 1]);
  });
}

/// Sum over [0, n) of partial(begin, end, acc), where acc is a zero-initialised accumulator of type Acc
/// (anything with +=). Blocks are fixed and their partials are added in block order, so the result is
/// bitwise identical for every thread count.
template <class Acc, class Partial>
Acc deterministic_sum(std::int64_t n, std::int64_t block, const Acc& zero, Partial&& partial) {
  if (n <= 0) return zero;
  const std::int64_t blocks = (n + block - 1) / block;
  std::vector<Acc> parts(static_cast<std::size_t>(blocks), zero);
  tbb::parallel_for(std::int64_t{0}, blocks, [&](std::int64_t k) {
    partial(k * block, std::min(n, (k + 1) * block), parts[static_cast<std::size_t>(k)]);
  });
  Acc total = parts[0];
  for (std::int64_t k = 1; k < blocks; ++k) total += parts[static_cast<std::size_t>(k)];
  return total;
}

}  // namespace gatkit
