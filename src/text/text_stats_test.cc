// Table-driven tests of count_text(). Expected word counts follow from the
// UAX #29 rules (cited per case) and, for CJK/Thai, from plausibility bounds:
// a dictionary segmentation gives more than one word and fewer words than
// characters.
#include "text/text_stats.h"

#include <unicode/uchar.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/prose.h"
#include "support/random_unicode.h"
#include "text/word_count.h"

namespace epubtok::text {
namespace {

struct Case {
  const char* name;
  std::string text;
  uint64_t words;
  uint64_t chars;
};

class CountTextTest : public ::testing::TestWithParam<Case> {};

TEST_P(CountTextTest, WordsAndChars) {
  const Case& c = GetParam();
  const TextStats stats = count_text(c.text);
  EXPECT_EQ(stats.words, c.words) << c.name;
  EXPECT_EQ(stats.chars, c.chars) << c.name;
  EXPECT_EQ(count_words_icu(c.text), c.words) << c.name << " (ICU alone)";
}

const Case kCases[] = {
    {"empty", "", 0, 0},
    {"simple", "Hello, world!", 2, 12},
    // WB6/WB7: a letter, an apostrophe (MidNumLet/Single_Quote), a letter.
    {"contraction", "don't stop", 2, 9},
    {"curly_contraction", "they’ll go", 2, 9},
    // WB11/WB12: digits joined by '.' and ','.
    {"numbers", "It's 3.14 and 1,000,000 people.", 5, 27},
    {"year_and_percent", "In 1999, 45% left.", 4, 15},
    // Hyphen-minus is not a Mid* character: it always breaks.
    {"hyphens", "co-op well-known", 4, 15},
    // Dots between letters join (WB6/7), the final one does not.
    {"abbreviations", "e.g. U.S.A.", 2, 10},
    {"letters_and_digits", "abc123def 3D 2nd", 3, 14},
    {"french_elision", "l'homme d’abord", 2, 14},
    {"french_question", "Qu’est-ce que c’est\u202F?", 4, 18},
    {"german", "Die Donaudampfschifffahrtsgesellschaft fährt über die Straße.", 6, 56},
    {"spanish", "¿Dónde está?", 2, 11},
    {"russian", "Мы шли домой по тёмной улице.", 6, 24},
    {"greek", "Καλημέρα κόσμε", 2, 13},
    {"arabic", "ذهب الولد إلى المدرسة", 4, 18},
    // Vowel signs and virama are Extend (WB4): they stay inside the word.
    {"hindi", "मैं हिन्दी में लिखता हूँ।", 5, 21},
    {"korean", "나는 학교에 갑니다.", 3, 9},
    // WB7b/c: Hebrew letter, '"', Hebrew letter.
    {"hebrew_gershayim", "צה\"ל", 1, 4},
    // Emoji are not letters: ICU tags them NONE. VS16 and the skin tone count
    // as characters (they are code points that are not white space).
    {"emoji", "I ❤️ NY 👍🏽", 2, 7},
    {"zwj_sequence", "👨‍👩‍👧", 0, 5},
    {"only_punctuation", "... !!! ---", 0, 9},
    {"white_space_only", " \t\n\r\v\f\u0085\u00A0\u1680\u2000\u200A\u2028\u2029\u202F\u205F\u3000", 0, 0},
    // NBSP and U+3000 are White_Space (not characters) and break words
    // (Word_Break Other / WSegSpace).
    {"nbsp", "a\u00A0b", 2, 2},
    {"em_space_ideographic_space", "a\u2003b\u3000c", 3, 3},
    // ZERO WIDTH SPACE is not White_Space and is Word_Break Other: a
    // character, and a break.
    {"zwsp", "a\u200Bb", 2, 3},
    // WORD JOINER is Format: WB4 attaches it, so the word continues.
    {"word_joiner", "a\u2060b", 1, 3},
    {"soft_hyphen", "infor\u00ADmation", 1, 12},
    {"combining_accent", "cafe\u0301", 1, 5},
    // Underscore is ExtendNumLet: it joins letters (WB13a/b) but is not a
    // letter itself, so a run of underscores alone is no word.
    {"underscores", "__init__ __ _", 1, 11},
    // ICU 72 (CLDR 42) joins '@' like a letter and does not join at ':'.
    {"email", "write to user@example.com", 3, 23},
    {"lone_at", "me @ home", 2, 7},
    {"colon", "foo:bar", 2, 7},
    // Letter numbers are Alphabetic; vulgar fractions are not.
    {"roman_numeral", "Ⅻ ½", 1, 2},
    // Each byte of an ill-formed sequence is a character and a break.
    {"invalid_byte_between_letters",
     "ab\xFF"
     "cd",
     2, 5},
    {"truncated_sequence", "\xE2\x82", 0, 2},
    {"truncated_at_end", "caf\xC3", 1, 4},
    {"overlong", "\xC0\xAF", 0, 2},
    {"surrogate", "\xED\xA0\x80", 0, 3},
    {"nul", std::string("a\0b", 3), 2, 3},
};

INSTANTIATE_TEST_SUITE_P(Table, CountTextTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

// Dictionary languages: ICU must segment into words, not one blob and not
// single characters.
struct DictCase {
  const char* name;
  std::string text;
  uint64_t min_words, max_words;
};

class DictionaryTest : public ::testing::TestWithParam<DictCase> {};

TEST_P(DictionaryTest, PlausibleSegmentation) {
  const DictCase& c = GetParam();
  const TextStats stats = count_text(c.text);
  EXPECT_GE(stats.words, c.min_words) << c.name;
  EXPECT_LE(stats.words, c.max_words) << c.name;
  EXPECT_LT(stats.words, stats.chars) << c.name;
}

const DictCase kDictCases[] = {
    // 我们/今天/去/学校/学习/中文 (6 words, 11 characters + 。)
    {"chinese", "我们今天去学校学习中文。", 4, 8},
    // 私/は/東京/の/大学/で/日本語/を/勉強/し/て/い/ます (kana + kanji)
    {"japanese", "私は東京の大学で日本語を勉強しています。", 7, 15},
    // ฉัน/ชอบ/กิน/ข้าว/ผัด/มาก — no spaces in Thai
    {"thai", "ฉันชอบกินข้าวผัดมาก", 4, 8},
    {"katakana", "コンピューターとテレビ", 2, 4},
};

INSTANTIATE_TEST_SUITE_P(Table, DictionaryTest, ::testing::ValuesIn(kDictCases),
                         [](const ::testing::TestParamInfo<DictCase>& info) { return std::string(info.param.name); });

TEST(CountTextTest, LongChineseTextIsNeitherOneWordNorOnePerCharacter) {
  const std::string zh = test_support::generate_prose("zh", 1, 2000);
  const TextStats stats = count_text(zh);
  EXPECT_GT(stats.words, stats.chars / 4);
  EXPECT_LT(stats.words, stats.chars * 9 / 10);
}

TEST(WhiteSpaceTest, MatchesIcuWhiteSpaceProperty) {
  for (UChar32 c = 0; c <= 0x10FFFF; ++c) {
    ASSERT_EQ(is_white_space(static_cast<char32_t>(c)), static_cast<bool>(u_isUWhiteSpace(c))) << std::hex << c;
  }
}

TEST(CountCharsTest, EveryScalarValueCountsOnceUnlessWhiteSpace) {
  // Encode every scalar value once; the count is the number of non-white ones.
  std::string all;
  uint64_t expected = 0;
  for (char32_t c = 0; c <= 0x10FFFF; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    if (c < 0x80) {
      all.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      all.push_back(static_cast<char>(0xC0 | (c >> 6)));
      all.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      all.push_back(static_cast<char>(0xE0 | (c >> 12)));
      all.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      all.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      all.push_back(static_cast<char>(0xF0 | (c >> 18)));
      all.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      all.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      all.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
    expected += !u_isUWhiteSpace(static_cast<UChar32>(c));
  }
  EXPECT_EQ(count_chars(all), expected);
}

TEST(CountCharsTest, IllFormedBytesCountOneEach) {
  EXPECT_EQ(count_chars("\x80"), 1u);              // lone continuation byte
  EXPECT_EQ(count_chars("\xF4\x90\x80\x80"), 4u);  // above U+10FFFF
  EXPECT_EQ(count_chars("\xF0\x9F\x98"), 3u);      // truncated 4-byte sequence
  EXPECT_EQ(count_chars("\xF0\x9F\x98\x80"), 1u);  // the complete one: 😀
  EXPECT_EQ(count_chars("\xE0\x80\x80"), 3u);      // overlong
  EXPECT_EQ(count_chars("\xFE\xFF"), 2u);
}

// An obviously correct count_chars(): well-formed sequences (Unicode Table
// 3-7) are one character unless White_Space; any other byte is one character.
uint64_t naive_count_chars(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  uint64_t chars = 0;
  auto cont = [&](size_t i, uint8_t lo, uint8_t hi) { return i < n && p[i] >= lo && p[i] <= hi; };
  for (size_t i = 0; i < n;) {
    const uint8_t b = p[i];
    size_t len = 0;
    char32_t c = 0;
    if (b < 0x80) {
      len = 1, c = b;
    } else if (b >= 0xC2 && b <= 0xDF && cont(i + 1, 0x80, 0xBF)) {
      len = 2, c = ((b & 0x1F) << 6) | (p[i + 1] & 0x3F);
    } else if (b >= 0xE0 && b <= 0xEF && cont(i + 1, b == 0xE0 ? 0xA0 : 0x80, b == 0xED ? 0x9F : 0xBF) &&
               cont(i + 2, 0x80, 0xBF)) {
      len = 3, c = ((b & 0x0F) << 12) | ((p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
    } else if (b >= 0xF0 && b <= 0xF4 && cont(i + 1, b == 0xF0 ? 0x90 : 0x80, b == 0xF4 ? 0x8F : 0xBF) &&
               cont(i + 2, 0x80, 0xBF) && cont(i + 3, 0x80, 0xBF)) {
      len = 4, c = 0;  // no White_Space above the BMP
    }
    if (len == 0) {
      ++chars;
      ++i;
    } else {
      chars += !u_isUWhiteSpace(static_cast<UChar32>(c));
      i += len;
    }
  }
  return chars;
}

TEST(CountCharsTest, EqualsANaiveCountOnRandomBytesAndText) {
  // Random bytes drawn mostly from lead and continuation bytes, so fast and
  // general paths meet truncated, overlong and mixed sequences at every
  // offset; plus generated prose and random Unicode.
  std::mt19937_64 rng(99);
  const std::string pool =
      "a \n\t\x80\x85\x9f\xa0\xbf\xc2\xc3\xd0\xdf\xe0\xe1\xe2\xe3\xe4\xe9\xec\xed\xee\xef\xf0\xf4\xf5";
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    for (size_t n = rng() % 40; n > 0; --n) s += pool[rng() % pool.size()];
    ASSERT_EQ(count_chars(s), naive_count_chars(s)) << i;
  }
  for (const std::string& lang : test_support::prose_languages()) {
    const std::string text = test_support::generate_prose(lang, 11, 3000);
    EXPECT_EQ(count_chars(text), naive_count_chars(text)) << lang;
  }
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const std::string text = test_support::random_unicode(seed, 300, test_support::RandomUnicodeMode::kAnyScalar);
    ASSERT_EQ(count_chars(text), naive_count_chars(text)) << seed;
  }
}

TEST(CountTextTest, ThreadSafe) {
  const std::string text = test_support::generate_prose("fr", 3, 20000) + test_support::generate_prose("ja", 3, 5000);
  const TextStats expected = count_text(text);
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::vector<TextStats> results(4);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < 3; ++k) results[i] = count_text(text);
    });
  for (std::thread& t : threads) t.join();
  for (const TextStats& r : results) {
    EXPECT_EQ(r.words, expected.words);
    EXPECT_EQ(r.chars, expected.chars);
  }
}

}  // namespace
}  // namespace epubtok::text
