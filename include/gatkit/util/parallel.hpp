#pragma once
// The one place that includes TBB. Kernels hand a loop body to these helpers and stay free of
// scheduling code. Every helper gives results that do not depend on the number of threads:
//  - parallel_rows: the body writes disjoint rows and computes each row on its own, so any split works;
//  - parallel_blocks: block boundaries are fixed multiples of `block`, whatever the thread count, so a
//    body whose arithmetic depends on its block (a GEMM on a row block) is still reproducible;
//  - deterministic_sum: partial results over fixed blocks, added in block order.
//
// ThreadSanitizer: the distribution's libtbb is not instrumented, so TSan cannot see that a parallel
// loop's tasks start after the writes of the thread that made them and finish before the caller goes on.
// detail::AnnotatedBody states exactly that order (splitting thread -> task -> caller) with TSan's
// annotations; tasks stay otherwise unordered among themselves, so a race between two tasks of one loop is
// still reported. Outside TSan builds the annotations are empty and compile away.
#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#if defined(__SANITIZE_THREAD__)
#define GATKIT_TSAN_ANNOTATE 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GATKIT_TSAN_ANNOTATE 1
#endif
#endif

#ifdef GATKIT_TSAN_ANNOTATE
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
extern "C" void AnnotateIgnoreReadsBegin(const char* file, int line);
extern "C" void AnnotateIgnoreReadsEnd(const char* file, int line);
extern "C" void AnnotateIgnoreWritesBegin(const char* file, int line);
extern "C" void AnnotateIgnoreWritesEnd(const char* file, int line);
#endif

namespace gatkit {

namespace detail {

#ifdef GATKIT_TSAN_ANNOTATE
inline void tsan_release(const void* addr) {
  __asm__ __volatile__("" ::: "memory");  // every store before this point is made before the release
  __tsan_release(const_cast<void*>(addr));
}
inline void tsan_acquire(const void* addr) {
  __tsan_acquire(const_cast<void*>(addr));
  __asm__ __volatile__("" ::: "memory");  // and nothing is read before the acquire
}
/// `to = from`, unseen by TSan: for the pointer a body keeps in TBB's task memory (see AnnotatedBody).
template <class T>
void tsan_unseen_copy(T& to, const T& from) {
  AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
  AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
  __asm__ __volatile__("" ::: "memory");
  to = from;
  __asm__ __volatile__("" ::: "memory");
  AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
  AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
}
#else
inline void tsan_release(const void*) {}
inline void tsan_acquire(const void*) {}
template <class T>
void tsan_unseen_copy(T& to, const T& from) {
  to = from;
}
#endif

/// The loop body handed to tbb::parallel_for, stating the order TBB gives for ThreadSanitizer (see the top
/// of this file). TBB copies the body into every task it creates, in the thread that splits the range,
/// after it has stored the task's range (start_for's members: range, then body). So:
///  - a copy acquires the body it copies from (a thread may split a task it stole before running it),
///    then releases its own address;
///  - a task acquires its body's address before it reads anything, so everything the splitting thread
///    wrote before (the caller's data, the task's range) comes before the task: the order TBB's spawn
///    really gives. When it is done it releases `done`, which the caller acquires after the loop.
/// Tasks are otherwise unordered among themselves, so a race between two tasks is still reported.
/// The body's one field, a pointer to the loop's task, lives in TBB's task memory, which TBB recycles
/// between its own objects and threads unseen by TSan; it is copied and read with TSan looking away
/// (tsan_unseen_copy). Nothing else is: the task itself runs in full view.
template <class Task>
class AnnotatedBody {
 public:
  explicit AnnotatedBody(Task* task) : task_(task) { tsan_release(this); }
  AnnotatedBody(const AnnotatedBody& other) {
    tsan_acquire(&other);
    tsan_unseen_copy(task_, other.task_);
    tsan_release(this);
  }
  AnnotatedBody& operator=(const AnnotatedBody&) = delete;

  void operator()(const tbb::blocked_range<std::int64_t>& r) const {
    tsan_acquire(this);
    Task* task = nullptr;
    tsan_unseen_copy(task, task_);
    (*task)(r.begin(), r.end());
    tsan_release(&done);
  }

  /// Called by the caller after the loop: every task's writes come before what follows.
  static void join() { tsan_acquire(&done); }

 private:
  Task* task_ = nullptr;
  static inline char done = 0;
};

/// task(begin, end) on disjoint sub-ranges of [0, n) (split while longer than `grain`), in parallel: the one
/// call of tbb::parallel_for, with the fork/join order stated for ThreadSanitizer.
template <class Task>
void fork_join(std::int64_t n, std::int64_t grain, Task&& task) {
  using Body = AnnotatedBody<std::remove_reference_t<Task>>;
  tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, n, grain), Body(&task));
  Body::join();
}

}  // namespace detail

/// Limits gatkit's parallel loops to n threads (n <= 0: all hardware threads). Global, like TBB's own
/// global_control; call it from the main thread before running kernels.
void set_num_threads(int n);
/// The thread limit now in force.
int num_threads();

/// body(begin, end) on disjoint sub-ranges of [0, n). Use when each index is computed independently.
template <class Body>
void parallel_rows(std::int64_t n, std::int64_t grain, Body&& body) {
  if (n <= 0) return;
  if (n <= grain) {
    body(std::int64_t{0}, n);
    return;
  }
  detail::fork_join(n, std::max<std::int64_t>(1, grain), body);
}

/// body(begin, end) on the fixed blocks [k*block, min(n, (k+1)*block)), in parallel over k.
template <class Body>
void parallel_blocks(std::int64_t n, std::int64_t block, Body&& body) {
  if (n <= 0) return;
  const std::int64_t blocks = (n + block - 1) / block;
  if (blocks == 1) {
    body(std::int64_t{0}, n);
    return;
  }
  detail::fork_join(blocks, 1, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t k = first; k < last; ++k) body(k * block, std::min(n, (k + 1) * block));
  });
}

/// Row ranges over a CSR graph (offsets has n+1 entries) balanced by edge count: body(begin, end) gets
/// row ranges of about `edges_per_task` edges (plus one per row, so empty rows count too). Use for
/// per-row edge kernels on power-law graphs, where equal row counts would leave one thread with the hubs.
template <class Offset, class Body>
void parallel_rows_by_edges(const Offset* offsets, std::int64_t n, std::int64_t edges_per_task,
                            Body&& body) {
  if (n <= 0) return;
  const std::int64_t total = static_cast<std::int64_t>(offsets[n]) + n;
  const std::int64_t tasks = std::max<std::int64_t>(1, total / std::max<std::int64_t>(1, edges_per_task));
  if (tasks == 1) {
    body(std::int64_t{0}, n);
    return;
  }
  // Row boundaries where the cumulative work (edges + rows) crosses k * total / tasks.
  std::vector<std::int64_t> cut(static_cast<std::size_t>(tasks) + 1, n);
  cut[0] = 0;
  for (std::int64_t k = 1; k < tasks; ++k) {
    const std::int64_t target = k * total / tasks;
    std::int64_t lo = cut[k - 1], hi = n;  // first row r with offsets[r] + r >= target
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      if (static_cast<std::int64_t>(offsets[mid]) + mid < target) lo = mid + 1; else hi = mid;
    }
    cut[k] = lo;
  }
  detail::fork_join(tasks, 1, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t k = first; k < last; ++k)
      if (cut[k] < cut[k + 1]) body(cut[k], cut[k + 1]);
  });
}

/// Sum over [0, n) of partial(begin, end, acc), where acc is a zero-initialised accumulator of type Acc
/// (anything with +=). Blocks are fixed and their partials are added in block order, so the result is
/// bitwise identical for every thread count.
template <class Acc, class Partial>
Acc deterministic_sum(std::int64_t n, std::int64_t block, const Acc& zero, Partial&& partial) {
  if (n <= 0) return zero;
  const std::int64_t blocks = (n + block - 1) / block;
  std::vector<Acc> parts(static_cast<std::size_t>(blocks), zero);
  detail::fork_join(blocks, 1, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t k = first; k < last; ++k)
      partial(k * block, std::min(n, (k + 1) * block), parts[static_cast<std::size_t>(k)]);
  });
  Acc total = parts[0];
  for (std::int64_t k = 1; k < blocks; ++k) total += parts[static_cast<std::size_t>(k)];
  return total;
}

}  // namespace gatkit
