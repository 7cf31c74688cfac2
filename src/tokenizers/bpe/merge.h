// The BPE merge loop, one for both engines: repeatedly merge the adjacent
// pair of parts with the lowest rank, the leftmost on ties, until no
// adjacent pair has a rank. What a part is and what ranks a pair is the
// caller's: the tiktoken engine (bpe.cc) ranks a pair by its concatenated
// bytes in a RankTable, the Hugging Face engine (hf/bpe.cc, byte-level and
// SentencePiece models alike) by the pair of ids in its merges table.
//
// Two shapes of the same loop:
//  - merge_flat() keeps the parts in flat arrays and rescans every pair's
//    rank for the minimum (pair_scan.h): quadratic, but for the short
//    pieces a pre-tokenizer makes it stays in cache and beats a heap.
//  - merge_linked() keeps them in a linked list with a heap of candidate
//    pairs, so a long piece merges in O(n log n).
// Both make exactly the same merges in the same order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tokenizers/bpe/pair_scan.h"
#include "tokenizers/bpe/rank_table.h"

namespace epubtok::tokenizers::bpe {

// Merges parts [0, n) held in flat arrays; returns how many parts remain
// (they are then parts 0 .. result - 1). `key` has room for n - 1 +
// kPairScanPadding entries. `parts` provides, with k indexing the parts in
// their current order:
//   Rank pair_rank(size_t k)             the rank of merging part k with
//                                        part k + 1, or kNoRank;
//   void merge(size_t k, size_t count, Rank rank)
//                                        part k absorbs part k + 1, the
//                                        pair pair_rank(k) last ranked
//                                        `rank`, and parts k + 2 ..
//                                        count - 1 move down by one.
template <typename Parts>
size_t merge_flat(Parts& parts, size_t n, int32_t* key) {
  if (n < 2) return n;
  for (size_t k = 0; k + 1 < n; ++k) key[k] = rank_key(parts.pair_rank(k));
  for (size_t k = n - 1; k < n - 1 + kPairScanPadding; ++k) key[k] = kNoKey;
  while (n > 1) {
    int32_t best;
    const size_t at = first_min(key, n - 1, &best);
    if (best == kNoKey) break;
    parts.merge(at, n, static_cast<Rank>(best) ^ 0x80000000u);
    // The pair that started at part at + 1 is gone; the pairs at and at - 1
    // now hold the merged part.
    remove_at(key, at + 1, n - 2);
    --n;
    key[at] = at + 1 < n ? rank_key(parts.pair_rank(at)) : kNoKey;
    if (at > 0) key[at - 1] = rank_key(parts.pair_rank(at - 1));
  }
  return n;
}

// merge_linked()'s working memory, reused between calls so that long
// pieces allocate only when they grow.
struct LinkedMergeScratch {
  std::vector<uint32_t> next, prev;
  std::vector<Rank> rank;      // rank[i]: the rank of the pair starting at part i
  std::vector<uint64_t> heap;  // ~((rank << 32) | part): a max-heap of these pops the lowest rank, leftmost
};

// Merges parts [0, n), n >= 1, each named by its initial index for good;
// afterwards the surviving parts are 0, s.next[0], s.next[s.next[0]], ...
// up to n. `parts` provides, with i and j the names of adjacent parts (j
// follows i) and after_j the name of the part after j (n at the end):
//   Rank pair_rank(uint32_t i, uint32_t j, uint32_t after_j)
//                                           the rank of merging i with j,
//                                           or kNoRank;
//   void merge(uint32_t i, uint32_t j, Rank rank)
//                                           part i absorbs part j, the pair
//                                           pair_rank(i, j, ...) last ranked
//                                           `rank`.
// A heap entry is live while its rank is still rank[part]: a merge resets
// the rank of the part it absorbs and re-ranks the pairs beside it, and a
// pair's rank names its merge, so a changed pair never keeps its rank.
template <typename Parts>
void merge_linked(Parts& parts, size_t n, LinkedMergeScratch& s) {
  constexpr uint32_t kNone = UINT32_MAX;
  const auto end = static_cast<uint32_t>(n);
  s.next.resize(n + 1);
  s.prev.resize(n + 1);
  s.rank.assign(n + 1, kNoRank);
  s.heap.clear();
  for (uint32_t i = 0; i < end; ++i) {
    s.next[i] = i + 1;
    s.prev[i] = i == 0 ? kNone : i - 1;
  }
  s.next[end] = kNone;  // part n is the sentinel end
  auto push = [&](uint32_t i) {
    const uint32_t j = s.next[i];
    s.rank[i] = j < end ? parts.pair_rank(i, j, s.next[j]) : kNoRank;
    if (s.rank[i] != kNoRank) {
      s.heap.push_back(~((static_cast<uint64_t>(s.rank[i]) << 32) | i));
      std::push_heap(s.heap.begin(), s.heap.end());
    }
  };
  for (uint32_t i = 0; i + 1 < end; ++i) push(i);
  while (!s.heap.empty()) {
    std::pop_heap(s.heap.begin(), s.heap.end());
    const uint64_t top = ~s.heap.back();
    s.heap.pop_back();
    const auto i = static_cast<uint32_t>(top);
    if (s.rank[i] != static_cast<Rank>(top >> 32)) continue;  // stale
    const uint32_t j = s.next[i];
    const uint32_t k = s.next[j];
    parts.merge(i, j, static_cast<Rank>(top >> 32));
    s.rank[j] = kNoRank;  // j is gone: its entries are stale
    s.next[i] = k;
    if (k <= end) s.prev[k] = i;
    push(i);
    if (s.prev[i] != kNone) push(s.prev[i]);
  }
}

}  // namespace epubtok::tokenizers::bpe
