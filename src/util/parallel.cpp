#include "gatkit/util/parallel.hpp"

#include <memory>
#include <mutex>

#include <tbb/global_control.h>
#include <tbb/info.h>

namespace gatkit {
namespace {
std::mutex control_mutex;
std::unique_ptr<tbb::global_control> control;
int limit = 0;
}  // namespace

void set_num_threads(int n) {
  std::lock_guard<std::mutex> lock(control_mutex);
  control.reset();
  if (n <= 0) n = tbb::info::default_concurrency();
  control = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<std::size_t>(n));
  limit = n;
}

int num_threads() {
  std::lock_guard<std::mutex> lock(control_mutex);
  if (limit > 0) return limit;
  return static_cast<int>(
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
}

}  // namespace gatkit
