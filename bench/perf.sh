#!/usr/bin/env bash
# Issue-4 figures of BENCHMARKS.md: the reference 2-layer GAT (8 heads x 8 hidden, dropout 0.6) on Cora,
# CiteSeer and the synthetic graphs of ../shared/bench/gen_graph.py, 1 and 2 threads: median training
# step and inference, peak RSS, and achieved bandwidth under the traffic model of bench/step_bench.cpp;
# then the STREAM triad of this machine, for the bandwidth ratio. One process per graph and thread
# count (peak RSS is per process).
#   bench/perf.sh                 (graphs from GRAPHS, default /tmp/bench-graphs; generate them with
#                                  the commands of ../shared/bench/README.md)
# Environment: BUILD_DIR (default build), OUT (default bench/results), GRAPHS, STEPS (default 7).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${BUILD_DIR:-build}
out=${OUT:-bench/results}
graphs=${GRAPHS:-/tmp/bench-graphs}
steps=${STEPS:-7}
mkdir -p "$out"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DGATKIT_BUILD_BENCH=ON > /dev/null
cmake --build "$build" -j"$(nproc)" --target bench_step bench_stream bench_mol > /dev/null
for threads in 1 2; do
  for data in datasets/cora datasets/citeseer "$graphs"/uniform_n10000 "$graphs"/ba_n10000 "$graphs"/uniform_n100000 \
              "$graphs"/ba_n100000 "$graphs"/uniform_n1000000 "$graphs"/ba_n1000000; do
    [ -d "$data" ] || { echo "skipped (absent): $data"; continue; }
    echo "== $(basename "$data"), $threads thread(s), load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$build/bin/bench_step" --data "$data" --threads "$threads" --steps "$steps" \
      --json "$out/step_$(basename "$data")_t$threads.json"
  done
  if [ -d "$graphs/mol" ]; then
    echo "== mol, $threads thread(s), load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$build/bin/bench_mol" --data "$graphs/mol" --threads "$threads" --json "$out/mol_t$threads.json"
  fi
  echo "== STREAM triad, $threads thread(s)"
  "$build/bin/bench_stream" --threads "$threads" --json "$out/stream_t$threads.json"
done
