#include "tokenizers/bpe/bpe.h"

#include <cstdint>

#include "tokenizers/bpe/merge.h"
#include "tokenizers/bpe/pair_table.h"

namespace epubtok::tokenizers::bpe {
namespace {

// A piece's parts as merge_flat() sees them: id[k] is part k's token, so
// the pair (k, k + 1) is one PairTable lookup and its rank is the token it
// merges into.
struct FlatParts {
  const PairTable& pairs;
  Rank* id;  // n + kPairScanPadding entries (remove_at reads ahead)
  Rank pair_rank(size_t k) const { return pairs.find(id[k], id[k + 1]); }
  void merge(size_t k, size_t count, Rank rank) {
    id[k] = rank;
    remove_at(id, k + 1, count - 1);
  }
};

// Merges a piece of n <= kShortPieceBytes bytes that is not itself a token;
// on return id[0, parts) are its tokens. Returns parts.
size_t merge_short(const PairTable& pairs, const unsigned char* p, size_t n, Rank* id, int32_t* key) {
  for (size_t i = 0; i < n; ++i) id[i] = pairs.byte_rank(p[i]);
  FlatParts parts{pairs, id};
  return merge_flat(parts, n, key);
}

// merge_linked()'s parts, each named by its initial index.
struct LinkedParts {
  const PairTable& pairs;
  Rank* id;
  Rank pair_rank(uint32_t i, uint32_t j, uint32_t /*after_j*/) const { return pairs.find(id[i], id[j]); }
  void merge(uint32_t i, uint32_t /*j*/, Rank rank) { id[i] = rank; }
};

// Merges a piece of any length; appends its tokens to `out`.
void merge_long(const PairTable& pairs, const unsigned char* p, size_t n, std::vector<Rank>& out) {
  thread_local LinkedMergeScratch s;
  thread_local std::vector<Rank> id;
  id.resize(n);
  for (size_t i = 0; i < n; ++i) id[i] = pairs.byte_rank(p[i]);
  LinkedParts parts{pairs, id.data()};
  merge_linked(parts, n, s);
  for (uint32_t i = 0; i < n; i = s.next[i]) out.push_back(id[i]);
}

}  // namespace

void encode_piece(const RankTable& table, const PairTable& pairs, std::string_view piece, std::vector<Rank>& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(piece.data());
  const size_t n = piece.size();
  if (n == 0) return;
  if (Rank r = table.find(p, n); r != kNoRank) {
    out.push_back(r);
    return;
  }
  if (n <= kShortPieceBytes) {
    Rank id[kShortPieceBytes + kPairScanPadding];
    int32_t key[kShortPieceBytes + kPairScanPadding];
    const size_t parts = merge_short(pairs, p, n, id, key);
    out.insert(out.end(), id, id + parts);
    return;
  }
  merge_long(pairs, p, n, out);
}

size_t count_piece(const RankTable& table, const PairTable& pairs, std::string_view piece) {
  if (piece.empty()) return 0;
  if (table.find(piece) != kNoRank) return 1;
  return count_merged(pairs, piece);
}

size_t count_merged(const PairTable& pairs, std::string_view piece) {
  const auto* p = reinterpret_cast<const unsigned char*>(piece.data());
  const size_t n = piece.size();
  if (n <= kShortPieceBytes) {
    Rank id[kShortPieceBytes + kPairScanPadding];
    int32_t key[kShortPieceBytes + kPairScanPadding];
    return merge_short(pairs, p, n, id, key);
  }
  thread_local std::vector<Rank> ids;
  ids.clear();
  merge_long(pairs, p, n, ids);
  return ids.size();
}

}  // namespace epubtok::tokenizers::bpe
