// The scanner of the cl100k grammar, shared by the tiktoken encodings and
// the Hugging Face presets that use it:
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,D}|
//    ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// with D = 3 (cl100k_base, Llama 3) or 1 (Qwen 2/3, whose pattern has \p{N}
// where the others have \p{N}{1,3}). The two parameters are the digit limit
// and the Unicode version of \p{L}, \p{N} and \s, which is that of the
// reference being matched (see UnicodeVersion); kInput is what the engine
// guarantees of the input's UTF-8 (Utf8Input).
#pragma once

#include <cstddef>
#include <string_view>

#include "tokenizers/pretok/ascii_piece.h"
#include "tokenizers/pretok/cursor.h"

namespace epubtok::tokenizers::pretok {

namespace detail {

// The end of the piece that starts at `pos` (pos < text.size(), a piece
// start), through the pattern's alternatives in order.
template <UnicodeVersion V, int kMaxDigits, Utf8Input kInput>
inline size_t cl100k_end(std::string_view text, size_t pos) {
  static_assert(kMaxDigits == 1 || kMaxDigits == 3, "the two digit limits of the cl100k grammar's users");
  const Cursor<V, kInput> cur(text);
  if (size_t n = cur.contraction_len(pos, /*fold=*/true)) return pos + n;
  const Ch c = cur.at(pos);
  if (c.cls & kLetter) return cur.run_end(pos + c.len, kLetter);
  // [^\r\n\p{L}\p{N}]\p{L}+
  const size_t next = pos + c.len;
  if (!(c.cls & kNumber) && c.cp != '\r' && c.cp != '\n' && next < cur.size() && (cur.at(next).cls & kLetter)) {
    return cur.run_end(next, kLetter);
  }
  if (c.cls & kNumber) return up_to_n_numbers<kMaxDigits>(cur, pos);
  // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
  size_t start = pos;
  if (c.cp == ' ' && next < cur.size()) start = next;
  const Ch o = start == pos ? c : cur.at(start);
  if (!(o.cls & (kLetter | kNumber | kWhiteSpace))) return cur.newline_run_end(cur.other_run_end(start), false);
  return cur.whitespace_end(pos, /*newline_alt=*/true);
}

}  // namespace detail

// The cl100k grammar's piece loop: calls emit(begin, end) for each piece of
// `text` in order (the pieces tile it). Each piece is decided first by the
// ASCII fast path (ascii_piece.h), whose answers hold in every Unicode
// version (ASCII and general punctuation U+2010..U+203F only), else by
// cl100k_end. The one-digit variant settles ASCII digits itself: no earlier
// alternative takes a digit, and \p{N} takes exactly one.
template <UnicodeVersion V, int kMaxDigits, Utf8Input kInput>
struct Cl100kScanner {
  static size_t piece_end(std::string_view text, size_t pos) {
    return detail::cl100k_end<V, kMaxDigits, kInput>(text, pos);
  }

  template <typename Emit>
  __attribute__((always_inline)) static void run(std::string_view text, Emit&& emit) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    for (size_t pos = 0; pos < n;) {
      size_t end;
      if (kMaxDigits == 1 && static_cast<unsigned>(s[pos] - '0') < 10u) {
        end = pos + 1;
      } else {
        end = detail::ascii_piece_end<PatternFamily::kCl100k>(s, n, pos);
        if (end == 0) end = piece_end(text, pos);
      }
      emit(pos, end);
      pos = end;
    }
  }
};

}  // namespace epubtok::tokenizers::pretok
