#!/usr/bin/env bash
# Accuracy table of BENCHMARKS.md: the GAT paper's setup (2 layers, 8 heads x 8 hidden, 1 output head,
# dropout 0.6, lr 0.005, L2 5e-4, patience 100), 10 seeds (0..9), on the bundled Cora and CiteSeer,
# with additive (GAT) and dot-product attention. Writes one summary JSON per line of the table.
#   bench/accuracy.sh            (after ./scripts/quickstart.sh or a build in build/)
# Environment: GATKIT (binary, default build/bin/gatkit), OUT (default bench/results), THREADS (2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${GATKIT:-build/bin/gatkit}
out=${OUT:-bench/results}
threads=${THREADS:-2}
mkdir -p "$out"
for data in cora citeseer; do
  for attention in additive dot; do
    echo "== $data, $attention attention, 10 seeds, $threads threads"
    /usr/bin/time -f "wall %e s, peak RSS %M KiB" "$bin" train --data "datasets/$data" --attention "$attention" \
      --runs 10 --threads "$threads" --quiet --summary "$out/${data}_${attention}.json"
  done
done
