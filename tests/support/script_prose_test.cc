// Tests of generate_script_book() and generate_whitespace_book(), the
// single-pass benchmark's texts: determinism, validity, each language's
// script, a vocabulary that keeps growing, word lengths, the Devanagari
// hazards, no repetition, and the white-space runs. ICU judges scripts and
// word boundaries independently of the generators.
#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "support/prose.h"

namespace epubtok::test_support {
namespace {

bool decode(std::string_view s, std::vector<UChar32>* out) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return false;
    out->push_back(c);
  }
  return true;
}

// The generated texts, made once per test program (1 MB per language).
const std::string& book(const std::string& lang) {
  static std::map<std::string, std::string> books;
  std::string& b = books[lang];
  if (b.empty()) b = generate_script_book(7, 1000000, lang);
  return b;
}

// ICU's words (rule status other than "none"): distinct words of the first
// `bytes` bytes (cut at a line) and their mean length in code points.
struct Words {
  size_t distinct = 0;
  double mean_length = 0;
};

Words icu_words(std::string_view text, size_t bytes) {
  text = text.substr(0, text.rfind('\n', bytes));
  const icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  EXPECT_TRUE(U_SUCCESS(status));
  it->setText(u);
  std::set<icu::UnicodeString> seen;
  size_t words = 0, length = 0;
  for (int32_t start = it->first(), end = it->next(); end != icu::BreakIterator::DONE; start = end, end = it->next()) {
    if (it->getRuleStatus() == UBRK_WORD_NONE || it->getRuleStatus() == UBRK_WORD_NUMBER) continue;
    icu::UnicodeString w = u.tempSubStringBetween(start, end);
    length += static_cast<size_t>(w.countChar32());
    ++words;
    seen.insert(w);
  }
  return {seen.size(), words ? static_cast<double>(length) / static_cast<double>(words) : 0};
}

TEST(ScriptBookTest, LanguagesAreTheIssuesScripts) {
  const std::vector<std::string> langs = script_book_languages();
  const std::set<std::string> got(langs.begin(), langs.end());
  const std::set<std::string> want = {"en", "fr", "de", "ru", "el", "ar", "he",
                                      "hi", "sa", "bn", "th", "zh", "ja", "ko"};
  EXPECT_EQ(got, want);
  EXPECT_EQ(langs.size(), want.size());
  EXPECT_THROW(generate_script_book(1, 100, "xx"), std::invalid_argument);
}

TEST(ScriptBookTest, DeterministicSizedValidUtf8) {
  for (const std::string& lang : script_book_languages()) {
    const std::string a = generate_script_book(3, 200000, lang);
    EXPECT_EQ(a, generate_script_book(3, 200000, lang)) << lang;
    EXPECT_NE(a, generate_script_book(4, 200000, lang)) << lang;
    EXPECT_GE(a.size(), 200000u) << lang;
    EXPECT_LT(a.size(), 200000u + 16384u) << lang;
    std::vector<UChar32> cps;
    EXPECT_TRUE(decode(a, &cps)) << lang;
    EXPECT_FALSE(a.back() == '\n' || a.back() == ' ') << lang;
  }
}

TEST(ScriptBookTest, LettersAreInTheLanguagesScript) {
  const std::map<std::string, std::set<UScriptCode>> want = {{"en", {USCRIPT_LATIN}},
                                                             {"fr", {USCRIPT_LATIN}},
                                                             {"de", {USCRIPT_LATIN}},
                                                             {"ru", {USCRIPT_CYRILLIC}},
                                                             {"el", {USCRIPT_GREEK}},
                                                             {"ar", {USCRIPT_ARABIC}},
                                                             {"he", {USCRIPT_HEBREW}},
                                                             {"hi", {USCRIPT_DEVANAGARI}},
                                                             {"sa", {USCRIPT_DEVANAGARI}},
                                                             {"bn", {USCRIPT_BENGALI}},
                                                             {"th", {USCRIPT_THAI}},
                                                             {"zh", {USCRIPT_HAN}},
                                                             {"ja", {USCRIPT_HAN, USCRIPT_HIRAGANA, USCRIPT_KATAKANA}},
                                                             {"ko", {USCRIPT_HANGUL}}};
  for (const std::string& lang : script_book_languages()) {
    std::vector<UChar32> cps;
    ASSERT_TRUE(decode(book(lang), &cps)) << lang;
    size_t letters = 0, in_script = 0, unassigned = 0;
    for (UChar32 c : cps) {
      if (u_charType(c) == U_UNASSIGNED) ++unassigned;
      if (!u_isalpha(c)) continue;
      ++letters;
      UErrorCode status = U_ZERO_ERROR;
      if (want.at(lang).count(uscript_getScript(c, &status))) ++in_script;
    }
    EXPECT_EQ(unassigned, 0u) << lang;
    EXPECT_GT(letters, 100000u) << lang;
    EXPECT_GE(static_cast<double>(in_script), 0.97 * static_cast<double>(letters)) << lang;
  }
}

TEST(ScriptBookTest, VocabularyKeepsGrowingAndWordsHaveRealisticLengths) {
  std::map<std::string, double> mean;
  for (const std::string& lang : script_book_languages()) {
    const Words small = icu_words(book(lang), 200000);
    const Words large = icu_words(book(lang), 1000000);
    // Several thousand distinct words in 200 KB, and many new ones in the
    // next 800 KB (a text of a few hundred words repeated would not grow).
    // ICU cuts Chinese and Japanese with its dictionary, into single
    // characters where it knows no word, so there it counts fewer "words".
    const bool han = lang == "zh" || lang == "ja";
    EXPECT_GT(small.distinct, han ? 2000u : 4000u) << lang;
    EXPECT_GT(static_cast<double>(large.distinct), (han ? 1.3 : 2.0) * static_cast<double>(small.distinct)) << lang;
    mean[lang] = large.mean_length;
  }
  for (const char* lang : {"en", "fr", "ru", "el", "de", "hi", "bn", "ko"}) {
    EXPECT_GT(mean[lang], 2.5) << lang;
    EXPECT_LT(mean[lang], 9.0) << lang;
  }
  // Sanskrit compounds are long: well above Hindi's words.
  EXPECT_GT(mean["sa"], 1.6 * mean["hi"]);
}

TEST(ScriptBookTest, NoPassageRepeats) {
  for (const std::string& lang : script_book_languages()) {
    const std::string& b = book(lang);
    const std::string_view first_half = std::string_view(b).substr(0, b.size() / 2);
    for (size_t k = 0; k < 20; ++k) {
      const size_t at = b.size() / 2 + k * (b.size() / 45);
      const std::string_view window = std::string_view(b).substr(at, 160);
      EXPECT_EQ(first_half.find(window), std::string_view::npos) << lang << " at " << at;
    }
  }
}

TEST(ScriptBookTest, SanskritHasTheDevanagariHazards) {
  const std::string& sa = book("sa");
  std::vector<UChar32> cps;
  ASSERT_TRUE(decode(sa, &cps));
  size_t devanagari = 0, marks = 0, virama = 0;
  for (UChar32 c : cps) {
    if (c < 0x0900 || c > 0x097F) continue;
    ++devanagari;
    if (u_charType(c) == U_NON_SPACING_MARK || u_charType(c) == U_COMBINING_SPACING_MARK) ++marks;
    if (c == 0x094D) ++virama;
  }
  EXPECT_GT(static_cast<double>(marks), 0.30 * static_cast<double>(devanagari));
  EXPECT_GT(static_cast<double>(virama), 0.05 * static_cast<double>(devanagari));
  for (const char* s : {"ऽ", "॥", "ः", "ं", "ँ", "्", "।", "०"}) EXPECT_NE(sa.find(s), std::string::npos) << s;
}

TEST(WhitespaceBookTest, LongMixedRunsOfSpacesAndNewlines) {
  const std::string w = generate_whitespace_book(5, 1000000);
  EXPECT_EQ(w, generate_whitespace_book(5, 1000000));
  EXPECT_NE(w, generate_whitespace_book(6, 1000000));
  EXPECT_GE(w.size(), 1000000u);
  std::vector<UChar32> cps;
  EXPECT_TRUE(decode(w, &cps));
  size_t blank = 0, runs_of_24 = 0, run = 0;
  bool run_has_newline = false;
  for (char c : w) {
    if (c == ' ' || c == '\n' || c == '\t') {
      ++blank;
      ++run;
      run_has_newline |= c == '\n';
      continue;
    }
    if (run >= 24 && run_has_newline) ++runs_of_24;
    run = 0;
    run_has_newline = false;
  }
  EXPECT_GT(static_cast<double>(blank), 0.45 * static_cast<double>(w.size()));
  EXPECT_GT(runs_of_24, 5000u);
  for (const char* s : {"<math", "<mi>", "</mfrac>", "\t", "{"}) EXPECT_NE(w.find(s), std::string::npos) << s;
}

}  // namespace
}  // namespace epubtok::test_support
