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
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "tokenizers/tokenizer.h"

namespace epubtok::count {

// How far into each end of a segment count_joined() looks for a clean split
// before it gives up and recounts the whole segment as part of a join.
inline constexpr size_t kCleanSplitSearchBytes = size_t{64} * 1024;

// The first clean split of `text` in [from, to), or nullopt: only bytes
// where a clean split may start (' ', '\n', the lead byte of U+3001/U+3002)
// are put to tokenizer.is_clean_split(text, pos), which keeps the search
// cheap for tokenizers that know none. Requires from <= to <= text.size().
std::optional<size_t> find_clean_split(const tokenizers::Tokenizer& tokenizer, std::string_view text, size_t from,
                                       size_t to);

// The part of count_joined() that does not depend on the segment counts:
// the counts of the joins and of the heads and tails cut off the segments
// that have clean splits. Computing it needs only the texts, so it can run
// while the segments themselves are still being counted.
struct JoinRepair {
  // Per segment: whether its own count enters the total (it has clean
  // splits near both ends); the others are counted inside a join.
  std::vector<bool> uses_count;
  uint64_t joins = 0;    // tokens of the joins
  uint64_t cut_off = 0;  // tokens of the heads and tails of the segments used

  // The joined count from segment_counts[i] == tokenizer.count(segments[i])
  // (only those of the segments used are read). Requires
  // segment_counts.size() == uses_count.size().
  uint64_t total(std::span<const uint64_t> segment_counts) const;
};

// Counts the joins of segments[0] + separator + … + segments[n-1], cut at
// the first and last clean split of each segment (each searched for within
// kCleanSplitSearchBytes of its end). A single segment has no joins: its
// own count is the total, whether or not it has clean splits.
JoinRepair repair_joins(const tokenizers::Tokenizer& tokenizer, std::span<const std::string_view> segments,
                        std::string_view separator);

// Exactly tokenizer.count(segments[0] + separator + segments[1] + … +
// segments[n-1]), computed from segment_counts[i] == tokenizer.count(
// segments[i]) plus counts of the stretches around each join
// (repair_joins(…).total(segment_counts)). Segments may be empty (they are
// joined like any other). Requires segment_counts.size() == segments.size();
// returns 0 for no segments.
uint64_t count_joined(const tokenizers::Tokenizer& tokenizer, std::span<const std::string_view> segments,
                      std::span<const uint64_t> segment_counts, std::string_view separator);

}  // namespace epubtok::count
