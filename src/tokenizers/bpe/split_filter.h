// Exact splitting of long pieces before BPE.
//
// Why: BPE on a long piece costs several rank lookups per byte, each a
// likely cache miss in a multi-megabyte table. Chinese and Japanese text
// has no spaces, so its pieces are whole clauses (30-300 bytes), and
// counting it that way runs at single-digit MB/s.
//
// The rule, exact for any BPE vocabulary: a merge that crosses position b
// of a piece creates a token equal to some substring s[i, j) with
// i < b < j. If no token of the vocabulary spans b that way, no merge ever
// crosses b, and BPE(s) = BPE(s[0, b)) + BPE(s[b, n)).
//
// Any token spanning b contains, at one of its internal boundaries, the
// window made of up to two bytes on each side of b (fewer when the token
// starts at b-1 or ends at b+1). The filter records every such window of
// every token (all four clipped shapes) in a Bloom-style bitmap. A position
// whose four windows are all absent is a guaranteed split point; a false
// positive only means a split is missed, never a wrong result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizers/bpe/rank_table.h"

namespace epubtok::tokenizers::bpe {

class SplitFilter {
 public:
  SplitFilter() = default;
  // Records the windows of every token of `tokens` (bytes, rank).
  explicit SplitFilter(const std::vector<std::pair<std::string, Rank>>& tokens);

  // True when no token can span position b of `piece` (0 < b < size).
  // Thread-safe.
  bool can_split(std::string_view piece, size_t b) const {
    const auto* s = reinterpret_cast<const unsigned char*>(piece.data());
    const size_t n = piece.size();
    const bool l2 = b >= 2, r2 = b + 2 <= n;
    if (test(key(s[b - 1], -1, s[b], -1))) return false;
    if (l2 && test(key(s[b - 2], s[b - 1], s[b], -1))) return false;
    if (r2 && test(key(s[b - 1], -1, s[b], s[b + 1]))) return false;
    if (l2 && r2 && test(key(s[b - 2], s[b - 1], s[b], s[b + 1]))) return false;
    return true;
  }

  bool empty() const { return bits_.empty(); }

 private:
  static constexpr unsigned kBits = 22;  // 4 Mbit = 512 KB: stays in L2/L3, ~10% false positives on o200k
  static uint64_t key(int l0, int l1, int r0, int r1) {
    // Bytes are 0..255, -1 marks "absent" (the clipped shapes).
    return (static_cast<uint64_t>(l0 + 1) << 27) | (static_cast<uint64_t>(l1 + 1) << 18) |
           (static_cast<uint64_t>(r0 + 1) << 9) | static_cast<uint64_t>(r1 + 1);
  }
  static size_t bit_of(uint64_t k) { return static_cast<size_t>((k * 0x9E3779B97F4A7C15ull) >> (64 - kBits)); }
  bool test(uint64_t k) const {
    const size_t b = bit_of(k);
    return (bits_[b >> 6] >> (b & 63)) & 1;
  }
  void set(uint64_t k) {
    const size_t b = bit_of(k);
    bits_[b >> 6] |= uint64_t{1} << (b & 63);
  }

  std::vector<uint64_t> bits_;
};

}  // namespace epubtok::tokenizers::bpe
