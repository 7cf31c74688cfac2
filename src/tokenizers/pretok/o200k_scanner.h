// The scanner of o200k_base's grammar:
//   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|
//   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|
//   \p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
// in Unicode version V (see UnicodeVersion).
#pragma once

#include <cstddef>
#include <string_view>

#include "tokenizers/pretok/cursor.h"

namespace epubtok::tokenizers::pretok::detail {

// [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+ from pos, as the
// backtracking regex resolves it; 0 when it cannot match.
// The greedy upper-set run is taken first; if a lower-set character follows
// (necessarily \p{Ll}), the lower-set run extends from there. Otherwise the
// regex gives characters back until the last one that is in both sets
// (Lm/Lo/M) can serve as the one-character lower-set part.
template <UnicodeVersion V>
inline size_t o200k_upper_lower_end(const Cursor<V>& cur, size_t pos) {
  size_t end = pos;
  size_t after_both = 0;
  while (end < cur.size()) {
    Ch c = cur.at(end);
    if (!(c.cls & kO200kUpper)) break;
    end += c.len;
    if (c.cls & kO200kLower) after_both = end;
  }
  if (end < cur.size() && (cur.at(end).cls & kO200kLower)) return cur.run_end(end, kO200kLower);
  return after_both;
}

// [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]* from pos; 0 when
// it cannot match.
template <UnicodeVersion V>
inline size_t o200k_upper_run_end(const Cursor<V>& cur, size_t pos) {
  if (pos >= cur.size() || !(cur.at(pos).cls & kO200kUpper)) return 0;
  return cur.run_end(cur.run_end(pos, kO200kUpper), kO200kLower);
}

// The end of the piece that starts at `pos` (pos < text.size(), a piece
// start), through the pattern's alternatives in order.
template <UnicodeVersion V>
inline size_t o200k_end(std::string_view text, size_t pos) {
  const Cursor<V> cur(text);
  const Ch c = cur.at(pos);
  const size_t next = pos + c.len;
  const bool can_prefix = !(c.cls & (kLetter | kNumber)) && c.cp != '\r' && c.cp != '\n';
  auto with_contraction = [&](size_t end) { return end + cur.contraction_len(end, /*fold=*/true); };
  // Alternative 1, first with the optional prefix character, then without.
  if (can_prefix) {
    if (size_t end = o200k_upper_lower_end(cur, next)) return with_contraction(end);
  }
  if (size_t end = o200k_upper_lower_end(cur, pos)) return with_contraction(end);
  // Alternative 2, likewise.
  if (can_prefix) {
    if (size_t end = o200k_upper_run_end(cur, next)) return with_contraction(end);
  }
  if (size_t end = o200k_upper_run_end(cur, pos)) return with_contraction(end);
  if (c.cls & kNumber) return up_to_n_numbers<3>(cur, pos);
  // ' ?[^\s\p{L}\p{N}]+[\r\n/]*'
  size_t start = pos;
  if (c.cp == ' ' && next < cur.size()) start = next;
  const Ch o = start == pos ? c : cur.at(start);
  if (!(o.cls & (kLetter | kNumber | kWhiteSpace))) return cur.newline_run_end(cur.other_run_end(start), true);
  return cur.whitespace_end(pos, /*newline_alt=*/true);
}

}  // namespace epubtok::tokenizers::pretok::detail
