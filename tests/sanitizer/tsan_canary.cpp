// ThreadSanitizer canary (scripts/sanitize.sh tsan builds and runs it before the test suite): proves that
// the suppressions of scripts/tsan.supp and the fork/join annotations of gatkit/util/parallel.hpp leave
// TSan able to see a race inside a parallel loop's body, and that a correct loop is reported clean.
//   tsan_canary [T]        every task writes its own rows; the caller then reads them: no report expected
//   tsan_canary race [T]   every task also adds to one shared counter: TSan must report this file
// T: threads (default 2). More threads than cores make TBB's workers steal more tasks, which is where a
// missing fork/join annotation shows as a false report.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <tbb/task_arena.h>

#include "gatkit/util/parallel.hpp"

int main(int argc, char** argv) {
  int arg = 1;
  const bool race = argc > arg && std::strcmp(argv[arg], "race") == 0;
  if (race) ++arg;
  // Two threads or more even on a one-core machine: the race needs a second thread to be seen.
  const int threads = argc > arg ? std::max(2, std::atoi(argv[arg])) : 2;
  gatkit::set_num_threads(threads);
  tbb::task_arena arena(threads);
  std::vector<std::int64_t> rows(1 << 16, 0);
  std::int64_t shared = 0, checksum = 0;
  arena.execute([&] {
    for (int repeat = 0; repeat < 4; ++repeat) {
      gatkit::parallel_rows(static_cast<std::int64_t>(rows.size()), 256, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) rows[static_cast<std::size_t>(i)] += i;
        if (race) shared += end - begin;  // the deliberate race: TSan must report it
      });
      // The per-block partials of deterministic_sum are written by the tasks, read by the caller.
      const std::int64_t total = gatkit::deterministic_sum(
          static_cast<std::int64_t>(rows.size()), 512, std::int64_t{0},
          [&](std::int64_t begin, std::int64_t end, std::int64_t& acc) {
            for (std::int64_t i = begin; i < end; ++i) acc += rows[static_cast<std::size_t>(i)];
          });
      checksum += total;
    }
  });
  std::int64_t sum = 0;
  for (std::int64_t v : rows) sum += v;
  std::printf("sum %lld checksum %lld shared %lld\n", static_cast<long long>(sum),
              static_cast<long long>(checksum), static_cast<long long>(shared));
  return 0;
}
