// Differential tests: the hybrid count_words() (hand-written scanner + ICU)
// must equal ICU alone on every input. Cases: every character the scanner
// handles in every context the UAX #29 rules look at, generated prose in all
// languages, the tricky strings, and hundreds of thousands of random strings.
#include "text/word_count.h"

#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/prose.h"
#include "support/random_unicode.h"
#include "support/tricky_strings.h"

namespace epubtok::text {
namespace {

using test_support::append_utf8;
using test_support::random_unicode;
using test_support::RandomUnicodeMode;
using test_support::TestRng;

std::string utf8(char32_t c) {
  std::string s;
  append_utf8(s, c);
  return s;
}

// Reports the first mismatch readably and stops after a few.
class Differ {
 public:
  void check(const std::string& text) {
    ++cases_;
    const uint64_t fast = count_words(text), oracle = count_words_icu(text);
    if (fast != oracle && ++failures_ <= 5) {
      std::string hex;
      for (unsigned char c : text.substr(0, 120)) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%02X ", c);
        hex += buf;
      }
      ADD_FAILURE() << "count_words=" << fast << " ICU=" << oracle << " for \"" << text.substr(0, 200)
                    << "\"\n  bytes: " << hex;
    }
  }
  size_t cases() const { return cases_; }

 private:
  size_t cases_ = 0, failures_ = 0;
};

std::vector<char32_t> handled_chars() {
  std::vector<char32_t> v;
  for (char32_t c = 0; c < 0x3000; ++c)
    if (fast_scanner_handles(c)) v.push_back(c);
  return v;
}

TEST(WordCountTest, FastPathCoversTheCommonCharacters) {
  for (char32_t c : {U'a', U'Z', U'0', U' ', U'\n', U'.', U'\'', U'_', U'@', U':', U'é', U'ß', U'ł', U'ж', U'Ω',
                     U'ệ', U'’', U'“', U'—', U'…', U'\u00A0'})
    EXPECT_TRUE(fast_scanner_handles(c)) << std::hex << static_cast<uint32_t>(c);
  // Combining marks and format characters are handled (WB4), and so are
  // Arabic, Devanagari, Armenian and Georgian.
  // Handled by ICU: ZWJ, emoji, CJK, Thai, Hebrew letters (WB7a–c),
  // Katakana (WB13), regional indicators, Hangul.
  for (char32_t c : {U'\u0301', U'\u00AD', U'\u2060', U'\u200C', U'\u200E'})
    EXPECT_TRUE(fast_scanner_handles(c)) << std::hex << static_cast<uint32_t>(c);
  for (char32_t c : {U'\u0345', U'\u0915', U'\u093E', U'\u094D', U'ب', U'\u064E', U'١', U'ა', U'ա'})
    EXPECT_TRUE(fast_scanner_handles(c)) << std::hex << static_cast<uint32_t>(c);
  for (char32_t c : {U'\u200D', U'😀', U'©', U'中', U'あ', U'ア', U'ก', U'א', U'\U0001F1EB', U'한', U'\u1100'})
    EXPECT_FALSE(fast_scanner_handles(c)) << std::hex << static_cast<uint32_t>(c);
  EXPECT_GT(handled_chars().size(), 1000u);
}

// Every handled character next to letters, digits, connectors and Mid*
// characters, on either side: the contexts of WB5–WB13b.
TEST(WordCountTest, EveryHandledCharacterInEveryRuleContext) {
  const std::vector<char32_t> chars = handled_chars();
  const std::vector<std::string> around = {"a", "Z", "é", "ж", "ب", "1", "٣", "_", "@", ".", "'", ",", "·", ":",
                                           "’", "\u0301", "\u093E", " ", ""};
  Differ d;
  for (char32_t c : chars) {
    const std::string s = utf8(c);
    for (const std::string& l : around) {
      for (const std::string& r : around) {
        d.check(l + s + r);
        d.check("b" + l + s + r + "c");
        d.check("9" + l + s + r + "8");
      }
    }
    d.check(s);
    d.check(s + s);
    d.check(s + s + s);
  }
  EXPECT_GT(d.cases(), 500000u);
}

// All pairs of handled characters, between letters and between digits.
TEST(WordCountTest, AllPairsOfHandledAsciiAndLatin1) {
  std::vector<char32_t> chars;
  for (char32_t c : handled_chars())
    if (c < 0x100 || c == U'’' || c == U'‘' || c == U'\u2024' || c == U'\u2027') chars.push_back(c);
  Differ d;
  for (char32_t x : chars)
    for (char32_t y : chars) {
      const std::string xy = utf8(x) + utf8(y);
      d.check("a" + xy + "b");
      d.check("1" + xy + "2");
    }
  EXPECT_GT(d.cases(), 100000u);
}

TEST(WordCountTest, GeneratedProseInEveryLanguage) {
  Differ d;
  for (const std::string& lang : test_support::prose_languages()) {
    for (uint64_t seed = 0; seed < 30; ++seed) {
      const std::string text = test_support::generate_prose(lang, seed, 400);
      d.check(text);
      // Paragraphs alone, so their edges are exercised too.
      size_t start = 0;
      while (start < text.size()) {
        size_t end = text.find("\n\n", start);
        if (end == std::string::npos) end = text.size();
        d.check(text.substr(start, end - start));
        start = end + 2;
      }
    }
    d.check(test_support::generate_book(1, 300000, lang));
  }
}

TEST(WordCountTest, TrickyStringsAloneAndInContext) {
  Differ d;
  const std::vector<std::string>& tricky = test_support::tricky_strings();
  for (size_t i = 0; i < tricky.size(); ++i) {
    const std::string& s = tricky[i];
    const std::string& next = tricky[(i + 1) % tricky.size()];
    for (const std::string& text : {s, "a" + s + "b", "1" + s + "2", s + " " + next, s + next, "don't " + s + " it's"})
      d.check(text);
  }
}

TEST(WordCountTest, RandomAscii) {
  Differ d;
  for (uint64_t seed = 0; seed < 300000; ++seed) d.check(random_unicode(seed, seed % 24, RandomUnicodeMode::kAscii));
  for (uint64_t seed = 0; seed < 200; ++seed) d.check(random_unicode(seed, 5000, RandomUnicodeMode::kAscii));
}

// Random strings over a small alphabet dense in rule-relevant characters,
// including a few complex ones so pieces switch between the scanner and ICU.
TEST(WordCountTest, RandomRuleDenseStrings) {
  const std::vector<std::string> alphabet = {
      "a", "b", "Z", "é", "ж", "ω", "1", "2", "_", "@", ".", "'", "’", ",", ";", ":", "·", "-", " ", " ", "\n",
      "\r\n", "\t", "\u00A0", "\u2024", "\u2027", "\u202F", "\u0301", "\u200D", "\u00AD", "😀", "中", "ア", "א",
      "\"", "\xFF", "\xE2\x82", "\u200C", "\u200E", "\u0483", "\u0300\u0323", "\u0345", "‿", "\r", "\u2060",
      "क", "\u093E", "\u094D", "ب", "\u064E", "٣", "\u066B", "\u066C", "\u060C", "\u0640", "\u0600"};
  Differ d;
  TestRng rng(2024);
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    const uint64_t len = rng.below(16);
    for (uint64_t k = 0; k < len; ++k) s += alphabet[rng.below(alphabet.size())];
    d.check(s);
  }
}

TEST(WordCountTest, RandomUnicode) {
  Differ d;
  for (uint64_t seed = 0; seed < 20000; ++seed) {
    d.check(random_unicode(seed, seed % 40, RandomUnicodeMode::kAnyScalar));
    d.check(random_unicode(seed, seed % 60, RandomUnicodeMode::kMixedScriptWords));
  }
  for (uint64_t seed = 0; seed < 20; ++seed) {
    d.check(random_unicode(seed, 20000, RandomUnicodeMode::kAnyScalar));
    d.check(random_unicode(seed, 20000, RandomUnicodeMode::kMixedScriptWords));
  }
}

TEST(WordCountTest, RandomBytes) {
  Differ d;
  TestRng rng(7);
  for (int i = 0; i < 50000; ++i) {
    std::string s;
    const uint64_t len = rng.below(20);
    for (uint64_t k = 0; k < len; ++k) {
      // Mostly bytes that matter to UTF-8: ASCII letters/space, lead and
      // continuation bytes.
      static constexpr unsigned char kBytes[] = {'a', 'b', '1', ' ', '.', '\'', 0x80, 0xBF, 0xC2, 0xC3, 0xA9,
                                                 0xE2, 0x80, 0x99, 0xED, 0xA0, 0xF0, 0x9F, 0xF4, 0x90, 0xFF, 0xC0};
      s.push_back(static_cast<char>(kBytes[rng.below(sizeof kBytes)]));
    }
    d.check(s);
  }
}

// Long inputs that stress the piece logic: no white space at all, a complex
// character at the very end of a long simple run, alternating scripts.
TEST(WordCountTest, PathologicalShapes) {
  Differ d;
  d.check(std::string(1 << 20, 'a'));
  d.check(std::string(1 << 20, 'a') + "\u0301");
  d.check(std::string(100000, ' ') + "😀");
  std::string alternating;
  for (int i = 0; i < 20000; ++i) alternating += i % 2 ? "word " : "слово\u0301 ";
  d.check(alternating);
  std::string no_space;
  for (int i = 0; i < 20000; ++i) no_space += i % 3 ? "abc.def'" : "中文";
  d.check(no_space);
  std::string digits;
  for (int i = 0; i < 100000; ++i) digits += static_cast<char>('0' + i % 10);
  d.check(digits);
  d.check(digits + "," + digits + ".5");
  // Longer than one ICU piece (4 MB) and one ICU region (1 MB): the cuts at
  // white space must not change the count; and a 5 MB word ICU must take in
  // one piece.
  d.check(test_support::generate_book(3, 9 << 20, "zh"));
  d.check(std::string(5 << 20, 'a') + "\u0301 b \u0301c");
}

}  // namespace
}  // namespace epubtok::text
