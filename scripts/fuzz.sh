#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (Clang, AddressSanitizer + UBSan) and runs each for a bounded
# time, one after the other on one core.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      default 60 s, every target
#
# FUZZ_SEED and FUZZ_RUNS make a run reproducible: libFuzzer's -seed, and at most FUZZ_RUNS inputs per
# target (SECONDS stays the cap). CI uses both, so that its verdict does not depend on the machine's speed
# or luck: exploratory fuzzing (no FUZZ_*, longer SECONDS) is how new inputs are found.
# BUILD_DIR (default build-fuzz) is the build folder. Each target starts from the seeds in
# fuzz/corpus/<target>/ plus what earlier runs found (BUILD_DIR/corpus/<target>/, kept between runs),
# uses fuzz/dict/ when there is a dictionary for it, and stops at the first crash, leak, timeout
# (10 s for one input) or out-of-memory (2 GiB, or one allocation over 1 GiB). A crash input is left in
# BUILD_DIR/artifacts/<target>/; once the bug is fixed, copy it to fuzz/regressions/<target>/, where
# tests/fuzz replays it in every test run. Exit status: 0 when no target failed, 1 otherwise.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-60}
shift || true
build_dir=${BUILD_DIR:-build-fuzz}
# Every harness fuzz/CMakeLists.txt builds (GATKIT_FUZZ_HARNESSES), so that a new one is fuzzed too.
read -r -a all_targets <<<"$(sed -n 's/^set(GATKIT_FUZZ_HARNESSES \(.*\) CACHE INTERNAL "")$/\1/p' fuzz/CMakeLists.txt)"
((${#all_targets[@]} > 0)) || { echo "fuzz.sh: no GATKIT_FUZZ_HARNESSES in fuzz/CMakeLists.txt" >&2; exit 1; }
targets=("$@")
((${#targets[@]} > 0)) || targets=("${all_targets[@]}")

cxx=${CXX_FUZZ:-}
if [[ -z $cxx ]]; then
  for c in clang++ clang++-16 clang++-15 clang++-14; do
    if command -v "$c" >/dev/null 2>&1; then cxx=$c; break; fi
  done
fi
[[ -n $cxx ]] || { echo "fuzz.sh: needs clang++ with libFuzzer (Debian: clang, libclang-rt-dev)" >&2; exit 1; }

# -O1 without NDEBUG: internal assertions stay on while fuzzing.
cmake -S . -B "$build_dir" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DGATKIT_FUZZ=ON -DGATKIT_BUILD_TESTS=OFF -DGATKIT_BUILD_APPS=OFF >/dev/null
cmake --build "$build_dir" -j"${JOBS:-2}" --target "${targets[@]/#/fuzz_}"

dict_of() {
  case $1 in
    sdf) echo fuzz/dict/sdf.dict ;;
    json) echo fuzz/dict/json.dict ;;
    npy) echo fuzz/dict/npy.dict ;;
    checkpoint) echo fuzz/dict/checkpoint.dict ;;
    smiles) echo fuzz/dict/smiles.dict ;;
    *) echo fuzz/dict/text.dict ;;
  esac
}

# Sanitizer reports stop the target; the one third-party report known to be harmless is suppressed.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$PWD/scripts/ubsan.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

failed=()
summary=()
for t in "${targets[@]}"; do
  corpus=$build_dir/corpus/$t
  artifacts=$build_dir/artifacts/$t/
  mkdir -p "$corpus" "$artifacts"
  log=$build_dir/fuzz_$t.log
  echo "== fuzz_$t: $seconds s"
  start=$(date +%s)
  status=0
  "$build_dir/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -dict="$(dict_of "$t")" -artifact_prefix="$artifacts" -print_final_stats=1 \
    ${FUZZ_SEED:+-seed="$FUZZ_SEED"} ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} \
    "$corpus" "fuzz/corpus/$t" >"$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - start))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | grep -o '[0-9]*' || true)
  if ((status != 0)); then
    failed+=("$t")
    summary+=("$(printf '%-11s FAILED after %4d s (log %s; input in %s)' "$t" "$elapsed" "$log" "$artifacts")")
    grep -E 'ERROR|SUMMARY|gatkit fuzz harness|terminate|what\(\)' "$log" | head -n 8 >&2 || true
  else
    summary+=("$(printf '%-11s ok  %4d s  %9s runs  coverage %s' "$t" "$elapsed" "${runs:-?}" "${cov:-?}")")
  fi
done

echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]} > 0)); then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
