// The BPE merge over one pre-tokenized piece, tiktoken semantics: a piece
// that is itself a token is that token; otherwise start from single bytes
// and repeatedly merge the adjacent pair whose concatenation has the lowest
// rank (the leftmost on ties) until no adjacent pair is a token. Token ids
// are the ranks.
//
// Pairs are ranked by the ids of their two parts through a PairTable built
// from the RankTable (pair_table.h: why that makes the same merges), which
// must be usable(). Free functions over immutable tables: thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "tokenizers/bpe/pair_table.h"
#include "tokenizers/bpe/rank_table.h"

namespace epubtok::tokenizers::bpe {

// Appends the ranks of `piece`'s tokens to `out`. An empty piece appends
// nothing. Time O(n log n) in the piece length.
void encode_piece(const RankTable& table, const PairTable& pairs, std::string_view piece, std::vector<Rank>& out);

// The number of tokens encode_piece() would append, without building them.
size_t count_piece(const RankTable& table, const PairTable& pairs, std::string_view piece);

// count_piece() for a piece of at least two bytes that the caller has
// already found not to be a token.
size_t count_merged(const PairTable& pairs, std::string_view piece);

// Pieces of at most this many bytes merge by rescanning a flat array (as
// tiktoken does: for small n, cache locality beats complexity); longer ones
// use a heap over a linked list so the merge stays O(n log n).
inline constexpr size_t kShortPieceBytes = 96;

}  // namespace epubtok::tokenizers::bpe
