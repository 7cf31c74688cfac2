// Strings designed to break tokenizers, pre-tokenizers and word counters.
#pragma once

#include <string>
#include <vector>

namespace epubtok::test_support {

// A fixed list of a few hundred valid-UTF-8 strings (built once, in the same
// order on every run), covering: white-space runs of every length 0..40 and
// mixes of every White_Space code point around words and at string ends; CR,
// LF and CRLF sequences; zero-width and bidi controls; emoji with skin tones,
// ZWJ sequences, flags and keycaps; combining-mark stacks; Thai, Devanagari,
// Arabic, Hebrew, CJK, Hangul syllables and conjoining jamo; digit runs of
// 1..50 digits with separators; letters+digits; English contractions with '
// and ’ in every case; special-token look-alikes (<|endoftext|>, [CLS], <s>,
// …); one letter of each general category; code points next to the surrogate
// range and at the ends of the code space; precomposed vs decomposed accents;
// NFKC-sensitive compatibility characters; a 1000-letter word; URLs, code,
// Markdown and JSON. Includes the empty string. Never contains invalid UTF-8
// (tests of invalid input build their own). Thread-safe (built on first use).
const std::vector<std::string>& tricky_strings();

}  // namespace epubtok::test_support
