#!/usr/bin/env bash
# Attention variants compared (issue 5; BENCHMARKS.md "Attention variants"): scoring x normaliser x
# range x positional encoding (docs/attention.md, docs/range_and_positions.md), plus extra flags such as
# --block. Node data: the GAT paper's setup of bench/accuracy.sh (2 layers, 8 heads x 8, dropout 0.6,
# lr 0.005, L2 5e-4, patience 100) on the bundled Cora and CiteSeer; molecules: the settings of
# bench/molecules.sh for BBBP (random 8:1:1, mean+max readout, jumping knowledge, residual) and ESOL (sum readout).
# One job at a time; every combination writes bench/results/variants/<data>_<combo>.json and its wall
# time and peak memory to <data>_<combo>.time.
#   bench/variants.sh                   (the full protocol: 5 node seeds, 3 molecule seeds, all combos)
#   python3 bench/variants_table.py     (the Markdown table of BENCHMARKS.md)
# A combination is ATTENTION/NORMALIZER/RANGE/PE[/EXTRA], EXTRA being further train flags with ','
# for spaces, e.g. "additive/softmax/1-hop/none/--block,transformer".
# Environment (to fit a busy machine; BENCHMARKS.md says what was run):
#   GATKIT (binary, default build/bin/gatkit), OUT (default bench/results/variants), THREADS (1),
#   NODE_RUNS (5), MOL_RUNS (3), MOL_EPOCHS (300), MOL_PATIENCE (50), SKIP_DONE (1: keep existing results),
#   NODE_COMBOS, ESOL_COMBOS, BBBP_COMBOS (space-separated combinations), DATASETS ("cora citeseer esol bbbp").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${GATKIT:-build/bin/gatkit}
out=${OUT:-bench/results/variants}
threads=${THREADS:-1}
node_runs=${NODE_RUNS:-5}
mol_runs=${MOL_RUNS:-3}
mol_epochs=${MOL_EPOCHS:-300}
mol_patience=${MOL_PATIENCE:-50}
skip_done=${SKIP_DONE:-1}
datasets=${DATASETS:-cora citeseer esol bbbp}
D=../shared/datasets/molecules
# Transformer blocks (--block transformer) are run as extra combinations, see BENCHMARKS.md.
common="additive/softmax/1-hop/none gatv2/softmax/1-hop/none dot/softmax/1-hop/none additive/sparsemax/1-hop/none
 additive/relu/1-hop/none additive/softmax/k-hop:2/none additive/softmax/1-hop/lap:8 additive/softmax/1-hop/rw:16"
node_combos=${NODE_COMBOS:-$common}
mol_combos_default="$common additive/softmax/full/none additive/softmax/full/rw:16"
esol_combos=${ESOL_COMBOS:-$mol_combos_default}
bbbp_combos=${BBBP_COMBOS:-$mol_combos_default}
mkdir -p "$out"

run() {  # run DATA COMBO ARGS...
  local name=$1 combo=$2; shift 2
  IFS=/ read -r attention normalizer range pe extra <<<"$combo"
  local tag="${attention}_${normalizer}_${range//:/}_${pe//:/}"
  [[ -n "$extra" ]] && tag+="_$(tr -d -- '-' <<<"${extra//,/}")"
  local file="$out/${name}_${tag}.json"
  if [[ "$skip_done" == 1 && -s "$file" ]]; then echo "== $name $combo: done"; return; fi
  echo "== $name $combo"
  # shellcheck disable=SC2086
  /usr/bin/time -o "${file%.json}.time" -f "wall %e s, peak RSS %M KiB" "$bin" train "$@" --attention "$attention" \
    --normalizer "$normalizer" --range "$range" --pe "$pe" ${extra//,/ } --threads "$threads" --quiet --summary "$file"
}

for data in $datasets; do
  case $data in
    cora|citeseer)
      for combo in $node_combos; do run "$data" "$combo" --data "datasets/$data" --runs "$node_runs"; done ;;
    esol)
      for combo in $esol_combos; do
        run esol "$combo" --data $D/moleculenet/esol/esol.sdf \
          --target "measured log solubility in mols per litre" --runs "$mol_runs" --readout sum --batch-size 32 \
          --epochs "$mol_epochs" --patience "$mol_patience" --head-layers 1 --dropout 0 --lr-decay 0.5 --lr-patience 15
      done ;;
    bbbp)
      for combo in $bbbp_combos; do
        residual=--residual  # (transformer blocks have their own residual connections)
        [[ "$combo" == *--block,transformer* ]] && residual=
        run bbbp "$combo" --data $D/moleculenet/bbbp/bbbp.sdf --target p_np --runs "$mol_runs" \
          --epochs "$mol_epochs" --patience "$mol_patience" --readout mean,max --jk --dropout 0.2 $residual
      done ;;
    *) echo "unknown data set $data" >&2; exit 2 ;;
  esac
done
