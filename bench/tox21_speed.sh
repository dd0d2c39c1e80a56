#!/usr/bin/env bash
# Molecule speed on Tox21 (../shared/datasets/molecules/moleculenet/tox21/tox21.sdf, 7831 molecules,
# all 12 tasks), the figures of BENCHMARKS.md "Molecules: Tox21 speed":
#  - training: molecules per second of the training epochs (forward + backward + Adam over the training
#    split, mini-batch packing included), as `train --summary` reports it: train_graphs_per_second_median,
#    the median over 3 runs (seeds 0, 1, 2) of each run's median epoch; 10 epochs per run;
#  - prediction: 7831 / wall time of `gatkit predict` over the whole file, the whole process included
#    (start, checkpoint load, SDF parsing, featurisation, inference, CSV written to a file); 3 runs, median.
# The default molecule model (3 attention layers, 4 heads x 64, bond features, mean readout, batch 128).
#   bench/tox21_speed.sh            (THREADS=N to set --threads; results in bench/results/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${BUILD_DIR:-build}
out=${OUT:-bench/results}
threads=${THREADS:-0}
sdf=../shared/datasets/molecules/moleculenet/tox21/tox21.sdf
targets=NR-AR,NR-AR-LBD,NR-AhR,NR-Aromatase,NR-ER,NR-ER-LBD,NR-PPAR-gamma,SR-ARE,SR-ATAD5,SR-HSE,SR-MMP,SR-p53
if [ ! -f "$sdf" ]; then echo "tox21_speed: $sdf is absent" >&2; exit 1; fi
mkdir -p "$out"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build" -j2 --target gatkit_cli > /dev/null
gatkit="$build/bin/gatkit"
echo "== $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
model=$(mktemp --suffix=.gk)
preds=$(mktemp --suffix=.csv)
trap 'rm -f "$model" "$preds"' EXIT

echo "== training: $gatkit train --data $sdf --target $targets --runs 3 --epochs 10 --patience 100 --threads $threads --save MODEL"
"$gatkit" train --data "$sdf" --target "$targets" --runs 3 --epochs 10 --patience 100 --threads "$threads" --quiet \
  --save "$model" --summary "$out/tox21_speed_train.json"
/usr/bin/python3 - "$out/tox21_speed_train.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print("train molecules/s, median of runs:", round(s["train_graphs_per_second_median"]),
      "(runs: %s)" % ", ".join(str(round(r["seconds"], 1)) + " s" for r in s["runs"]))
PY

echo "== prediction: $gatkit predict --model MODEL --data $sdf --out PREDS.csv --threads $threads (3 runs)"
seconds=()
for run in 1 2 3; do
  start=$(date +%s.%N)
  "$gatkit" predict --model "$model" --data "$sdf" --out "$preds" --threads "$threads" 2> /dev/null
  end=$(date +%s.%N)
  seconds+=("$(echo "$end - $start" | bc -l)")
done
rows=$(($(wc -l < "$preds") - 1))
/usr/bin/python3 - "$rows" "${seconds[@]}" <<'PY' | tee "$out/tox21_speed_predict.txt"
import statistics, sys
rows, seconds = int(sys.argv[1]), [float(s) for s in sys.argv[2:]]
median = statistics.median(seconds)
print("predict: %d molecules; wall %s s; median %.3f s = %.0f molecules/s"
      % (rows, ", ".join("%.3f" % s for s in seconds), median, rows / median))
PY
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
