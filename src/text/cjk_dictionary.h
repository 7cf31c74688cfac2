// The Chinese/Japanese word count of ICU's dictionary break engine, computed
// without ICU's break iterator for the text where that is provably the same.
//
// ICU's word BreakIterator hands every run of kana and kanji to its
// CjkBreakEngine, which picks the segmentation of least total cost over the
// words of ICU's own "cjdict" dictionary (plus a cost per Katakana run).
// count_words() spends most of its time on Chinese and Japanese there, and a
// good part of it in ICU's general machinery around the engine (rule
// automaton, UText access, normalisation checks, boundary caches). This
// module runs the same minimisation over the same dictionary data, read from
// ICU's data library, for the runs where ICU's result depends on nothing but
// the run itself; count_words() gives everything else to ICU as before.
// word_count_test checks it against ICU on every character class involved,
// generated prose and random strings.
#pragma once

#include <cstdint>
#include <string_view>

namespace epubtok::text::cjk {

// What a BMP code point is to the dictionary fast path.
enum CharClass : uint8_t {
  // Anything else: text containing it goes to ICU.
  kNeither = 0,
  // A kana or kanji that ICU's rules chain into a dictionary range and its
  // CJK engine takes, that is NFKC_Quick_Check=Yes with combining class 0 (so the engine never normalises),
  // Alphabetic (so every segment is a word) and that ICU tags as a
  // kana/ideograph word even alone (rule status 400).
  kKanaKanji = 1,
  // Punctuation or white space that no word-break rule joins to a kana or
  // kanji on either side, and that is never part of a word: a hard boundary
  // on both sides, so a run of kKanaKanji between two of them is exactly one
  // dictionary range of ICU's.
  kDelimiter = 2,
};

// The CharClass of every BMP code point (supplementary ones are kNeither),
// built from ICU's property data on first use; valid for the process's
// lifetime. Thread-safe.
const uint8_t* class_table();

// Number of words ICU's CJK engine finds in `run`: a UTF-16 string of
// kKanaKanji characters (as a word iterator that has already met a kanji
// counts them; see ThreadIcu in word_count.cc). Every segment of
// such a run is a counted word, so this is the number of segments of the
// least-cost segmentation. Thread-safe (scratch space is per thread); the
// dictionary is loaded from ICU's data on first use and aborts the process
// if ICU's data library lacks it (an installation error, as in word_count).
uint64_t count_run_words(std::u16string_view run);

}  // namespace epubtok::text::cjk
