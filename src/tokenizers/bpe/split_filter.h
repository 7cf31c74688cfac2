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
// every token, in its exact clipped shape; a position whose possible
// windows are all absent is a guaranteed split point. Three shapes are
// recorded exactly, the fourth in a small Bloom filter: a false positive
// only means a split is missed, never a wrong result.
//
// Like RankTable, the filter reaches its two arrays through plain pointers
// into either storage it built or a mapped compiled vocabulary file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "tokenizers/bpe/rank_table.h"

namespace epubtok::tokenizers::bpe {

class SplitFilter {
 public:
  SplitFilter() = default;
  // Records the windows of every token of `tokens` (bytes, rank).
  explicit SplitFilter(const std::vector<std::pair<std::string, Rank>>& tokens);

  // Serialization, as RankTable's: sections first_id, first_id + 1.
  static constexpr uint32_t kSections = 2;
  void write_sections(compiled::Writer& out, uint32_t first_id) const;
  static bool from_sections(const compiled::Reader& in, uint32_t first_id, SplitFilter& out);

  // True when no token can span position b of `piece` (0 < b < size).
  // Thread-safe.
  bool can_split(std::string_view piece, size_t b) const {
    const auto* s = reinterpret_cast<const unsigned char*>(piece.data());
    const uint32_t slot = center_ == nullptr ? 0 : center_[(s[b - 1] << 8) | s[b]];
    if (slot == 0) return true;  // no token has these two bytes adjacent inside it
    const Context& c = contexts_[slot - 1];
    if (c.clipped_both) return false;
    const bool l2 = b >= 2, r2 = b + 2 <= piece.size();
    if (l2 && test(c.left, s[b - 2])) return false;
    if (r2 && test(c.right, s[b + 1])) return false;
    if (l2 && r2 && test(c.both, both_bit(s[b - 2], s[b + 1]))) return false;
    return true;
  }

  bool empty() const { return center_ == nullptr; }

 private:
  // Everything about the tokens that have bytes (x, y) adjacent at an
  // internal boundary, indexed by the one byte before x / after y (a
  // record of the compiled file's context section). One
  // position costs one 256 KB index read and one or two cache lines here,
  // instead of four scattered probes.
  struct Context {
    uint64_t left[4] = {};      // shape "2 bytes left, 1 right": by the byte before x (exact)
    uint64_t right[4] = {};     // shape "1 left, 2 right": by the byte after y (exact)
    uint64_t both[8] = {};      // shape "2 left, 2 right": hashed pair of both (512-bit Bloom)
    bool clipped_both = false;  // shape "1 left, 1 right": a token starts at x and ends at y
  };
  static unsigned both_bit(unsigned before, unsigned after) { return ((before * 0x9E37u) ^ (after * 0x85EBu)) & 511u; }
  static bool test(const uint64_t* bits, unsigned i) { return (bits[i >> 6] >> (i & 63)) & 1; }
  static void set(uint64_t* bits, unsigned i) { bits[i >> 6] |= uint64_t{1} << (i & 63); }

  static constexpr size_t kCenterSize = 65536;
  struct Owned;
  const uint32_t* center_ = nullptr;  // kCenterSize entries by (x << 8 | y): 0, or 1 + index into contexts_
  const Context* contexts_ = nullptr;
  size_t context_count_ = 0;
  std::shared_ptr<const void> keep_;  // the storage the pointers point into
};

}  // namespace epubtok::tokenizers::bpe
