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
#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>

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

// ---- Novel-like English with a realistic vocabulary (header-only) ---------
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
namespace novel_detail {

// splitmix64: small, fast and fully specified, so the text is the same
// with every standard library.
struct NovelRng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }
  bool chance(unsigned per_10000) { return below(10000) < per_10000; }
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
};

struct NovelLexicon {
  std::vector<std::string> words;  // by rank, most frequent first
  std::vector<double> cumulative;  // Zipf-Mandelbrot weights, cumulative
  std::vector<std::string> names;  // capitalised, also Zipf-drawn
  std::vector<double> name_cumulative;
};

inline NovelLexicon build_novel_lexicon() {
  static const char* const kCommon[] = {
      "the", "of", "and", "a", "to", "in", "that", "his", "it", "I", "he", "but", "as", "is", "with", "was",
      "for", "all", "this", "at", "by", "not", "from", "him", "so", "on", "be", "one", "you", "there", "now",
      "had", "have", "or", "were", "they", "which", "like", "me", "then", "their", "some", "what", "when",
      "are", "my", "no", "into", "upon", "out", "more", "up", "if", "them", "only", "would", "been", "its",
      "who", "over", "man", "old", "such", "these", "other", "than", "her", "she", "said", "down", "very",
      "we", "your", "could", "about", "any", "long", "before", "those", "here", "after", "little", "where",
      "must", "great", "though", "still", "see", "did", "can", "way", "sea", "time", "day", "thought",
      "our", "well", "again", "might", "should", "yet", "ever", "head", "hand", "while", "through", "last",
      "same", "never", "much", "how", "every", "three", "two", "first", "why", "let", "most", "away", "seemed",
      "don’t", "it’s", "I’m", "I’ll", "can’t", "won’t", "that’s", "there’s", "he’s", "we’ll", "you’re",
      "didn’t", "isn’t", "I’ve", "she’d", "o’er", "ne’er", "'tis", "don't", "it's"};
  static const char* const kOnsets[] = {"",   "b",  "c",  "d",  "f",  "g",  "h",  "j",  "k",  "l",  "m",
                                        "n",  "p",  "qu", "r",  "s",  "t",  "v",  "w",  "y",  "z",  "th",
                                        "sh", "ch", "wh", "st", "str", "br", "cr", "dr", "fl", "gr", "pl",
                                        "pr", "sl", "sp", "tr", "sc", "bl", "cl", "gl", "sw", "wr", "kn"};
  static const char* const kVowels[] = {"a",  "e",  "i",  "o",  "u",  "a",  "e",  "i",  "o",  "ea", "ou",
                                        "ai", "ee", "oo", "ie", "oa", "au", "y",  "ei", "ue", "ow", "e"};
  static const char* const kCodas[] = {"",   "",   "",   "n",  "r",  "s",  "t",  "l",  "d",  "m",   "ng",
                                       "st", "ck", "rd", "nd", "ll", "ght", "rn", "th", "ss", "nt", "rk",
                                       "ld", "x",  "sh", "ch", "p",  "mp", "ft", "lt"};
  static const char* const kSuffixes[] = {"", "", "", "", "", "s", "s", "ed", "ing", "ly", "er", "ness", "tion",
                                          "ful", "less", "est", "ment", "ish", "ous", "able"};
  NovelLexicon lex;
  NovelRng rng{0x6E6F76656Cull};
  std::set<std::string> seen;
  for (const char* w : kCommon) {
    lex.words.emplace_back(w);
    seen.insert(w);
  }
  constexpr size_t kVocabulary = 40000;
  auto pick = [&rng](const auto& table) { return table[rng.below(std::size(table))]; };
  // Syllable counts rise with rank, so frequent words are short, as in
  // English (mean word length in running text ~4.4 letters).
  while (lex.words.size() < kVocabulary) {
    const size_t rank = lex.words.size();
    const size_t max_syllables = rank < 1000 ? 1 : rank < 8000 ? 2 : 3;
    const size_t syllables = 1 + rng.below(max_syllables);
    std::string w;
    for (size_t k = 0; k < syllables; ++k) {
      w += pick(kOnsets);
      w += pick(kVowels);
      if (k + 1 == syllables || rng.chance(3000)) w += pick(kCodas);
    }
    if (rank > 400 && rng.chance(3500)) w += pick(kSuffixes);
    if (w.size() < 2 || w.size() > 18 || !seen.insert(w).second) continue;
    lex.words.push_back(std::move(w));
  }
  while (lex.names.size() < 400) {
    std::string n;
    const size_t syllables = 2 + rng.below(2);
    for (size_t k = 0; k < syllables; ++k) {
      n += pick(kOnsets);
      n += pick(kVowels);
    }
    n += pick(kCodas);
    n[0] = static_cast<char>(n[0] >= 'a' && n[0] <= 'z' ? n[0] - 32 : n[0]);
    if (n.size() < 3 || !seen.insert(n).second) continue;
    lex.names.push_back(std::move(n));
  }
  // Weights 1 / (rank + offset)^(1 + 1/8 + 1/16): the exponent that gives
  // ~17-20k distinct words per 220k, as in Moby-Dick, computed with sqrt
  // (correctly rounded everywhere, unlike pow) so the text is portable.
  auto zipf = [](size_t n, double offset, std::vector<double>& cumulative) {
    double sum = 0;
    for (size_t r = 0; r < n; ++r) {
      const double x = static_cast<double>(r) + offset;
      const double root8 = std::sqrt(std::sqrt(std::sqrt(x)));
      sum += 1.0 / (x * root8 * std::sqrt(root8));
      cumulative.push_back(sum);
    }
    for (double& c : cumulative) c /= sum;
  };
  zipf(lex.words.size(), 2.7, lex.cumulative);
  zipf(lex.names.size(), 1.5, lex.name_cumulative);
  return lex;
}

inline size_t draw(NovelRng& rng, const std::vector<double>& cumulative) {
  const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), rng.unit());
  return it == cumulative.end() ? cumulative.size() - 1 : static_cast<size_t>(it - cumulative.begin());
}

inline void append_number(NovelRng& rng, std::string& out) {
  switch (rng.below(5)) {
    case 0: out += std::to_string(1700 + rng.below(260)); break;  // a year
    case 1: out += std::to_string(1 + rng.below(99)); break;
    case 2: {
      const uint64_t n = 1 + rng.below(30);
      out += std::to_string(n);
      out += n % 10 == 1 && n != 11 ? "st" : n % 10 == 2 && n != 12 ? "nd" : n % 10 == 3 && n != 13 ? "rd" : "th";
      break;
    }
    case 3: out += std::to_string(1 + rng.below(9)) + "," + std::to_string(100 + rng.below(900)); break;
    default: out += std::to_string(rng.below(1000)); break;
  }
}

// One sentence, capitalised, with its closing punctuation.
inline void append_sentence(NovelRng& rng, const NovelLexicon& lex, std::string& out, bool in_dialogue) {
  const size_t words = 3 + rng.below(12) + rng.below(14);
  bool capital = true;
  for (size_t i = 0; i < words; ++i) {
    if (i > 0) out += ' ';
    if (rng.chance(250)) {
      out += lex.names[draw(rng, lex.name_cumulative)];
    } else if (rng.chance(40)) {
      append_number(rng, out);
    } else {
      std::string w = lex.words[draw(rng, lex.cumulative)];
      if (rng.chance(20)) {
        for (char& c : w) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);  // emphasis in capitals
      } else if (capital && w[0] >= 'a' && w[0] <= 'z') {
        w[0] = static_cast<char>(w[0] - 32);
      }
      out += w;
      if (rng.chance(150) && w.size() > 3) out += rng.chance(9000) ? "’s" : "'s";
      if (rng.chance(80) && i + 1 < words) {  // hyphenated compound
        out += '-';
        out += lex.words[draw(rng, lex.cumulative)];
      }
    }
    capital = false;
    if (i + 1 == words) break;
    if (rng.chance(120)) {  // em-dash joined to both words, as typeset
      out += "—";
      out += lex.words[draw(rng, lex.cumulative)];
    }
    if (rng.chance(900)) {
      out += ',';
    } else if (rng.chance(100)) {
      out += ';';
    } else if (rng.chance(30)) {
      out += ':';
    } else if (rng.chance(25)) {
      out += " (";
      out += lex.words[draw(rng, lex.cumulative)];
      out += ' ';
      out += lex.words[draw(rng, lex.cumulative)];
      out += ')';
    } else if (in_dialogue && rng.chance(40)) {
      out += " ‘";
      out += lex.words[draw(rng, lex.cumulative)];
      out += "!’";
    }
  }
  const uint64_t end = rng.below(100);
  out += end < 78 ? "." : end < 88 ? "!" : end < 97 ? "?" : end < 99 ? "…" : "—";
}

}  // namespace novel_detail

inline std::string generate_novel(uint64_t seed, size_t approx_bytes) {
  using namespace novel_detail;
  const NovelLexicon lex = build_novel_lexicon();
  NovelRng rng{seed * 0x2545F4914F6CDD1Dull + 0x6E6F76};
  std::string out;
  out.reserve(approx_bytes + 4096);
  size_t chapter = 0;
  size_t until_chapter = 0;
  while (out.size() < approx_bytes) {
    if (until_chapter == 0) {
      if (!out.empty()) out += '\n';
      out += "CHAPTER " + std::to_string(++chapter) + ". ";
      const size_t title = 1 + rng.below(4);
      for (size_t i = 0; i < title; ++i) {
        std::string w = lex.words[draw(rng, lex.cumulative)];
        for (char& c : w) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
        if (i > 0) out += ' ';
        out += w;
      }
      out += ".\n";
      until_chapter = 15 + rng.below(30);
    }
    --until_chapter;
    if (rng.chance(3000)) {
      // Dialogue: “Sentence,” said Name. “Sentence.”
      out += "“";
      append_sentence(rng, lex, out, true);
      if (out.back() == '.' && rng.chance(5000)) {
        out.back() = ',';
        out += "” said ";
        out += lex.names[draw(rng, lex.name_cumulative)];
        out += ". “";
        append_sentence(rng, lex, out, true);
      }
      out += "”";
    } else {
      const size_t sentences = 1 + rng.below(6);
      for (size_t i = 0; i < sentences; ++i) {
        if (i > 0) out += ' ';
        append_sentence(rng, lex, out, false);
      }
    }
    out += '\n';
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

namespace detail {
// The simple upper-casing the generator applies to the letters of its word
// lists (Turkish dotted/dotless i when `turkish`). Exposed only so the tests
// can compare it with ICU; not for other uses.
char32_t prose_upper(char32_t c, bool turkish);
}  // namespace detail

}  // namespace epubtok::test_support
