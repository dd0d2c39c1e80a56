#pragma once
// Randomness that does not depend on threads or on the order of evaluation. Dropout masks are a pure
// function of (seed, element index), so a kernel can draw them in parallel in any order, the backward
// pass can redraw them instead of storing them, and 1 and N threads give the same bits.
#include <algorithm>
#include <cstdint>
#include <limits>

// Vectorisation hint for the element-wise dropout loops. The library is compiled with -fopenmp-simd
// (no OpenMP runtime is involved) and defines GATKIT_OMP_SIMD; elsewhere the hint is empty.
#if defined(GATKIT_OMP_SIMD)
#define GATKIT_SIMD_LOOP _Pragma("omp simd")
#else
#define GATKIT_SIMD_LOOP
#endif

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

/// 64 random bits from (seed, index): element `index` of the SplitMix64 stream that starts at `seed`.
inline std::uint64_t random_bits(std::uint64_t seed, std::uint64_t index) {
  return mix64(seed + index * 0x9e3779b97f4a7c15ull);
}

/// Inverted dropout with drop probability p: scale(i) is 0 with probability p, else 1 / (1 - p).
/// Inactive (p == 0, or evaluation) dropout has scale 1 everywhere.
struct Dropout {
  double p = 0.0;
  std::uint64_t seed = 0;
  bool active = false;
  std::uint64_t threshold = 0;  ///< an element is dropped when its top 53 random bits are below this
  double keep_scale = 1.0;

  static Dropout none() { return {}; }
  static Dropout with(double p, std::uint64_t seed) {
    Dropout d;
    d.p = p;
    d.seed = seed;
    d.active = p > 0.0;
    d.threshold = static_cast<std::uint64_t>(p * 0x1.0p53);
    d.keep_scale = p < 1.0 ? 1.0 / (1.0 - p) : 0.0;
    return d;
  }


  /// The mask value of element `index`. Branch-free on the draw: with p around one half a branch on it
  /// would be mispredicted every other element.
  template <class T>
  T scale(std::uint64_t index) const {
    if (!active) return T(1);
    return static_cast<T>((random_bits(seed, index) >> 11) >= threshold) * static_cast<T>(keep_scale);
  }

  /// out[k] = in[k] * scale(first_index + k) for k < n (in may equal out).
  template <class T>
  void apply(const T* in, T* out, std::int64_t n, std::uint64_t first_index) const {
    if (!active) {
      if (in != out) std::copy(in, in + n, out);
      return;
    }
    const T ks = static_cast<T>(keep_scale);
    const std::uint64_t s = seed, limit = threshold;
    GATKIT_SIMD_LOOP
    for (std::int64_t k = 0; k < n; ++k)
      out[k] = (random_bits(s, first_index + static_cast<std::uint64_t>(k)) >> 11) >= limit ? in[k] * ks : T(0);
  }
};

/// Sequential generator for initialisation and shuffling (xoshiro-free and portable: SplitMix64 counter).
/// std::*_distribution is implementation-defined, so draws are converted by hand.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  /// The generator's position: Rng(r.state()) continues where r is (for resumable training).
  std::uint64_t state() const { return state_; }
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
