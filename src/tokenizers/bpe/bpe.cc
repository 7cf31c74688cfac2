#include "tokenizers/bpe/bpe.h"

#include <algorithm>
#include <cstdint>
#include <queue>

namespace epubtok::tokenizers::bpe {
namespace {

// Merges a short piece (n <= kShortPieceBytes). On return start[0..m) are
// the start offsets of the final tokens followed by n; returns m.
//
// rank[i] is the rank of the pair (part i, part i+1), i.e. of the bytes
// [start[i], start[i+2]). Each round finds the minimum, removes the
// boundary between the pair, and refreshes the two neighbouring pair ranks.
size_t merge_short(const RankTable& table, const unsigned char* p, size_t n, uint32_t* start, Rank* rank) {
  size_t m = n + 1;
  for (size_t i = 0; i <= n; ++i) start[i] = static_cast<uint32_t>(i);
  auto pair_rank = [&](size_t i) -> Rank {
    return i + 2 < m ? table.find(p + start[i], start[i + 2] - start[i]) : kNoRank;
  };
  for (size_t i = 0; i + 1 < m; ++i) rank[i] = pair_rank(i);
  while (m > 2) {
    Rank best = kNoRank;
    size_t at = 0;
    for (size_t i = 0; i + 2 < m; ++i) {
      if (rank[i] < best) {
        best = rank[i];
        at = i;
      }
    }
    if (best == kNoRank) break;
    // Drop boundary at+1.
    std::copy(start + at + 2, start + m, start + at + 1);
    std::copy(rank + at + 2, rank + m, rank + at + 1);
    --m;
    rank[at] = pair_rank(at);
    if (at > 0) rank[at - 1] = pair_rank(at - 1);
  }
  return m;
}

// Per-thread scratch for long pieces, so they allocate only when they grow.
struct LongScratch {
  std::vector<uint32_t> next, prev;
  std::vector<Rank> rank;
  std::vector<uint64_t> heap;
};

// Merges a long piece; appends the start offsets of the final tokens to
// `starts`. Parts are a doubly linked list indexed by their start offset;
// candidate pairs sit in a min-heap keyed by (rank, start offset), so the
// pop order is exactly "lowest rank, leftmost on ties". Entries made stale
// by a merge are skipped when popped: an entry is live if its part is still
// alive and its recorded pair rank is still the part's current pair rank.
void merge_long(const RankTable& table, const unsigned char* p, size_t n, std::vector<uint32_t>& starts) {
  thread_local LongScratch s;
  constexpr uint32_t kNone = UINT32_MAX;
  s.next.resize(n + 1);
  s.prev.resize(n + 1);
  s.rank.assign(n + 1, kNoRank);
  s.heap.clear();
  for (uint32_t i = 0; i < n; ++i) {
    s.next[i] = i + 1;
    s.prev[i] = i == 0 ? kNone : i - 1;
  }
  // Alive parts have next != kNone; part n is the sentinel end.
  s.next[n] = kNone;
  auto pair_rank = [&](uint32_t i) -> Rank {
    const uint32_t j = s.next[i];
    if (j >= n) return kNoRank;
    const uint32_t k = s.next[j];
    return table.find(p + i, k - i);
  };
  auto push = [&](uint32_t i) {
    s.rank[i] = pair_rank(i);
    if (s.rank[i] != kNoRank) {
      s.heap.push_back(~((static_cast<uint64_t>(s.rank[i]) << 32) | i));  // max-heap of complements = min-heap
      std::push_heap(s.heap.begin(), s.heap.end());
    }
  };
  for (uint32_t i = 0; i + 1 < n; ++i) push(i);
  while (!s.heap.empty()) {
    std::pop_heap(s.heap.begin(), s.heap.end());
    const uint64_t key = ~s.heap.back();
    s.heap.pop_back();
    const uint32_t i = static_cast<uint32_t>(key);
    const Rank r = static_cast<Rank>(key >> 32);
    if (s.rank[i] != r) continue;  // stale: merged away (rank reset) or re-ranked
    // Merge part i with its successor j.
    const uint32_t j = s.next[i];
    const uint32_t k = s.next[j];
    s.rank[j] = kNoRank;  // j is gone; its heap entries are now stale
    s.next[i] = k;
    if (k <= n) s.prev[k] = i;
    push(i);
    if (s.prev[i] != kNone) push(s.prev[i]);
  }
  for (uint32_t i = 0; i < n; i = s.next[i]) starts.push_back(i);
}

}  // namespace

void encode_piece(const RankTable& table, std::string_view piece, std::vector<Rank>& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(piece.data());
  const size_t n = piece.size();
  if (n == 0) return;
  if (Rank r = table.find(p, n); r != kNoRank) {
    out.push_back(r);
    return;
  }
  if (n <= kShortPieceBytes) {
    uint32_t start[kShortPieceBytes + 1];
    Rank rank[kShortPieceBytes + 1];
    const size_t m = merge_short(table, p, n, start, rank);
    for (size_t i = 0; i + 1 < m; ++i) out.push_back(table.find(p + start[i], start[i + 1] - start[i]));
    return;
  }
  thread_local std::vector<uint32_t> starts;
  starts.clear();
  merge_long(table, p, n, starts);
  starts.push_back(static_cast<uint32_t>(n));
  for (size_t i = 0; i + 1 < starts.size(); ++i) out.push_back(table.find(p + starts[i], starts[i + 1] - starts[i]));
}

size_t count_piece(const RankTable& table, std::string_view piece) {
  const auto* p = reinterpret_cast<const unsigned char*>(piece.data());
  const size_t n = piece.size();
  if (n == 0) return 0;
  if (table.find(p, n) != kNoRank) return 1;
  if (n <= kShortPieceBytes) {
    uint32_t start[kShortPieceBytes + 1];
    Rank rank[kShortPieceBytes + 1];
    return merge_short(table, p, n, start, rank) - 1;
  }
  thread_local std::vector<uint32_t> starts;
  starts.clear();
  merge_long(table, p, n, starts);
  return starts.size();
}

}  // namespace epubtok::tokenizers::bpe
