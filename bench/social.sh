#!/usr/bin/env bash
# Social networks of BENCHMARKS.md (issue 7): the acceptance protocol on the four bundled manifests,
# 5 seeds each (seed s: model seed s and, for fraction splits, split seed s), GAT and the MLP baseline.
#   bench/social.sh                       (after a Release build in build/)
#   ONLY="karate email" bench/social.sh   (a subset: karate email twitch facebook timing)
# Environment: GATKIT (binary, default build/bin/gatkit), OUT (default bench/results/social),
# THREADS (2), SEEDS ("0 1 2 3 4").
# Writes OUT/runs/<name>_<model>_seed<s>.json (one `gatkit train --summary` per run),
# OUT/<name>_<model>.json (bench/social_summary.py: mean and std over seeds) and appends the one-line
# results, wall times and peak RSS (/usr/bin/time) to OUT/social.log.
# Hyperparameters were chosen on validation accuracy of split seed 0 only (BENCHMARKS.md lists the
# candidates tried); the MLP always gets the GAT's widths, dropout and optimiser.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${GATKIT:-build/bin/gatkit}
out=${OUT:-bench/results/social}
threads=${THREADS:-2}
seeds=${SEEDS:-"0 1 2 3 4"}
only=${ONLY:-"karate email twitch facebook timing"}
social=datasets/social
mkdir -p "$out/runs"
log="$out/social.log"

# run_seeds NAME MODEL MANIFEST [gatkit train options...]
run_seeds() {
  local name=$1 model=$2 manifest=$3
  shift 3
  local files=() s f
  echo "== $name, $model, seeds $seeds, $threads threads: $*  ($(uptime | sed 's/.*load/load/'))" | tee -a "$log"
  for s in $seeds; do
    f="$out/runs/${name}_${model}_seed$s.json"
    /usr/bin/time -o "$out/runs/.time" -f "seed $s: wall %e s, peak RSS %M KiB" \
      "$bin" train --data "$manifest" --model "$model" --seed "$s" --split-seed "$s" --runs 1 \
      --threads "$threads" --quiet --summary "$f" "$@" > /dev/null
    cat "$out/runs/.time" | tee -a "$log"
    files+=("$f")
  done
  rm -f "$out/runs/.time"
  python3 bench/social_summary.py "$out/${name}_${model}.json" "${files[@]}" | tee -a "$log"
}

for what in $only; do
  case $what in
    karate)
      # One labelled member per faction (nodes 0 and 33, also the validation set), identity features,
      # the GAT paper's Cora setup; accuracy on the other 32 members.
      for model in gat mlp; do run_seeds karate "$model" "$social/karate/manifest.json"; done ;;
    email)
      # 42 departments, no features: degree one-hot (the manifest's) and identity features.
      for model in gat mlp; do
        run_seeds email_degree "$model" "$social/email_eu_core/manifest.json" --structural-features degree \
          --hidden 32 --dropout 0.1 --attention-dropout 0.1
        run_seeds email_identity "$model" "$social/email_eu_core/manifest.json" --structural-features identity \
          --hidden 32 --dropout 0.3 --attention-dropout 0.3
      done ;;
    twitch)
      # Binary "mature" flag: ROC-AUC is the metric; stratified 60/20/20.
      for model in gat mlp; do
        run_seeds twitch "$model" "$social/twitch_en/manifest.json" --hidden 32 --dropout 0.3 --attention-dropout 0.3
      done ;;
    facebook)
      # 4 page types, stratified 60/20/20; 8 heads x 32, dropout 0.1 (the GAT's best validation accuracy),
      # the MLP with the same options and with its own best validation setting (dropout 0.3).
      for model in gat mlp; do
        run_seeds facebook "$model" "$social/facebook_page_page/manifest.json" --hidden 32 --dropout 0.1 \
          --attention-dropout 0.1
      done
      run_seeds facebook_d03 mlp "$social/facebook_page_page/manifest.json" --hidden 32 --dropout 0.3 ;;
    timing)
      # Train-step time and peak memory on Facebook: 100 epochs (no early stop) of the chosen GAT and of
      # the MLP, /usr/bin/time -v for the peak RSS of the whole process (reading the files included).
      for model in gat mlp; do
        echo "== facebook timing, $model, 100 epochs, $threads threads ($(uptime | sed 's/.*load/load/'))" | tee -a "$log"
        /usr/bin/time -v "$bin" train --data "$social/facebook_page_page/manifest.json" --model "$model" --hidden 32 \
          --dropout 0.1 --attention-dropout 0.1 --epochs 100 --patience 1000 --runs 1 --threads "$threads" --quiet \
          --summary "$out/facebook_timing_${model}.json" 2> "$out/runs/.timev" | tee -a "$log"
        grep -E "Elapsed|Maximum resident" "$out/runs/.timev" | sed 's/^[[:space:]]*//' | tee -a "$log"
        echo "load after: $(uptime | sed 's/.*load/load/')" | tee -a "$log"
        rm -f "$out/runs/.timev"
      done ;;
    *) echo "unknown data set '$what' (expected karate, email, twitch, facebook or timing)" >&2; exit 2 ;;
  esac
done
