// SplitMix64: the small deterministic generator behind the generated test
// data (books, the sample and benchmark libraries, fuzz-like inputs).
//
// Fully specified by its arithmetic, so the same seed gives the same bytes
// with every compiler and standard library (std::uniform_*_distribution
// does not). Fixtures depend on its exact output: changing it changes
// every generated library.
#pragma once

#include <cstdint>

namespace epubtok::test_support {

struct SplitMix64 {
  uint64_t state;

  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // In [0, n) for n >= 1 (multiply-shift; the bias is below 2^-32).
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }
  // In [0, 1), 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
};

}  // namespace epubtok::test_support
