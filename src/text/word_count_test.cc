// Differential tests: the hybrid count_words() (hand-written scanner + ICU)
// must equal ICU alone on every input. Cases: every character the scanner
// handles in every context the UAX #29 rules look at, generated prose in all
// languages, the tricky strings, and hundreds of thousands of random strings.
#include "text/word_count.h"

#include "text/cjk_dictionary.h"

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <unicode/ucharstrie.h>
#include <unicode/udata.h>
#include <unicode/unistr.h>

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
  for (char32_t c : {U'a', U'Z', U'0', U' ', U'\n', U'.', U'\'', U'_', U'@', U':',     U'é',
                     U'ß', U'ł', U'ж', U'Ω', U'ệ',  U'’', U'“',  U'—', U'…', U'\u00A0'})
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
  const std::vector<std::string> around = {"a", "Z", "é", "ж", "ب", "1",      "٣",      "_", "@", ".",
                                           "'", ",", "·", ":", "’", "\u0301", "\u093E", " ", ""};
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
  const std::vector<std::string> alphabet = {"a",
                                             "b",
                                             "Z",
                                             "é",
                                             "ж",
                                             "ω",
                                             "1",
                                             "2",
                                             "_",
                                             "@",
                                             ".",
                                             "'",
                                             "’",
                                             ",",
                                             ";",
                                             ":",
                                             "·",
                                             "-",
                                             " ",
                                             " ",
                                             "\n",
                                             "\r\n",
                                             "\t",
                                             "\u00A0",
                                             "\u2024",
                                             "\u2027",
                                             "\u202F",
                                             "\u0301",
                                             "\u200D",
                                             "\u00AD",
                                             "😀",
                                             "中",
                                             "ア",
                                             "א",
                                             "\"",
                                             "\xFF",
                                             "\xE2\x82",
                                             "\u200C",
                                             "\u200E",
                                             "\u0483",
                                             "\u0300\u0323",
                                             "\u0345",
                                             "‿",
                                             "\r",
                                             "\u2060",
                                             "क",
                                             "\u093E",
                                             "\u094D",
                                             "ب",
                                             "\u064E",
                                             "٣",
                                             "\u066B",
                                             "\u066C",
                                             "\u060C",
                                             "\u0640",
                                             "\u0600"};
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
      static constexpr unsigned char kBytes[] = {'a',  'b',  '1',  ' ',  '.',  '\'', 0x80, 0xBF, 0xC2, 0xC3, 0xA9,
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

// ---- The CJK dictionary path (cjk_dictionary.h): runs of kana and kanji
// between delimiters are counted without ICU's break iterator.

std::vector<char32_t> chars_of_class(uint8_t kind) {
  std::vector<char32_t> v;
  const uint8_t* table = cjk::class_table();
  for (char32_t c = 0; c < 0x10000; ++c)
    if ((table[c] & (cjk::kKanaKanji | cjk::kDelimiter)) == kind) v.push_back(c);
  return v;
}

TEST(CjkDictionaryTest, ClassTableMarksTheCommonCharacters) {
  const uint8_t* table = cjk::class_table();
  // (ゞ and ヾ have canonical decompositions but are NFKC_Quick_Check=Yes:
  // composed is their normal form.)
  for (char32_t c :
       {U'中', U'国', U'語', U'〇', U'あ', U'ん', U'を', U'ア', U'ン', U'ヴ', U'ゞ', U'ヾ', U'\u3400', U'\u9FFF'})
    EXPECT_EQ(table[c], cjk::kKanaKanji) << std::hex << static_cast<uint32_t>(c);
  EXPECT_EQ(table[U'ー'], cjk::kKanaKanji);
  for (char32_t c : {U'。', U'、', U'「',     U'」', U'『', U'』', U'！', U'？', U'（', U'）', U'…', U'—', U'・',
                     U'，', U'：', U'\u3000', U' ',  U'\n', U'\r', U'.',  U',',  U'\'', U'"',  U'“', U'’'})
    EXPECT_EQ(table[c], cjk::kDelimiter) << std::hex << static_cast<uint32_t>(c);
  // Not on the fast path: characters that normalise (ゟ, halfwidth ｱ,
  // compatibility ideographs), that the rules attach elsewhere (voicing marks
  // and variation selectors are Extend, ＿ is ExtendNumLet), that are Han but
  // not ideographs (々, radicals), letters, digits and emoji.
  for (char32_t c : {U'ゟ', U'ヿ', U'ｱ',  U'\uF900', U'\u3099', U'\u309A', U'\uFE00', U'＿',     U'_', U'々', U'\u2F00',
                     U'a',  U'1',  U'１', U'Ａ',     U'한',     U'ก',      U'\u200D', U'\u00AD', U'©', U'#'})
    EXPECT_EQ(table[c], cjk::kNeither) << std::hex << static_cast<uint32_t>(c);
  EXPECT_GT(chars_of_class(cjk::kKanaKanji).size(), 27000u);
  EXPECT_GT(chars_of_class(cjk::kDelimiter).size(), 500u);
}

// count_run_words() is the engine itself: on a run between delimiters it
// must give ICU's count, for runs from real-looking prose and random ones.
TEST(CjkDictionaryTest, RunCountsEqualIcuOnRuns) {
  const std::vector<char32_t> kana_kanji = chars_of_class(cjk::kKanaKanji);
  TestRng rng(31);
  size_t checked = 0;
  for (const char* lang : {"zh", "ja"}) {
    const std::string text = test_support::generate_book(5, 200000, lang);
    std::u16string run;
    std::string run_utf8;
    auto flush = [&] {
      if (!run.empty()) {
        ASSERT_EQ(cjk::count_run_words(run), count_words_icu("\n" + run_utf8 + "\n")) << run_utf8;
        ++checked;
      }
      run.clear();
      run_utf8.clear();
    };
    for (size_t i = 0; i < text.size();) {
      char32_t c = static_cast<unsigned char>(text[i]);
      size_t len = 1;
      if (c >= 0xE0 && c < 0xF0) {
        c = ((c & 0x0F) << 12) | ((text[i + 1] & 0x3F) << 6) | (text[i + 2] & 0x3F);
        len = 3;
      } else if (c >= 0x80) {
        len = c >= 0xF0 ? 4 : 2;
        c = 0x10000;  // not a kana or kanji
      }
      if (c < 0x10000 && (cjk::class_table()[c] & cjk::kKanaKanji)) {
        run.push_back(static_cast<char16_t>(c));
        run_utf8 += text.substr(i, len);
      } else {
        flush();
      }
      i += len;
    }
    flush();
  }
  for (int i = 0; i < 3000; ++i) {
    std::u16string run;
    std::string run_utf8;
    const uint64_t len = 1 + rng.below(30);
    for (uint64_t k = 0; k < len; ++k) {
      const char32_t c = kana_kanji[rng.below(kana_kanji.size())];
      run.push_back(static_cast<char16_t>(c));
      append_utf8(run_utf8, c);
    }
    if (run.empty()) continue;
    ASSERT_EQ(cjk::count_run_words(run), count_words_icu("、" + run_utf8 + "。")) << run_utf8;
    ++checked;
  }
  EXPECT_GT(checked, 10000u);
}

// The words of ICU's cjdict dictionary, read the way cjk_dictionary.cc does
// (through the public udata and UCharsTrie APIs), that are made of
// kKanaKanji characters only.
std::vector<std::u16string> dictionary_words() {
  UErrorCode err = U_ZERO_ERROR;
  UDataMemory* file = udata_open(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "brkitr", "dict", "cjdict", &err);
  EXPECT_TRUE(U_SUCCESS(err)) << u_errorName(err);
  if (U_FAILURE(err)) return {};
  const auto* indexes = static_cast<const int32_t*>(udata_getMemory(file));
  const auto* trie = reinterpret_cast<const char16_t*>(reinterpret_cast<const char*>(indexes) + indexes[0]);
  std::vector<std::u16string> words;
  icu::UCharsTrie::Iterator it(trie, 0, err);
  while (it.next(err)) {
    const icu::UnicodeString& w = it.getString();
    std::u16string word(w.getBuffer(), static_cast<size_t>(w.length()));
    bool all = true;
    for (char16_t c : word) all &= (cjk::class_table()[c] & cjk::kKanaKanji) != 0;
    if (all) words.push_back(std::move(word));
  }
  udata_close(file);
  return words;
}

// Text made of the dictionary's own words, where the costs compete: long
// words (up to the 20-character limit), words with characters that are no
// word alone (which cost 255 there), overlapping candidates.
TEST(CjkDictionaryTest, TextMadeOfDictionaryWords) {
  const std::vector<std::u16string> words = dictionary_words();
  ASSERT_GT(words.size(), 300000u);
  std::vector<const std::u16string*> long_words;
  for (const auto& w : words)
    if (w.size() >= 10) long_words.push_back(&w);
  ASSERT_GT(long_words.size(), 100u);
  TestRng rng(77);
  size_t checked = 0;
  for (int i = 0; i < 20000; ++i) {
    std::u16string run;
    const uint64_t n = 1 + rng.below(6);
    for (uint64_t k = 0; k < n; ++k) {
      const std::u16string& w =
          rng.below(3) == 0 ? *long_words[rng.below(long_words.size())] : words[rng.below(words.size())];
      // Whole words, or a word cut short, so that prefixes compete too.
      run += rng.below(4) == 0 ? w.substr(0, 1 + rng.below(w.size())) : w;
    }
    std::string run_utf8;
    for (char16_t c : run) append_utf8(run_utf8, c);
    ASSERT_EQ(cjk::count_run_words(run), count_words_icu("。" + run_utf8 + "。")) << run_utf8;
    ++checked;
  }
  EXPECT_EQ(checked, 20000u);
}

// Every kana and kanji alone, doubled and next to common ones, between
// delimiters, at the text's edges and next to characters that are not
// delimiters (where the text must go to ICU).
TEST(CjkDictionaryTest, EveryKanaKanjiInContext) {
  Differ d;
  for (char32_t c : chars_of_class(cjk::kKanaKanji)) {
    const std::string s = utf8(c);
    d.check(s);
    d.check("。" + s + s + "、");
    d.check("「" + s + "の」");
    d.check("ア" + s + "ー。");
    d.check("1" + s + "a");
    d.check(s + "\u3099。");
  }
  EXPECT_GT(d.cases(), 160000u);
}

// Every delimiter between kana/kanji and between them and letters, digits,
// connectors and marks, whose rules it must not take part in.
TEST(CjkDictionaryTest, EveryDelimiterInContext) {
  const std::vector<std::string> around = {"中", "ア", "ー", "a", "1", "＿", "\u3099", ""};
  Differ d;
  for (char32_t c : chars_of_class(cjk::kDelimiter)) {
    const std::string s = utf8(c);
    d.check(s);
    for (const std::string& l : around)
      for (const std::string& r : around) d.check("日本" + l + s + r + "語です");
  }
  EXPECT_GT(d.cases(), 500000u);
}

// Random strings over an alphabet dense in kana, kanji, delimiters and the
// characters next to which the fast path must give way to ICU.
TEST(CjkDictionaryTest, RandomCjkStrings) {
  const std::vector<char32_t> kana_kanji = chars_of_class(cjk::kKanaKanji);
  const std::vector<std::string> alphabet = {
      "中",     "国",         "人",     "日",     "本",     "語", "学", "生",   "東",     "京",
      "大",     "会",         "社",     "時",     "間",     "の", "に", "は",   "を",     "た",
      "が",     "で",         "し",     "て",     "と",     "ま", "す", "る",   "い",     "か",
      "ア",     "イ",         "ス",     "ト",     "ン",     "コ", "ヒ", "ー",   "ー",     "ッ",
      "ヴ",     "ヶ",         "ヵ",     "ヽ",     "ゝ",     "ゞ", "ヾ", "ヿ",   "ゟ",     "々",
      "〆",     "〇",         "。",     "、",     "「",     "」", "！", "？",   "・",     "…",
      "，",     "：",         " ",      "\n",     "1",      "２", "a",  "Ｚ",   "_",      "＿",
      "\u3099", "\u309A",     "\uFE00", "\u200D", "\u00AD", "ｱ",  "ｰ",  "ﾞ",    "\uF900", "\uFA0E",
      "\u2F00", "\U00020000", "😀",      "한",     "ก",      "'",  ".",  "\xFF", "\u3000"};
  Differ d;
  TestRng rng(99);
  for (int i = 0; i < 150000; ++i) {
    std::string s;
    const uint64_t len = rng.below(i % 10 == 0 ? 200 : 30);
    for (uint64_t k = 0; k < len; ++k) {
      if (rng.below(4) == 0) {
        append_utf8(s, kana_kanji[rng.below(kana_kanji.size())]);
      } else {
        s += alphabet[rng.below(alphabet.size())];
      }
    }
    d.check(s);
  }
}

// Katakana runs of every length around ICU's 20-character limit, with and
// without prolonged sound marks, alone and inside Han/Hiragana text.
TEST(CjkDictionaryTest, KatakanaRunsOfEveryLength) {
  const std::u32string katakana =
      U"アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンガギグゲゴヴッャュ"
      U"ョー";
  Differ d;
  TestRng rng(5);
  for (int len = 1; len <= 26; ++len) {
    for (int rep = 0; rep < 40; ++rep) {
      std::string run;
      for (int k = 0; k < len; ++k) append_utf8(run, katakana[rng.below(katakana.size())]);
      d.check(run);
      d.check("「" + run + "」");
      d.check("東京の" + run + "です。");
      d.check(run + "と" + run);
    }
  }
}

// ICU picks a dictionary engine by the script of a range's first character
// unless one already loaded takes it; ー is Common script. The first count
// in a process (ctest runs each test in its own) must equal later ones.
TEST(CjkDictionaryTest, CountsDoNotDependOnWhatTheThreadCountedBefore) {
  const std::string text = "。ーーアイスクリーム東京大学。";
  const std::string mixed = "1ーーアイスクリーム東京大学x";  // goes to ICU: not between delimiters
  uint64_t fresh_icu = 0, fresh_mixed = 0;
  std::thread([&] { fresh_icu = count_words_icu(text); }).join();
  std::thread([&] { fresh_mixed = count_words(mixed); }).join();
  (void)count_words_icu("東京");
  EXPECT_EQ(fresh_icu, count_words_icu(text));
  EXPECT_EQ(fresh_icu, count_words(text));
  EXPECT_EQ(fresh_mixed, count_words(mixed));
  EXPECT_GT(fresh_icu, 1u);  // ICU's engine splits it; a fresh iterator without it would not
}

// Runs far longer than any word, and the whole of generated prose stripped
// of every delimiter.
TEST(CjkDictionaryTest, LongRuns) {
  Differ d;
  for (const char* lang : {"zh", "ja"}) {
    const std::string text = test_support::generate_book(9, 400000, lang);
    std::string stripped;
    for (size_t i = 0; i < text.size();) {
      const unsigned char b = static_cast<unsigned char>(text[i]);
      const size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      if (len == 3) stripped += text.substr(i, 3);
      i += len;
    }
    d.check(stripped);
    d.check("。" + stripped.substr(0, 60000) + "。");
  }
}

}  // namespace
}  // namespace epubtok::text
