// The merges of a rank-table BPE as pairs of token ids: (left, right) ->
// the token they merge into. It lets the merge loop rank a pair by two ids
// in one 8-byte slot instead of hashing and comparing the pair's bytes.
//
// Why one entry per token is enough: tiktoken ranks a pair of adjacent
// parts by the rank of their concatenated bytes, so many pairs spell the
// same token ("a"+"bc" and "ab"+"c"). But parts never cross the span of
// the pair they later form, and inside a span the lowest-ranked pair
// always merges first whatever lies outside it, so when two parts a, b
// are adjacent their span has evolved exactly as the BPE of its own bytes
// alone. That BPE ends by merging a and b: (a, b) is the only pair of
// parts that ever spells the token, namely the last step of BPE run on the
// token's own bytes (its "split"). A token whose own BPE does not end in
// it is never formed by a merge, only found whole, and has no entry.
//
// The table is built from a RankTable (a BPE per token, so it is stored in
// the compiled vocabulary rather than built at every start) and is
// immutable afterwards: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "tokenizers/bpe/rank_table.h"

namespace epubtok::compiled {
class Reader;
class Writer;
}  // namespace epubtok::compiled

namespace epubtok::tokenizers::bpe {

class PairTable {
 public:
  // Ranks must be below this to be held (21 bits each for left, right and
  // merged + 1 in one word): ten times the largest vocabulary in use. A
  // larger vocabulary gets an unusable table, and its loader refuses it.
  static constexpr Rank kMaxRank = (Rank{1} << 21) - 1;

  PairTable() = default;
  // The splits of every multi-byte token of `ranks`, each found by a BPE
  // of the token's bytes.
  explicit PairTable(const RankTable& ranks);

  static constexpr uint32_t kSections = 4;
  void write_sections(compiled::Writer& out, uint32_t first_id) const;
  // False, leaving `out` alone, when a section is missing or malformed.
  static bool from_sections(const compiled::Reader& in, uint32_t first_id, PairTable& out);

  // Whether the table holds the splits: false when default-constructed, or
  // built from a vocabulary with ranks over kMaxRank or a byte without a
  // token (BPE could not start).
  bool usable() const { return slots_ != nullptr; }

  // The rank of the single byte `b`.
  Rank byte_rank(unsigned char b) const { return byte_rank_[b]; }

  // The token the adjacent parts `left` and `right` merge into, or kNoRank.
  Rank find(Rank left, Rank right) const {
    // Two single bytes, as every merge starts: a direct 256 KB table, which
    // stays in cache where the hashed slots would not.
    const Rank a = left - byte_base_;
    const Rank b = right - byte_base_;
    if ((a | b) < 256 && byte_pairs_ != nullptr) return byte_pairs_[(a << 8) | b];
    return find_hashed(left, right);
  }

  // Entries held: the merge-formed tokens.
  size_t size() const { return count_; }

 private:
  // A slot: bits 0..41 the key (left << 21 | right), 42..62 merged + 1;
  // 0 marks an empty slot.
  static constexpr uint64_t kKeyMask = (uint64_t{1} << 42) - 1;
  Rank find_hashed(Rank left, Rank right) const {
    const uint64_t key = (uint64_t{left} << 21) | right;
    for (size_t i = slot_of(key);; i = (i + 1) & mask_) {
      const uint64_t s = slots_[i];
      if (s == 0) return kNoRank;
      if ((s & kKeyMask) == key) return static_cast<Rank>(s >> 42) - 1;
    }
  }
  size_t slot_of(uint64_t key) const { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_); }

  const uint64_t* slots_ = nullptr;  // 1 << (64 - shift_) slots
  size_t mask_ = 0;
  unsigned shift_ = 64;
  const Rank* byte_rank_ = nullptr;  // 256 entries
  // When the single bytes hold the ranks byte_base_ .. byte_base_ + 255
  // (every tiktoken vocabulary), byte_pairs_[(a << 8) | b] is what the
  // tokens of ranks byte_base_ + a and byte_base_ + b merge into; else null.
  const Rank* byte_pairs_ = nullptr;
  Rank byte_base_ = 0;
  size_t count_ = 0;
  std::shared_ptr<const void> keep_;  // the storage the pointers point into
};

}  // namespace epubtok::tokenizers::bpe
