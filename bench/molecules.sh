#!/usr/bin/env bash
# Acceptance protocol of the molecule issue with the settings chosen on validation scores during the
# screening recorded in bench/results/molecule_screening/log.tsv (one job at a time, 1 thread):
# MUTAG 10 x 10-fold, BBBP random 8:1:1 and scaffold, Tox21 (12 tasks) random (6 seeds), ESOL random; 3 seeds.
#   bench/molecules.sh        (needs ../shared/datasets/molecules; writes bench/results/mol_*.json)
# Environment: GATKIT (binary, default build/bin/gatkit), OUT (default bench/results), THREADS (2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${GATKIT:-build/bin/gatkit}
out=${OUT:-bench/results}
threads=${THREADS:-2}
D=../shared/datasets/molecules
mkdir -p "$out"
run() {
  local name=$1; shift
  echo "== $name"
  /usr/bin/time -f "wall %e s, peak RSS %M KiB" "$bin" train "$@" --threads "$threads" --quiet --summary "$out/mol_$name.json"
}
run mutag_kfold10 --data $D/mutag/mutag.sdf --target class --split kfold:10 --repeats 10 \
  --readout mean,max --jk --head-layers 1 --batch-size 32 --dropout 0.1 --select accuracy --lr 2e-4 --epochs 600 --patience 100
run bbbp_random --data $D/moleculenet/bbbp/bbbp.sdf --target p_np --runs 3 \
  --readout mean,max --jk --dropout 0.2 --residual --epochs 400 --patience 50
run bbbp_scaffold --data $D/moleculenet/bbbp/bbbp.sdf --target p_np --split scaffold --runs 3 \
  --readout mean,max --jk --dropout 0.2 --residual --epochs 400 --patience 50
run esol_random --data $D/moleculenet/esol/esol.sdf --target "measured log solubility in mols per litre" --runs 3 \
  --readout sum --batch-size 32 --epochs 300 --patience 50 --head-layers 1 --dropout 0 --lr-decay 0.5 --lr-patience 15
run tox21_random --data $D/moleculenet/tox21/tox21.sdf --runs 6 \
  --target NR-AR,NR-AR-LBD,NR-AhR,NR-Aromatase,NR-ER,NR-ER-LBD,NR-PPAR-gamma,SR-ARE,SR-ATAD5,SR-HSE,SR-MMP,SR-p53 \
  --readout attention --head-layers 1 --epochs 300 --patience 50 --dropout 0.2 --weight-decay 1e-5
