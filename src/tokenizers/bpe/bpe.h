// The BPE merge over one pre-tokenized piece, tiktoken semantics: start from
// single bytes and repeatedly merge the adjacent pair whose concatenation
// has the lowest rank in the table (the leftmost on ties) until no adjacent
// pair is a token. Token ids are the ranks.
//
// Free functions over an immutable RankTable: thread-safe. Every byte value
// must be in the table (true of every tiktoken vocabulary); a byte that is
// not makes the result undefined for ids and still counts one token.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "tokenizers/bpe/rank_table.h"

namespace epubtok::tokenizers::bpe {

// Appends the ranks of `piece`'s tokens to `out`. An empty piece appends
// nothing. Time O(n log n) in the piece length.
void encode_piece(const RankTable& table, std::string_view piece, std::vector<Rank>& out);

// The number of tokens encode_piece() would append, without building them.
size_t count_piece(const RankTable& table, std::string_view piece);

// count_piece() for a piece of at least two bytes that the caller has
// already found not to be a token. `readable` >= piece.size() bytes may be
// read from piece.data() (the rest of the text), which lets short lookups
// load whole words.
size_t count_merged(const RankTable& table, std::string_view piece, size_t readable);

class PairTable;

// encode_piece() and count_merged() ranking pairs by token ids (pair_table.h)
// instead of by their bytes: the same tokens, found with cheaper lookups.
// `pairs` must be built from `table`; when it is not usable() these fall
// back to the byte lookups.
void encode_piece(const RankTable& table, const PairTable& pairs, std::string_view piece, std::vector<Rank>& out);
size_t count_merged(const RankTable& table, const PairTable& pairs, std::string_view piece, size_t readable);

// Pieces of at most this many bytes merge by rescanning a flat array (as
// tiktoken does: for small n, cache locality beats complexity); longer ones
// use a heap over a linked list so the merge stays O(n log n).
inline constexpr size_t kShortPieceBytes = 96;

}  // namespace epubtok::tokenizers::bpe
