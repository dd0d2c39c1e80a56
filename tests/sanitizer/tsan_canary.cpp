// ThreadSanitizer canary (scripts/sanitize.sh tsan builds and runs it before the test suite): proves that
// the suppressions of scripts/tsan.supp and the fork/join annotations of gatkit/util/parallel.hpp leave
// TSan able to see a race inside a parallel loop's body, and that a correct loop is reported clean.
//   tsan_canary [T]        every task writes its own rows; the caller then reads them: no report expected
//   tsan_canary race [T]   every task also adds to one shared counter: TSan must report this file
// T: threads (default 2). More threads than cores make TBB's workers steal more tasks, which is where a
// missing fork/join annotation shows as a false report.
//
// TSan reports a race only when two accesses are unordered by what it sees as synchronisation, and TBB's
// scheduler orders tasks too (a thief acquires what the thread it steals from released, and the
// annotations accumulate on task memory that TBB recycles). With many threads on many cores those edges
// can order every pair of writes that happen to be adjacent in time, and CI once saw no report with 16
// threads. So the race mode makes its race certain: the first thread to run a task writes the counter
// and then waits, releasing nothing, until a task on a second thread has written it as well. The waits use
// relaxed atomics, which TSan does not treat as synchronisation, so the two writes stay unordered.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <tbb/task_arena.h>

#include "gatkit/util/parallel.hpp"

namespace {

/// The rendezvous of the race mode: the first thread's write, then a second thread's, with no
/// synchronisation between them that TSan could see. Waits are bounded: one thread alone times out.
class Rendezvous {
 public:
  void reset() {
    first_.store(-1, std::memory_order_relaxed);
    first_wrote_.store(false, std::memory_order_relaxed);
    second_wrote_.store(false, std::memory_order_relaxed);
  }

  /// Runs write() in this task, ordered as above.
  template <class Write>
  void run(Write&& write) {
    const int me = tbb::this_task_arena::current_thread_index();
    int expected = -1;
    if (first_.compare_exchange_strong(expected, me, std::memory_order_relaxed) || expected == me) {
      const bool first_write = !first_wrote_.load(std::memory_order_relaxed);
      write();
      if (first_write) {
        first_wrote_.store(true, std::memory_order_relaxed);
        wait_for(second_wrote_);
      }
      return;
    }
    wait_for(first_wrote_);
    write();
    second_wrote_.store(true, std::memory_order_relaxed);
  }

  bool met() const { return second_wrote_.load(std::memory_order_relaxed); }

 private:
  static void wait_for(const std::atomic<bool>& flag) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!flag.load(std::memory_order_relaxed) && std::chrono::steady_clock::now() < deadline) {
    }
  }

  std::atomic<int> first_{-1};
  std::atomic<bool> first_wrote_{false}, second_wrote_{false};
};

}  // namespace

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
  Rendezvous rendezvous;
  bool met = true;
  arena.execute([&] {
    for (int repeat = 0; repeat < 4; ++repeat) {
      rendezvous.reset();
      gatkit::parallel_rows(static_cast<std::int64_t>(rows.size()), 256, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) rows[static_cast<std::size_t>(i)] += i;
        if (race) rendezvous.run([&] { shared += end - begin; });  // the deliberate race: TSan must report it
      });
      if (race) met = met && rendezvous.met();
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
  if (!met) {
    std::fprintf(stderr, "tsan_canary: no second thread ran a task of the loop within 20 s\n");
    return 3;
  }
  return 0;
}
