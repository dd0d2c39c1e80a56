#!/usr/bin/env bash
# One screening run of a molecule setting with the full split protocol, appended to
# bench/results/molecule_screening/log.tsv (dataset, id, validation and test scores, epochs, time, flags).
# Settings are chosen on the validation column only.
#   bench/screen_molecules.sh mutag|mutag_tu|bbbp|bbbp_scaffold|esol|tox21 ID [gatkit train flags...]
# Environment: GATKIT (default build/bin/gatkit), THREADS (default 1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${GATKIT:-build/bin/gatkit}
threads=${THREADS:-1}
set_name=$1; id=$2; shift 2
D=../shared/datasets/molecules
case $set_name in
  mutag) data=(--data $D/mutag/mutag.sdf --target class --split kfold:10) ;;
  mutag_tu) data=(--data $D/mutag/tu --target class --split kfold:10) ;;  # MUTAG's TU files: element and bond-type one-hots only
  bbbp) data=(--data $D/moleculenet/bbbp/bbbp.sdf --target p_np --runs 3) ;;
  bbbp_scaffold) data=(--data $D/moleculenet/bbbp/bbbp.sdf --target p_np --split scaffold --runs 3) ;;
  esol) data=(--data $D/moleculenet/esol/esol.sdf --target "measured log solubility in mols per litre" --runs 3) ;;
  tox21) data=(--data $D/moleculenet/tox21/tox21.sdf --runs 3
               --target NR-AR,NR-AR-LBD,NR-AhR,NR-Aromatase,NR-ER,NR-ER-LBD,NR-PPAR-gamma,SR-ARE,SR-ATAD5,SR-HSE,SR-MMP,SR-p53) ;;
  *) echo "unknown set $set_name" >&2; exit 2 ;;
esac
dir=bench/results/molecule_screening
mkdir -p "$dir"
summary=$dir/$set_name-$id.json
start=$(date +%s)
"$bin" train "${data[@]}" --threads "$threads" --quiet --summary "$summary" "$@"
seconds=$(( $(date +%s) - start ))
/usr/bin/python3 - "$summary" "$set_name" "$id" "$seconds" "$*" >> "$dir/log.tsv" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
f = lambda k: s.get(k, float('nan'))
print(f"{sys.argv[2]}\t{sys.argv[3]}\tval={f('val_mean'):.4f}\ttest={f('test_mean'):.4f}±{f('test_std'):.4f}\t"
      f"acc={f('test_accuracy_mean'):.4f} vacc={f('val_accuracy_mean'):.4f}\tep={[r['best_epoch'] for r in s['runs']]}\t"
      f"{sys.argv[4]}s\t{sys.argv[5]}")
PY
tail -1 "$dir/log.tsv"
