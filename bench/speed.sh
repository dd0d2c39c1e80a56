#!/usr/bin/env bash
# Speed figures of BENCHMARKS.md on the bundled Cora: kernel micro-benchmarks (Google Benchmark, from
# Debian's libbenchmark-dev) and the median full-batch training step (forward + backward + Adam) as the
# command line reports it, each with 1 and 2 threads. Run it on an otherwise idle machine.
#   bench/speed.sh        (results in bench/results/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${BUILD_DIR:-build}
out=${OUT:-bench/results}
mkdir -p "$out"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DGATKIT_BUILD_BENCH=ON > /dev/null
cmake --build "$build" -j"$(nproc)" --target bench_kernels gatkit_cli > /dev/null
for threads in 1 2; do
  echo "== kernels, $threads thread(s): median of 5 repetitions"
  GATKIT_THREADS=$threads "$build/bin/bench_kernels" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_out="$out/kernels_t$threads.json" --benchmark_out_format=json | grep -E '_median'
done
for threads in 1 2; do
  echo "== gatkit train on Cora, 3 seeds, $threads thread(s)"
  "$build/bin/gatkit" train --data datasets/cora --runs 3 --threads "$threads" --quiet \
    --summary "$out/cora_speed_t$threads.json"
done
