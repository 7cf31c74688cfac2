// The token count of a book from the token counts of its chapters.
//
// A book's count must be the count of its whole text (the chapters joined by
// a blank line), and each chapter's count the count of its own text. BPE
// counts are not additive across a join: the pre-tokenizer may merge the end
// of one chapter, the separator and the start of the next into other pieces.
// Tokenizing every text twice, once per chapter and once as a book, costs
// twice the time. count_joined() instead reuses the chapter counts and
// recounts only a short stretch around each join, cut at positions where the
// tokenizer guarantees the count splits (Tokenizer::is_clean_split()). It is
// exact for every tokenizer; one that knows no clean splits is simply
// counted over the whole joined text.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "tokenizers/tokenizer.h"

namespace epubtok::count {

// How far into each end of a segment count_joined() looks for a clean split
// before it gives up and recounts the whole segment as part of a join.
inline constexpr size_t kCleanSplitSearchBytes = 64 * 1024;

// Exactly tokenizer.count(segments[0] + separator + segments[1] + … +
// segments[n-1]), computed from segment_counts[i] == tokenizer.count(
// segments[i]) plus counts of the stretches around each join. Segments may be
// empty (they are joined like any other). Requires segment_counts.size() ==
// segments.size(); returns 0 for no segments.
uint64_t count_joined(const tokenizers::Tokenizer& tokenizer, std::span<const std::string_view> segments,
                      std::span<const uint64_t> segment_counts, std::string_view separator);

}  // namespace epubtok::count
