// Words and characters of a UTF-8 text.
#pragma once

#include <cstdint>
#include <string_view>

namespace epubtok::text {

struct TextStats {
  uint64_t words = 0;  // UAX #29 word segments containing a letter or digit
                       // (CJK and Thai segmented by ICU's dictionaries)
  uint64_t chars = 0;  // code points that are not white space
};

// Counts words and characters. Thread-safe (per-thread ICU iterators).
// Invalid UTF-8 bytes count as one character each and never as words.
//
// Exactly (see text/word_count.h for the pieces):
//  - words: the segments of ICU's root-locale word BreakIterator (UAX #29
//    plus ICU's dictionaries for Chinese, Japanese, Thai, Lao, Khmer,
//    Myanmar) whose rule status is >= UBRK_WORD_NUMBER and which contain at
//    least one Alphabetic or decimal-digit code point. So "don't", "3.14",
//    "1,000", "U.S.A", "l'homme", "user@example.com" are one word each;
//    "co-op" is two; emoji, punctuation, "__" and a lone "@" are none.
//    An invalid byte separates words.
//  - chars: code points without the Unicode White_Space property (so NBSP
//    U+00A0 and U+3000 are not counted; ZERO WIDTH SPACE U+200B, ZWJ and the
//    BOM are), plus one per byte of ill-formed UTF-8.
// Runs in time linear in the input; never fails (a broken ICU data library
// aborts the process, as no count would be meaningful).
TextStats count_text(std::string_view utf8);

}  // namespace epubtok::text
