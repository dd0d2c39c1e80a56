// ThreadSanitizer canary (scripts/sanitize.sh tsan builds and runs it before the test suite): proves that
// the suppressions of scripts/tsan.supp and the fork/join annotations of gatkit/util/parallel.hpp leave
// TSan able to see a race inside a parallel loop's body, and that a correct loop is reported clean.
//   tsan_canary         every task writes its own rows; the caller then reads them: no report expected
//   tsan_canary race    every task also adds to one shared counter: TSan must report this file
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include <tbb/task_arena.h>

#include "gatkit/util/parallel.hpp"

int main(int argc, char** argv) {
  const bool race = argc > 1 && std::strcmp(argv[1], "race") == 0;
  // Two threads even on a one-core machine: the race needs a second thread to be seen.
  gatkit::set_num_threads(2);
  tbb::task_arena arena(2);
  std::vector<std::int64_t> rows(1 << 16, 0);
  std::int64_t shared = 0;
  arena.execute([&] {
    for (int repeat = 0; repeat < 4; ++repeat) {
      gatkit::parallel_rows(static_cast<std::int64_t>(rows.size()), 256, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) rows[static_cast<std::size_t>(i)] += i;
        if (race) shared += end - begin;  // the deliberate race: TSan must report it
      });
    }
  });
  std::int64_t sum = 0;
  for (std::int64_t v : rows) sum += v;
  std::printf("sum %lld shared %lld\n", static_cast<long long>(sum), static_cast<long long>(shared));
  return 0;
}
