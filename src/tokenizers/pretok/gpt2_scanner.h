// The scanner of GPT-2's grammar (r50k_base, p50k_base, the legacy Claude
// tokenizer):
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// in Unicode version V (see UnicodeVersion).
#pragma once

#include <cstddef>
#include <string_view>

#include "tokenizers/pretok/ascii_piece.h"
#include "tokenizers/pretok/cursor.h"

namespace epubtok::tokenizers::pretok::detail {

// The end of the piece that starts at `pos` (pos < text.size(), a piece
// start), through the pattern's alternatives in order.
template <UnicodeVersion V>
inline size_t gpt2_end(std::string_view text, size_t pos) {
  const Cursor<V> cur(text);
  if (size_t n = cur.contraction_len(pos, /*fold=*/false)) return pos + n;
  Ch c = cur.at(pos);
  size_t start = pos;
  // ' ?' attaches one U+0020 to a following letter, number or other run.
  if (c.cp == ' ' && pos + 1 < cur.size()) {
    Ch n = cur.at(pos + 1);
    if (!(n.cls & kWhiteSpace)) {
      start = pos + 1;
      c = n;
    }
  }
  if (c.cls & kLetter) return cur.run_end(start + c.len, kLetter);
  if (c.cls & kNumber) return cur.run_end(start + c.len, kNumber);
  if (!(c.cls & kWhiteSpace)) return cur.other_run_end(start + c.len);
  return cur.whitespace_end(pos, /*newline_alt=*/false);
}

}  // namespace epubtok::tokenizers::pretok::detail

namespace epubtok::tokenizers::pretok {

// The GPT-2 grammar's piece loop: calls emit(begin, end) for each piece of
// `text` in order (the pieces tile it), each decided by the ASCII fast path
// (ascii_piece.h, the same in every Unicode version) or else gpt2_end.
template <UnicodeVersion V>
struct Gpt2Scanner {
  template <typename Emit>
  __attribute__((always_inline)) static void run(std::string_view text, Emit&& emit) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    for (size_t pos = 0; pos < n;) {
      size_t end = detail::ascii_piece_end<PatternFamily::kGpt2>(s, n, pos);
      if (end == 0) end = detail::gpt2_end<V>(text, pos);
      emit(pos, end);
      pos = end;
    }
  }
};

}  // namespace epubtok::tokenizers::pretok
