#!/usr/bin/env bash
# Range of attention x positional encoding (docs/range_and_positions.md), BENCHMARKS.md section "Range and
# positional encodings". Node data: the GAT paper's setup of bench/accuracy.sh (2 layers, 8 heads x 8,
# dropout 0.6, lr 0.005, L2 5e-4, patience 100) on the bundled Cora and CiteSeer; molecules: the
# settings of bench/molecules.sh for BBBP (random 8:1:1, attention readout) and ESOL (sum readout).
# One job at a time; every combination writes bench/results/variants/<data>_<range>_<pe>.json.
#   bench/variants.sh                   (the full protocol: 5 node seeds, 3 molecule seeds, all combos)
# Environment (to fit a busy machine; BENCHMARKS.md says what was run):
#   GATKIT (binary, default build/bin/gatkit), OUT (default bench/results/variants), THREADS (1),
#   NODE_RUNS (5), MOL_RUNS (3), MOL_EPOCHS (300), MOL_PATIENCE (50),
#   NODE_COMBOS, ESOL_COMBOS, BBBP_COMBOS: space-separated RANGE/PE pairs, e.g. "1-hop/none full/lap:8",
#   DATASETS (default "cora citeseer esol bbbp").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${GATKIT:-build/bin/gatkit}
out=${OUT:-bench/results/variants}
threads=${THREADS:-1}
node_runs=${NODE_RUNS:-5}
mol_runs=${MOL_RUNS:-3}
mol_epochs=${MOL_EPOCHS:-300}
mol_patience=${MOL_PATIENCE:-50}
datasets=${DATASETS:-cora citeseer esol bbbp}
D=../shared/datasets/molecules
node_combos=${NODE_COMBOS:-"1-hop/none k-hop:2/none k-hop:3/none 1-hop/lap:8 1-hop/rw:16 k-hop:2/rw:16 k-hop:2/lap:8"}
mol_combos_default="1-hop/none k-hop:2/none k-hop:3/none full/none 1-hop/lap:8 1-hop/rw:16 full/lap:8 full/rw:16"
esol_combos=${ESOL_COMBOS:-$mol_combos_default}
bbbp_combos=${BBBP_COMBOS:-$mol_combos_default}
mkdir -p "$out"

run() {  # run NAME RANGE PE ARGS...
  local name=$1 range=$2 pe=$3; shift 3
  local file="$out/${name}_${range//:/}_${pe//:/}.json"
  echo "== $name --range $range --pe $pe"
  /usr/bin/time -f "wall %e s, peak RSS %M KiB" "$bin" train "$@" --range "$range" --pe "$pe" \
    --threads "$threads" --quiet --summary "$file"
}

for data in $datasets; do
  case $data in
    cora|citeseer)
      for combo in $node_combos; do
        run "$data" "${combo%%/*}" "${combo#*/}" --data "datasets/$data" --runs "$node_runs"
      done ;;
    esol)
      for combo in $esol_combos; do
        run esol "${combo%%/*}" "${combo#*/}" --data $D/moleculenet/esol/esol.sdf \
          --target "measured log solubility in mols per litre" --runs "$mol_runs" --readout sum --batch-size 32 \
          --epochs "$mol_epochs" --patience "$mol_patience" --head-layers 1 --dropout 0 --lr-decay 0.5 --lr-patience 15
      done ;;
    bbbp)
      for combo in $bbbp_combos; do
        run bbbp "${combo%%/*}" "${combo#*/}" --data $D/moleculenet/bbbp/bbbp.sdf --target p_np --runs "$mol_runs" \
          --batch-size 32 --epochs "$mol_epochs" --patience "$mol_patience" --head-layers 1 --readout attention --dropout 0.2
      done ;;
    *) echo "unknown data set $data" >&2; exit 2 ;;
  esac
done
