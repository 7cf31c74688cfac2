// Deterministic random Unicode text for tests and benchmarks, plus the small
// seeded generator every text generator in tests/support shares.
//
// Everything here is a pure function of its seed: the same seed gives the same
// bytes on every machine and every run, so a failing case can be reproduced
// from the seed printed by the test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/utf8.h"

namespace epubtok::test_support {

using epubtok::append_utf8;  // core/utf8.h

// xoshiro256** seeded through splitmix64. Not cryptographic; chosen because it
// is tiny, fast (text generation must reach tens of MB/s) and its output is
// fully specified, unlike std::uniform_int_distribution whose results differ
// between standard libraries. Not thread-safe; use one per thread.
class TestRng {
 public:
  explicit TestRng(uint64_t seed);

  uint64_t next();

  // Uniform-ish integer in [0, n) for n >= 1 (multiply-shift; the bias is
  // below 2^-32 and irrelevant for test data). Returns 0 when n == 0.
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }

  // Integer in [lo, hi], lo <= hi.
  uint64_t between(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }

  // True with probability per_mille / 1000.
  bool chance(unsigned per_mille) { return below(1000) < per_mille; }

 private:
  uint64_t s_[4];
};

enum class RandomUnicodeMode {
  // Any scalar value (never a surrogate), weighted toward the ranges that
  // break text code: ASCII, C0 controls, Latin-1, combining marks, CJK, kana,
  // Hangul, emoji with modifiers/ZWJ/VS16, every White_Space code point,
  // noncharacters, private use, and the planes above the BMP.
  kAnyScalar,
  // Random "words" of 1–12 code points, each in one randomly chosen script
  // (Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Thai, Han, kana,
  // Hangul, digits, emoji), separated by random runs of white space (spaces,
  // tabs, \n, \r\n, NBSP, U+3000, …) and occasional punctuation.
  kMixedScriptWords,
  // ASCII only (U+0000–U+007F), weighted toward letters, digits, spaces and
  // the punctuation that matters to word segmentation (' . , : ; _ -).
  kAscii,
  // Words of 1–8 code points mixing characters assigned in Unicode 15.1,
  // 16.0 and 17.0 (letters, digits, marks, punctuation, symbols) with ASCII
  // letters and digits and the characters whose class changed between 8.0
  // and 11.0, separated by spaces and punctuation: the characters on which
  // references built on different Unicode versions disagree.
  kRecentScalars,
};

// Returns exactly n_codepoints code points of valid UTF-8, a pure function of
// (seed, n_codepoints, mode). Thread-safe (no shared state).
std::string random_unicode(uint64_t seed, size_t n_codepoints, RandomUnicodeMode mode);

// 1..max_pieces fragments, each drawn uniformly from `fragments` (not
// empty): the inputs of differential tests that probe one rule with the
// characters that matter to it.
std::string random_fragment_string(std::mt19937_64& rng, const std::vector<std::string>& fragments,
                                   size_t max_pieces = 24);

}  // namespace epubtok::test_support
