#pragma once
// Small helpers shared by the benchmark programs of bench/: medians, the process's CPU time (on a shared
// machine, a run's own cost without the time it waited for a core), peak resident memory, the load
// average, and the value of a command-line option.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace gatkit::bench {

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/// CPU time of the whole process (all threads), in seconds.
inline double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

inline double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

/// The three load averages of /proc/loadavg, as text ("" where unavailable).
inline std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return in ? a + " " + b + " " + c : std::string();
}

/// argv[++i], or exit with a usage error when the option `arg` has no value.
inline std::string option_value(int argc, char** argv, int& i, const std::string& arg) {
  if (i + 1 >= argc) {
    std::cerr << arg << " needs a value\n";
    std::exit(2);
  }
  return argv[++i];
}

}  // namespace gatkit::bench
