#include "tokenizers/bpe/bpe.h"

#include <algorithm>
#include <cstdint>
#include <queue>

#include "tokenizers/bpe/pair_scan.h"

namespace epubtok::tokenizers::bpe {
namespace {

// Merges a short piece (n <= kShortPieceBytes) that is not itself a token.
// On return bound[0, parts] are the token boundaries (bound[0] = 0,
// bound[parts] = n); returns parts. `readable` >= n bytes may be read from
// p, so lookups of keys of up to 8 bytes load one word (find_in_buffer).
//
// key[i] is the biased rank of the pair (part i, part i + 1), i.e. of the
// bytes [bound[i], bound[i + 2]). Each round takes the smallest, removes the
// boundary inside it and looks up the two pairs that now contain the merged
// part. Both arrays are padded (pair_scan.h).
size_t merge_short(const RankTable& table, const unsigned char* p, size_t n, size_t readable, uint32_t* bound,
                   int32_t* key) {
  auto pair_key = [&](size_t i) {
    return rank_key(table.find_in_buffer(p + bound[i], bound[i + 2] - bound[i], readable - bound[i]));
  };
  for (size_t i = 0; i <= n; ++i) bound[i] = static_cast<uint32_t>(i);
  for (size_t i = n + 1; i <= n + kPairScanPadding; ++i) bound[i] = static_cast<uint32_t>(n);
  for (size_t i = 0; i + 1 < n; ++i) key[i] = pair_key(i);
  for (size_t i = n - 1; i < n - 1 + kPairScanPadding; ++i) key[i] = kNoKey;
  size_t parts = n;
  while (parts > 1) {
    int32_t best;
    const size_t at = first_min(key, parts - 1, &best);
    if (best == kNoKey) break;
    // Part `at` absorbs part at + 1: boundary at + 1 and the pair that
    // started at part at + 1 go; the pairs at and at - 1 change.
    remove_at(bound, at + 1, parts);
    remove_at(key, at + 1, parts - 2);
    --parts;
    key[at] = at + 1 < parts ? pair_key(at) : kNoKey;
    if (at > 0) key[at - 1] = pair_key(at - 1);
  }
  return parts;
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
    uint32_t bound[kShortPieceBytes + 1 + kPairScanPadding];
    int32_t key[kShortPieceBytes + kPairScanPadding];
    const size_t parts = merge_short(table, p, n, n, bound, key);
    for (size_t i = 0; i < parts; ++i) out.push_back(table.find(p + bound[i], bound[i + 1] - bound[i]));
    return;
  }
  thread_local std::vector<uint32_t> starts;
  starts.clear();
  merge_long(table, p, n, starts);
  starts.push_back(static_cast<uint32_t>(n));
  for (size_t i = 0; i + 1 < starts.size(); ++i) out.push_back(table.find(p + starts[i], starts[i + 1] - starts[i]));
}

size_t count_piece(const RankTable& table, std::string_view piece) {
  if (piece.empty()) return 0;
  if (table.find(piece) != kNoRank) return 1;
  return count_merged(table, piece, piece.size());
}

size_t count_merged(const RankTable& table, std::string_view piece, size_t readable) {
  const auto* p = reinterpret_cast<const unsigned char*>(piece.data());
  const size_t n = piece.size();
  if (n <= kShortPieceBytes) {
    uint32_t bound[kShortPieceBytes + 1 + kPairScanPadding];
    int32_t key[kShortPieceBytes + kPairScanPadding];
    return merge_short(table, p, n, readable, bound, key);
  }
  thread_local std::vector<uint32_t> starts;
  starts.clear();
  merge_long(table, p, n, starts);
  return starts.size();
}

}  // namespace epubtok::tokenizers::bpe
