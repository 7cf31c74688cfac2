#include "count/joined_count.h"

#include <algorithm>
#include <cassert>
#include <string>

namespace epubtok::count {
namespace {

// Bytes at which a clean split may start; is_clean_split() is only asked
// there, which keeps the search cheap for tokenizers that know none.
bool may_start_clean_split(char c) { return c == ' ' || c == '\n' || c == '\xE3'; }

struct CleanSplits {
  size_t first;  // the first clean split of the segment
  size_t last;   // the last one; first <= last
};

// The first and last clean splits of `text`, each searched for within
// kCleanSplitSearchBytes of its end of the text; nullopt if either is missing.
std::optional<CleanSplits> find_clean_splits(const tokenizers::Tokenizer& tokenizer, std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  const size_t window = std::min(text.size() - 1, kCleanSplitSearchBytes);
  const std::optional<size_t> first = find_clean_split(tokenizer, text, 1, window + 1);
  if (!first) return std::nullopt;
  const size_t lowest = std::max(*first, text.size() - window);
  for (size_t pos = text.size() - 1; pos >= lowest; --pos) {
    if (may_start_clean_split(text[pos]) && tokenizer.is_clean_split(text, pos)) return CleanSplits{*first, pos};
  }
  return std::nullopt;
}

}  // namespace

std::optional<size_t> find_clean_split(const tokenizers::Tokenizer& tokenizer, std::string_view text, size_t from,
                                       size_t to) {
  assert(from <= to && to <= text.size());
  for (size_t pos = from; pos < to; ++pos) {
    if (may_start_clean_split(text[pos]) && tokenizer.is_clean_split(text, pos)) return pos;
  }
  return std::nullopt;
}

JoinRepair repair_joins(const tokenizers::Tokenizer& tokenizer, std::span<const std::string_view> segments,
                        std::string_view separator) {
  // The joined text is cut at clean splits into "interiors" (the middle of a
  // segment, between its first and last clean split), whose counts follow
  // from the segment's own count, and "joins": everything from one
  // interior's end to the next interior's start, separators and segments
  // without clean splits included, which is counted afresh.
  JoinRepair repair;
  repair.uses_count.assign(segments.size(), false);
  if (segments.size() == 1) {
    // One segment is the whole text: its own count is the total.
    repair.uses_count[0] = true;
    return repair;
  }
  std::vector<std::optional<CleanSplits>> splits(segments.size());
  for (size_t i = 0; i < segments.size(); ++i) splits[i] = find_clean_splits(tokenizer, segments[i]);
  // Each join is built once at its final size: one that holds whole
  // segments without clean splits may be most of the book.
  auto next_join_size = [&](size_t from, size_t tail_size) {
    size_t size = tail_size;
    for (size_t i = from; i < segments.size(); ++i) {
      if (i > 0) size += separator.size();
      if (splits[i]) return size + splits[i]->first;
      size += segments[i].size();
    }
    return size;
  };
  std::string join;
  join.reserve(next_join_size(0, 0));
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string_view segment = segments[i];
    if (i > 0) join.append(separator);
    if (!splits[i]) {
      join.append(segment);
      continue;
    }
    const std::string_view head = segment.substr(0, splits[i]->first);
    const std::string_view tail = segment.substr(splits[i]->last);
    join.append(head);
    repair.joins += tokenizer.count(join);
    std::string next;
    next.reserve(next_join_size(i + 1, tail.size()));
    next.assign(tail);
    join.swap(next);
    // count(segment) == count(head) + count(interior) + count(tail), since
    // both cuts are clean splits of the segment.
    repair.uses_count[i] = true;
    repair.cut_off += tokenizer.count(head) + tokenizer.count(tail);
  }
  if (!join.empty()) repair.joins += tokenizer.count(join);
  return repair;
}

uint64_t JoinRepair::total(std::span<const uint64_t> segment_counts) const {
  assert(segment_counts.size() == uses_count.size());
  uint64_t sum = joins;
  for (size_t i = 0; i < uses_count.size(); ++i) {
    if (uses_count[i]) sum += segment_counts[i];
  }
  return sum - cut_off;
}

uint64_t count_joined(const tokenizers::Tokenizer& tokenizer, std::span<const std::string_view> segments,
                      std::span<const uint64_t> segment_counts, std::string_view separator) {
  assert(segments.size() == segment_counts.size());
  return repair_joins(tokenizer, segments, separator).total(segment_counts);
}

}  // namespace epubtok::count
