// The pieces of count_text(), exposed for tests and benchmarks.
//
// Words are counted by a hybrid of ICU's word BreakIterator (the reference)
// and a hand-written scanner for the common "simple" characters; see
// word_count.cc for why and for the exact contract they share.
#pragma once

#include <cstdint>
#include <string_view>

namespace epubtok::text {

// Number of words in `utf8`: UAX #29 word segments, as ICU's root-locale word
// BreakIterator finds them (with its dictionaries for CJK, Thai, Lao, Khmer
// and Myanmar), that ICU tags as number/letter/kana/ideograph (rule status
// >= UBRK_WORD_NUMBER) AND that contain at least one code point that is
// Alphabetic or a decimal digit (Nd). The second condition drops segments
// ICU 72 tags as letters without any letter in them: "__", "@" alone.
// Ill-formed UTF-8 is read as U+FFFD per maximal ill-formed subsequence, so
// invalid bytes are never part of a word and always separate words.
// Thread-safe: each thread lazily gets its own clone of the ICU iterator.
uint64_t count_words(std::string_view utf8);

// The same count computed by ICU alone over the whole text: the oracle that
// count_words() must equal on every input. Slower; for tests.
uint64_t count_words_icu(std::string_view utf8);

// Whether count_words() classifies c itself rather than handing the text
// around it to ICU. For tests (to prove the fast path is exercised).
bool fast_scanner_handles(char32_t c);

// Code points that are not White_Space (see is_white_space); each byte of an
// ill-formed UTF-8 sequence counts as one. Thread-safe, no allocation.
uint64_t count_chars(std::string_view utf8);

// The Unicode White_Space property (PropList.txt, unchanged since Unicode
// 6.3): U+0009–U+000D, U+0020, U+0085, U+00A0 (NO-BREAK SPACE), U+1680,
// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000. Note that NBSP and
// the narrow NBSP are white space, while ZERO WIDTH SPACE U+200B, ZWNJ, ZWJ,
// WORD JOINER U+2060 and the BOM U+FEFF are not (they are format characters)
// and so count as characters. Equals ICU's u_isUWhiteSpace (tested).
constexpr bool is_white_space(char32_t c) {
  if (c <= 0x20) return c == 0x20 || (c >= 0x09 && c <= 0x0D);
  if (c < 0x85) return false;
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

}  // namespace epubtok::text
