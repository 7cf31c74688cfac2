// The ASCII fast path of the scanners, for the pieces that make up most of
// English text: an optional prefix character followed by ASCII letters
// (" the", "(whale", "\"Call", "’s", "—the"), runs of punctuation (",",
// ".\n", ".”"), numbers of up to three digits, the lone space before a
// number, and newline runs before text.
//
// Why: counting English spends most of its time finding piece ends, and the
// full scanners (cl100k_scanner.h and the others) decide each piece through the pattern's
// alternatives with a class lookup per character. These pieces are decided
// by their first byte or two and one scan, done here 16 bytes at a time
// with SSE2 where the text allows, so a word costs no per-letter branch
// (the scalar loop's exit was a branch misprediction per word). Real books
// add curly quotes, apostrophes and dashes (U+2010..U+203F) to nearly
// every line, so those are settled here too.
//
// Exact: ascii_piece_end() returns either 0 ("ask the full scanner") or the
// very end the family's full scanner returns (differential test in
// scanner_test.cc). It answers only when the bytes it looked at settle the
// piece: a non-ASCII byte other than general punctuation where a letter,
// mark, number or symbol could continue it, an apostrophe that could start
// a contraction, white space other than a one-character prefix, a lone
// space before a digit or newlines before text, and GPT-2's numbers and
// white space all return 0.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/ascii.h"
#include "tokenizers/pretok/pattern_family.h"

namespace epubtok::tokenizers::pretok::detail {

// Byte classes of the fast path.
enum AsciiPieceBits : uint8_t {
  kAsciiUpper = 1,  // A-Z
  kAsciiLower = 2,  // a-z
  kNonAscii = 4,    // >= 0x80: may be a letter, mark, number, space or symbol
  kAsciiDigit = 8,
  kAsciiPrefix = 16,  // may be cl100k/o200k's [^\r\n\p{L}\p{N}] prefix: ASCII, not letter, digit, \r, \n, '\''
  kAsciiOther = 32,   // [^\s\p{L}\p{N}] within ASCII ('\'' included)
  kAsciiApostrophe = 64,
  kAsciiNewline = 128,  // \r or \n
};

struct AsciiPieceClasses {
  uint8_t c[256];
  constexpr AsciiPieceClasses() : c() {
    for (int b = 0; b < 0x80; ++b) {
      const bool upper = b >= 'A' && b <= 'Z', lower = b >= 'a' && b <= 'z', digit = b >= '0' && b <= '9';
      const bool space = b == ' ' || (b >= '\t' && b <= '\r');
      uint8_t bits = 0;
      if (upper) bits |= kAsciiUpper;
      if (lower) bits |= kAsciiLower;
      if (digit) bits |= kAsciiDigit;
      if (!upper && !lower && !digit && b != '\r' && b != '\n' && b != '\'') bits |= kAsciiPrefix;
      if (!upper && !lower && !digit && !space) bits |= kAsciiOther;
      if (b == '\'') bits |= kAsciiApostrophe;
      if (b == '\r' || b == '\n') bits |= kAsciiNewline;
      c[b] = bits;
    }
    for (int b = 0x80; b < 0x100; ++b) c[b] = kNonAscii;
  }
};
inline constexpr AsciiPieceClasses kAsciiPiece;

// True when a character of U+2010..U+2027 or U+2030..U+203F starts at j
// (j < n): dashes, curly quotes and apostrophes, ellipsis, daggers,
// per mille, primes. Real books are full of them, and they are all [^\s\p{L}\p{N}] (general punctuation, no
// letter, mark, number or space among them), so they end a letter run, may
// be the one-character prefix of cl100k/o200k's letter pieces, and belong
// in symbol runs. (The rest of U+2000..U+203F holds white space and
// format characters: left to the full scanners.)
inline bool general_punctuation_at(const unsigned char* s, size_t n, size_t j) {
  if (n - j < 3 || s[j] != 0xE2 || s[j + 1] != 0x80) return false;
  const unsigned char b = s[j + 2];
  return (b >= 0x90 && b <= 0xA7) || (b >= 0xB0 && b <= 0xBF);
}

// End of the run of bytes from j whose class has any of `bits` (j <= n).
inline size_t ascii_class_run_end(const unsigned char* s, size_t n, size_t j, uint8_t bits) {
  while (j < n && (kAsciiPiece.c[s[j]] & bits)) ++j;
  return j;
}

// For cl100k/o200k's \s*[\r\n]+ over a run of ASCII white space that
// starts with line breaks and goes on at j with other white space: the end
// after the run's last line break, when the run ends at ASCII that is not
// white space or at the end of the text, else 0. (Then \s*[\r\n]+ is the
// first alternative that matches, and \s* backtracks to that line break.)
// Not inlined: the count loop's hot path stays small.
__attribute__((noinline)) inline size_t newline_space_run_end(const unsigned char* s, size_t n, size_t j) {
  const size_t end = ascii_space_run_end(s, n, j);
  if (end < n && s[end] >= 0x80) return 0;
  return after_last_line_break(s, j - 1, end);  // s[j - 1] is a line break
}

// ascii_letter_run_end() and ascii_upper_lower_end() come from core/ascii.h,
// the ASCII SIMD helpers shared with the word counter.

// The end of the piece starting at pos (pos < n) when the ASCII fast path
// settles it, else 0. See the file comment. Always inlined: the count
// loop calls it for every piece.
template <PatternFamily kFamily>
__attribute__((always_inline)) inline size_t ascii_piece_end(const unsigned char* s, size_t n, size_t pos) {
  constexpr bool kGpt2 = kFamily == PatternFamily::kGpt2;
  constexpr uint8_t kLetters = kAsciiUpper | kAsciiLower;
  const uint8_t c0 = kAsciiPiece.c[s[pos]];
  const uint8_t c1 = pos + 1 < n ? kAsciiPiece.c[s[pos + 1]] : 0;
  size_t j;
  if (c0 & kLetters) {
    j = pos;
  } else if ((c1 & kLetters) && (kGpt2 ? s[pos] == ' ' : (c0 & kAsciiPrefix) != 0)) {
    // One prefix character (GPT-2: only ' ') and the letters after it. No
    // earlier alternative can match: contractions need a leading
    // apostrophe, which is never a prefix here.
    j = pos + 1;
  } else if ((c0 & kAsciiOther) && !(c0 & kAsciiApostrophe)) {
    // ' ?[^\s\p{L}\p{N}]+' starting with the symbol itself: the letter
    // alternatives failed (no letter after it), the number one too.
    j = pos;
    goto other_run;
  } else if (s[pos] == ' ' && ((c1 & kAsciiOther) || ((c1 & kNonAscii) && general_punctuation_at(s, n, pos + 1)))) {
    // ' ' + symbols: every alternative before the symbol run needs a
    // letter or digit after the space (an apostrophe after it is part of
    // the run: contractions only match at the piece start).
    j = pos + 1;
    goto other_run;
  } else if (c0 & kNonAscii) {
    // General punctuation first: the prefix of a letter piece ("’s",
    // "—the") when ASCII letters follow (not for GPT-2, whose prefix is
    // only ' '), else the start of a symbol run ("”", "…\n").
    if (!general_punctuation_at(s, n, pos)) return 0;
    if constexpr (!kGpt2) {
      if (pos + 3 < n && (kAsciiPiece.c[s[pos + 3]] & kLetters)) {
        j = pos + 3;
        goto letters;
      }
    }
    j = pos;
    goto other_run;
  } else if ((c0 & kAsciiDigit) && !kGpt2) {
    // \p{N}{1,3}: no earlier alternative takes a digit (it is not a
    // prefix, letter or apostrophe). A non-ASCII character after fewer
    // than three digits may be a number that continues the piece.
    j = pos + 1;
    while (j < n && j < pos + 3 && (kAsciiPiece.c[s[j]] & kAsciiDigit)) ++j;
    if (j < n && j < pos + 3 && (kAsciiPiece.c[s[j]] & kNonAscii)) return 0;
    return j;
  } else if (s[pos] == ' ' && (c1 & kAsciiDigit) && !kGpt2) {
    // A space before a number stands alone: the letter, number and symbol
    // alternatives all fail at the space, \s+(?!\S) fails before the
    // digit, and \s+ takes the one space.
    return pos + 1;
  } else if ((c0 & kAsciiNewline) && !kGpt2) {
    // \s*[\r\n]+ over a newline run followed by ASCII that is not white
    // space (or by the end of the text): exactly the run. Other white
    // space after it (or any non-ASCII character, which may be white
    // space) makes the \s* part longer: the full scanner decides.
    j = ascii_class_run_end(s, n, pos + 1, kAsciiNewline);
    if (j < n && s[j] >= 0x80) return 0;
    if (j < n && is_ascii_space(s[j])) return newline_space_run_end(s, n, j);
    return j;
  } else {
    return 0;
  }
letters:
  __attribute__((unused));  // GPT-2 has no jump here (its prefix is only the space)
  // Letters from j. A non-ASCII character after them may be a letter or
  // mark that continues the piece, unless it is general punctuation.
  if constexpr (kFamily == PatternFamily::kO200k) {
    // [A-Z]*[a-z]+ (alternative 1) or, with no lower-case letter, [A-Z]+
    // (alternative 2); an upper-case letter after the lower-case run ends
    // the piece, an apostrophe may start the contraction suffix.
    j = ascii_upper_lower_end(s, n, j);
    if (j < n && (kAsciiPiece.c[s[j]] & (kNonAscii | kAsciiApostrophe)) &&
        !((kAsciiPiece.c[s[j]] & kNonAscii) && general_punctuation_at(s, n, j))) {
      return 0;
    }
    return j;
  } else {
    // cl100k: [^\r\n\p{L}\p{N}]?\p{L}+ ; GPT-2: ' ?\p{L}+'. Both stop at the
    // first non-letter, and case does not matter.
    j = ascii_letter_run_end(s, n, j);
    if (j < n && (kAsciiPiece.c[s[j]] & kNonAscii) && !general_punctuation_at(s, n, j)) return 0;
    return j;
  }
other_run:
  for (;;) {
    j = ascii_class_run_end(s, n, j, kAsciiOther);
    if (j >= n || !(kAsciiPiece.c[s[j]] & kNonAscii)) break;
    if (!general_punctuation_at(s, n, j)) return 0;  // another non-ASCII symbol would continue the run
    j += 3;
  }
  if constexpr (kFamily == PatternFamily::kCl100k) {
    j = ascii_class_run_end(s, n, j, kAsciiNewline);  // [\r\n]*
  } else if constexpr (kFamily == PatternFamily::kO200k) {
    while (j < n && (s[j] == '\r' || s[j] == '\n' || s[j] == '/')) ++j;  // [\r\n/]*
  }
  return j;
}

}  // namespace epubtok::tokenizers::pretok::detail
