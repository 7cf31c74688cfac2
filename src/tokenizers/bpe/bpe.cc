#include "tokenizers/bpe/bpe.h"

#include <cstdint>

#include "tokenizers/bpe/merge.h"
#include "tokenizers/bpe/pair_table.h"

namespace epubtok::tokenizers::bpe {
namespace {

// A piece's parts as merge_flat() sees them: bound[k] is where part k
// starts (bound[count] = n), so the pair (k, k + 1) is the bytes
// [bound[k], bound[k + 2]). `readable` >= n bytes may be read from p, so
// lookups of keys of up to 8 bytes load one word (find_in_buffer).
struct FlatParts {
  const RankTable& table;
  const unsigned char* p;
  size_t readable;
  uint32_t* bound;  // n + 1 + kPairScanPadding entries (remove_at reads ahead)
  Rank pair_rank(size_t k) const {
    return table.find_in_buffer(p + bound[k], bound[k + 2] - bound[k], readable - bound[k]);
  }
  void merge(size_t k, size_t count, Rank /*rank*/) { remove_at(bound, k + 1, count); }
};

// Merges a short piece (n <= kShortPieceBytes) that is not itself a token.
// On return bound[0, parts] are the token boundaries; returns parts.
size_t merge_short(const RankTable& table, const unsigned char* p, size_t n, size_t readable, uint32_t* bound,
                   int32_t* key) {
  for (size_t i = 0; i <= n; ++i) bound[i] = static_cast<uint32_t>(i);
  for (size_t i = n + 1; i <= n + kPairScanPadding; ++i) bound[i] = static_cast<uint32_t>(n);
  FlatParts parts{table, p, readable, bound};
  return merge_flat(parts, n, key);
}

// A piece's parts as merge_linked() sees them: each is named by its start
// offset, so the pair (i, j) is the bytes [i, after_j).
struct LinkedParts {
  const RankTable& table;
  const unsigned char* p;
  Rank pair_rank(uint32_t i, uint32_t /*j*/, uint32_t after_j) const { return table.find(p + i, after_j - i); }
  void merge(uint32_t /*i*/, uint32_t /*j*/, Rank /*rank*/) {}
};

// Merges a long piece; appends the start offsets of the final tokens to
// `starts`.
void merge_long(const RankTable& table, const unsigned char* p, size_t n, std::vector<uint32_t>& starts) {
  thread_local LinkedMergeScratch s;
  LinkedParts parts{table, p};
  merge_linked(parts, n, s);
  for (uint32_t i = 0; i < n; i = s.next[i]) starts.push_back(i);
}

// A piece's parts as merge_flat() sees them when pairs are ranked by ids
// (pair_table.h): id[k] is part k's token, so the pair (k, k + 1) is one
// PairTable lookup and its rank is the token it merges into.
struct FlatIdParts {
  const PairTable& pairs;
  Rank* id;  // n + kPairScanPadding entries (remove_at reads ahead)
  Rank pair_rank(size_t k) const { return pairs.find(id[k], id[k + 1]); }
  void merge(size_t k, size_t count, Rank rank) {
    id[k] = rank;
    remove_at(id, k + 1, count - 1);
  }
};

// merge_short() by ids: on return id[0, parts) are the tokens.
size_t merge_short_ids(const PairTable& pairs, const unsigned char* p, size_t n, Rank* id, int32_t* key) {
  for (size_t i = 0; i < n; ++i) id[i] = pairs.byte_rank(p[i]);
  FlatIdParts parts{pairs, id};
  return merge_flat(parts, n, key);
}

// merge_linked()'s parts by ids, each named by its initial index.
struct LinkedIdParts {
  const PairTable& pairs;
  Rank* id;
  Rank pair_rank(uint32_t i, uint32_t j, uint32_t /*after_j*/) const { return pairs.find(id[i], id[j]); }
  void merge(uint32_t i, uint32_t /*j*/, Rank rank) { id[i] = rank; }
};

// Merges a long piece by ids; appends its tokens to `out`.
void merge_long_ids(const PairTable& pairs, const unsigned char* p, size_t n, std::vector<Rank>& out) {
  thread_local LinkedMergeScratch s;
  thread_local std::vector<Rank> id;
  id.resize(n);
  for (size_t i = 0; i < n; ++i) id[i] = pairs.byte_rank(p[i]);
  LinkedIdParts parts{pairs, id.data()};
  merge_linked(parts, n, s);
  for (uint32_t i = 0; i < n; i = s.next[i]) out.push_back(id[i]);
}

}  // namespace

void encode_piece(const RankTable& table, const PairTable& pairs, std::string_view piece, std::vector<Rank>& out) {
  if (!pairs.usable()) {
    encode_piece(table, piece, out);
    return;
  }
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
    const size_t parts = merge_short_ids(pairs, p, n, id, key);
    out.insert(out.end(), id, id + parts);
    return;
  }
  merge_long_ids(pairs, p, n, out);
}

size_t count_merged(const RankTable& table, const PairTable& pairs, std::string_view piece, size_t readable) {
  if (!pairs.usable()) return count_merged(table, piece, readable);
  const auto* p = reinterpret_cast<const unsigned char*>(piece.data());
  const size_t n = piece.size();
  if (n <= kShortPieceBytes) {
    Rank id[kShortPieceBytes + kPairScanPadding];
    int32_t key[kShortPieceBytes + kPairScanPadding];
    return merge_short_ids(pairs, p, n, id, key);
  }
  thread_local std::vector<Rank> ids;
  ids.clear();
  merge_long_ids(pairs, p, n, ids);
  return ids.size();
}

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
