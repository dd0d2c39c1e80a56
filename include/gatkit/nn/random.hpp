#pragma once
// Randomness that does not depend on threads or on the order of evaluation. Dropout masks are a pure
// function of (seed, element index), so a kernel can draw them in parallel in any order, the backward
// pass can redraw them instead of storing them, and 1 and N threads give the same bits.
#include <cstdint>
#include <limits>

namespace gatkit {

/// SplitMix64 finaliser: a bijective 64-bit mix with good avalanche.
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// A 64-bit stream key derived from a parent key and a purpose tag (layer number, step, ...).
inline std::uint64_t derive_seed(std::uint64_t parent, std::uint64_t tag) {
  return mix64(parent ^ mix64(tag + 0x632be59bd9b4e019ull));
}

/// Uniform double in [0, 1) from (seed, index).
inline double uniform01(std::uint64_t seed, std::uint64_t index) {
  return static_cast<double>(mix64(seed ^ mix64(index)) >> 11) * 0x1.0p-53;
}

/// Inverted dropout with drop probability p: scale(i) is 0 with probability p, else 1 / (1 - p).
/// Inactive (p == 0, or evaluation) dropout has scale 1 everywhere.
struct Dropout {
  double p = 0.0;
  std::uint64_t seed = 0;
  bool active = false;

  static Dropout none() { return {}; }
  static Dropout with(double p, std::uint64_t seed) { return {p, seed, p > 0.0}; }

  template <class T>
  T scale(std::uint64_t index) const {
    if (!active) return T(1);
    if (p >= 1.0) return T(0);
    return uniform01(seed, index) < p ? T(0) : static_cast<T>(1.0 / (1.0 - p));
  }
};

/// Sequential generator for initialisation and shuffling (xoshiro-free and portable: SplitMix64 counter).
/// std::*_distribution is implementation-defined, so draws are converted by hand.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() { return mix64(state_++ * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull); }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [0, n) without modulo bias (rejection sampling).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
    std::uint64_t x;
    do x = next(); while (x >= limit);
    return x % n;
  }

 private:
  std::uint64_t state_;
};

}  // namespace gatkit
