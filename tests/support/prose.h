// Deterministic, made-up prose in many languages, for tests, parity checks,
// fixtures and benchmarks.
//
// The text is generated from small word lists written for this project (no
// text from elsewhere), so it is grammatical only by accident; what matters is
// that it has the statistics and the hazards of real books: each language's
// script and punctuation, paragraphs, quotes, dashes, ellipses, numbers,
// contractions, capitalisation, occasional emoji. Same (language, seed, size)
// → same bytes, on every machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace epubtok::test_support {

// The supported language codes: en fr de es ru el ja zh ko ar he hi th vi tr pl.
std::vector<std::string> prose_languages();

// Returns about approx_words words (±1 sentence) of prose in `language`, as
// valid UTF-8: sentences with the language's punctuation, paragraphs separated
// by "\n\n", no leading or trailing white space. Japanese, Chinese and Thai
// are written without spaces between words, as in real text, so "words" there
// means generator word units. approx_words == 0 gives "".
// Throws std::invalid_argument for a language not in prose_languages().
// Thread-safe.
std::string generate_prose(std::string_view language, uint64_t seed, size_t approx_words);

// Book-length text (at least approx_bytes bytes, at most a paragraph more):
// chapter headings ("Chapter 7", "第7章", …) followed by paragraphs, all
// separated by "\n\n". Fast (well above 50 MB/s) so benchmarks can make tens
// of MB on the fly. Throws std::invalid_argument for an unknown language.
// Thread-safe.
std::string generate_book(uint64_t seed, size_t approx_bytes, std::string_view language = "en");

// Like generate_book(), but about 45% of the words come from a synthetic
// lexicon of 20,000 pseudo-words per language (spliced from the word list,
// same script and letters) drawn by Zipf's law, so the number of distinct
// words keeps growing with length as in real books (generate_book() has a
// few hundred). Use it where caches keyed by words or pieces would make the
// small-vocabulary text unrealistically fast. The first call per language
// builds the lexicon (~tens of ms). Throws std::invalid_argument for an
// unknown language. Thread-safe.
std::string generate_book_zipf(uint64_t seed, size_t approx_bytes, std::string_view language = "en");

// ---- Novel-like English with a realistic vocabulary ----------------------
//
// generate_novel() writes English-looking book text whose statistics are
// those of a real novel rather than of a phrase book: ~150 common function
// words and contractions, then tens of thousands of pseudo-words built from
// English-like syllables, all drawn by a Zipf-Mandelbrot law, so a 1.2 MB
// book holds ~15-20k distinct words (Moby-Dick: ~17k) and the count keeps
// growing with length. It has what real books put around their words:
// curly quotes and apostrophes (dialogue “…”, nested ‘…’, possessive ’s,
// contractions, a few straight ones), em-dashes joined to words, hyphenated
// compounds, capitalised names, chapter headings in capitals, numbers
// (years, counts, ordinals, "1,000"), semicolons, parentheses, one
// paragraph per line. Benchmarks use it where piece caches, branch
// predictors and CPU caches would find the small-vocabulary generators
// unrealistically easy. Same (seed, size) -> same bytes on every machine;
// the vocabulary does not depend on the seed. At least approx_bytes bytes
// (at most a paragraph more), valid UTF-8, no trailing white space.
// Thread-safe (builds its lexicon per call, ~20 ms).
std::string generate_novel(uint64_t seed, size_t approx_bytes);

// ---- Book-like text per script, for the single-pass benchmarks -------
//
// The languages of generate_script_book(): en fr de ru el ar he hi sa bn th
// zh ja ko (sa: Sanskrit in Devanagari; bn: Bengali).
std::vector<std::string> script_book_languages();

// Book text in `language`, at least approx_bytes bytes (at most a
// paragraph more), one paragraph per line, chapter headings on their own
// lines, valid UTF-8, no trailing white space. Unlike generate_book(), the
// words are built from the script's own syllables (Indic conjuncts with
// virama, vowel signs, anusvara/visarga; Thai tone marks and pre-vowels;
// Arabic and Hebrew roots in patterns with prefixes and final forms; Hangul
// syllables with particles; a Han inventory of 3,500 characters with a rare
// tail; kana and kanji for Japanese) into a lexicon of 80,000 words per
// language drawn by a Zipf-Mandelbrot law, so the number of distinct words
// keeps growing over many MB and rarer words are longer. Sanskrit is written
// as verses of long compounds (avagraha, danda, double danda with verse
// numbers); Thai, Chinese and Japanese put no spaces between words. "en"
// is generate_novel(). Same (seed, size, language) -> same bytes; the
// lexicon does not depend on the seed (the first call per language builds
// it, ~0.1 s). Throws std::invalid_argument for another language.
// Thread-safe.
std::string generate_script_book(uint64_t seed, size_t approx_bytes, std::string_view language);

// White-space-heavy book text, at least approx_bytes bytes: pretty-printed
// XHTML with MathML both as markup and as text extraction keeps it (each
// token on an indented line, empty indented lines where elements were),
// indented code (spaces and tabs, blank lines that keep their indentation)
// and poetry with staggered indentation and gaps inside lines. Long runs of
// mixed spaces and newlines are the point. Same (seed, size) -> same bytes.
std::string generate_whitespace_book(uint64_t seed, size_t approx_bytes);

namespace detail {
// The simple upper-casing the generator applies to the letters of its word
// lists (Turkish dotted/dotless i when `turkish`). Exposed only so the tests
// can compare it with ICU; not for other uses.
char32_t prose_upper(char32_t c, bool turkish);
}  // namespace detail

}  // namespace epubtok::test_support
