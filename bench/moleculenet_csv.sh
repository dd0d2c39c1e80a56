#!/usr/bin/env bash
# The MoleculeNet sets that were not tuned on, trained straight from their published CSV files (SMILES
# column) with gatkit's default molecule model: what a user gets without choosing anything.
#   bench/moleculenet_csv.sh [freesolv|bace|lipophilicity|hiv ...]   (default: all four)
# Environment: GATKIT (default build/bin/gatkit), THREADS (default 2). Summaries go to
# bench/results/moleculenet_csv/<set>.json; the last line of each run is printed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${GATKIT:-build/bin/gatkit}
threads=${THREADS:-2}
D=../shared/datasets/molecules/moleculenet
out=bench/results/moleculenet_csv
mkdir -p "$out"
sets=("$@")
[ ${#sets[@]} -eq 0 ] && sets=(freesolv bace lipophilicity hiv)
for set_name in "${sets[@]}"; do
  case $set_name in
    freesolv) args=(--data $D/freesolv/SAMPL.csv --target expt --runs 3) ;;
    bace) args=(--data $D/bace/bace.csv --smiles-column mol --target Class --split scaffold --runs 3) ;;
    lipophilicity) args=(--data $D/lipophilicity/Lipophilicity.csv --target exp --runs 3) ;;
    # 41,127 molecules: one run, fewer epochs (about 20 s an epoch on 2 threads).
    hiv) args=(--data $D/hiv/HIV.csv --target HIV_active --split scaffold --runs 1 --epochs 60 --patience 10) ;;
    *) echo "unknown set $set_name" >&2; exit 2 ;;
  esac
  start=$(date +%s)
  /usr/bin/time -f "peak RSS %M KB" "$bin" train "${args[@]}" --threads "$threads" --quiet --summary "$out/$set_name.json" 2>&1 | tail -3
  echo "$set_name: $(( $(date +%s) - start )) s"
done
