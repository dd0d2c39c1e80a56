#!/usr/bin/env bash
# Runs tests under sanitizers (GCC or Clang; the build type is RelWithDebInfo).
#
#   scripts/sanitize.sh asan   AddressSanitizer + UndefinedBehaviorSanitizer: builds everything in
#                              build-asan and runs the whole test suite (ctest). Any report fails.
#   scripts/sanitize.sh tsan   ThreadSanitizer: builds the threaded kernels' tests (test_nn: attention
#                              and models with 1 and N threads; test_graph: the parallel graph builder)
#                              in build-tsan and runs them (the tests set their own thread counts), after
#                              a canary (tests/sanitizer/tsan_canary.cpp) shows that TSan still reports
#                              a deliberate race inside a parallel loop and nothing on a correct one.
#
# BUILD_DIR overrides the folder, JOBS the build parallelism (default 2).
# TSan and oneTBB: the distribution's libtbb is not instrumented, so TSan cannot see the
# synchronisation inside TBB's scheduler. gatkit's loop helpers state their fork/join order with TSan
# annotations (include/gatkit/util/parallel.hpp), and scripts/tsan.supp suppresses only reports whose
# innermost frame is TBB's own code (none whose innermost frame is gatkit's).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=${1:-}
jobs=${JOBS:-2}
case $mode in
  asan)
    build_dir=${BUILD_DIR:-build-asan}
    cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGATKIT_SANITIZE=address,undefined -DGATKIT_BUILD_APPS=ON \
      -DGATKIT_BUILD_TESTS=ON
    cmake --build "$build_dir" -j"$jobs"
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$PWD/scripts/ubsan.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
    ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 1500
    ;;
  tsan)
    build_dir=${BUILD_DIR:-build-tsan}
    cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGATKIT_SANITIZE=thread -DGATKIT_BUILD_APPS=OFF
    cmake --build "$build_dir" -j"$jobs" --target test_nn test_graph tsan_canary
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp ${TSAN_OPTIONS:-}"
    canary=$build_dir/tests/tsan_canary
    # Kernels with more mmap randomisation than this TSan runtime knows make it abort ("unexpected memory
    # mapping"); it then runs without address-space randomisation.
    run=()
    if "$canary" 2>&1 | grep -q "unexpected memory mapping"; then
      run=(setarch "$(uname -m)" -R)
      echo "tsan: running without address-space randomisation (this kernel's mmap layout)"
    fi
    # 2 threads, then 16: with more threads than cores, TBB's workers steal tasks that other threads
    # created, which is where a missing fork/join annotation shows.
    for threads in 2 16; do
      "${run[@]}" "$canary" "$threads" ||
        { echo "tsan: the canary's correct loops were reported with $threads threads (see above)" >&2; exit 1; }
      if report=$("${run[@]}" "$canary" race "$threads" 2>&1); then
        echo "tsan: the canary's deliberate race was not reported with $threads threads: TSan is blind here" >&2
        exit 1
      fi
      grep -q "SUMMARY: ThreadSanitizer: data race .*tsan_canary.cpp" <<<"$report" ||
        { echo "$report" >&2; echo "tsan: the canary failed without reporting its race" >&2; exit 1; }
    done
    echo "tsan: canary ok (the deliberate race is reported, the correct loop is clean)"
    # The determinism tests compare 1 thread with several: the parallel kernels really run concurrently.
    "${run[@]}" "$build_dir/tests/test_nn"
    "${run[@]}" "$build_dir/tests/test_graph"
    ;;
  *)
    echo "usage: scripts/sanitize.sh asan|tsan" >&2
    exit 2
    ;;
esac
