// The hand-written scanners against (1) piece lists derived by hand from the
// regex semantics and (2) the PCRE2 oracle on hundreds of thousands of
// generated strings; and the Unicode 16.0 class table against PCRE2's.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tokenizers/pretok/ascii_piece.h"
#include "tokenizers/pretok/pcre2_pattern.h"
#include "tokenizers/pretok/regex_pretokenizer.h"
#include "tokenizers/pretok/scanner.h"
#include "tokenizers/unicode/char_class.h"

namespace epubtok::tokenizers::pretok {
namespace {

const std::string kCl100k =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const std::string kO200k =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const std::string kGpt2 = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

std::vector<std::string> scan(PatternFamily family, std::string_view text) {
  std::vector<std::string> pieces;
  for_each_piece(family, text, [&](std::string_view p) { pieces.emplace_back(p); });
  return pieces;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

TEST(ScannerTest, RecognizesTheThreePatterns) {
  EXPECT_EQ(recognize_pattern(kCl100k), PatternFamily::kCl100k);
  EXPECT_EQ(recognize_pattern(kO200k), PatternFamily::kO200k);
  EXPECT_EQ(recognize_pattern(kGpt2), PatternFamily::kGpt2);
  EXPECT_EQ(recognize_pattern(kGpt2 + "|x"), std::nullopt);
}

// Expected pieces worked out by hand from the patterns (leftmost-first
// alternation, greedy quantifiers with backtracking).
struct Example {
  PatternFamily family;
  std::string text;
  std::vector<std::string> pieces;
};

TEST(ScannerTest, HandDerivedExamples) {
  using F = PatternFamily;
  const std::vector<Example> examples = {
      {F::kGpt2, "Hello world", {"Hello", " world"}},
      {F::kGpt2, "I'm here", {"I", "'m", " here"}},
      {F::kGpt2, "I'M", {"I", "'", "M"}},  // case-sensitive contractions
      {F::kGpt2, "  x", {" ", " x"}},      // \s+(?!\S) leaves one space for " x"
      {F::kGpt2, "a  ", {"a", "  "}},      // trailing run: \s+(?!\S) at end of text
      {F::kGpt2, "x\n\ny", {"x", "\n", "\n", "y"}},
      {F::kGpt2, "abc123 45", {"abc", "123", " 45"}},
      {F::kGpt2, "!'s", {"!'", "s"}},
      {F::kCl100k, "x\n\ny", {"x", "\n\n", "y"}},  // \s*[\r\n]+
      {F::kCl100k, "don't", {"don", "'t"}},
      {F::kCl100k, "DON'T", {"DON", "'T"}},  // (?i:)
      {F::kCl100k, "123456", {"123", "456"}},
      {F::kCl100k, " !!!\n\nx", {" !!!\n\n", "x"}},
      {F::kCl100k, "(hello", {"(hello"}},  // [^\r\n\p{L}\p{N}]?\p{L}+
      {F::kCl100k, "  \n  x", {"  \n", " ", " x"}},
      {F::kCl100k, "\tHi", {"\tHi"}},
      {F::kCl100k, "it\xC5\xBF", {"it\xC5\xBF"}},  // U+017F is a letter
      {F::kCl100k, "'\xC5\xBF", {"'\xC5\xBF"}},    // 'ſ folds to 's
      {F::kO200k, "HelloWorld", {"Hello", "World"}},
      {F::kO200k, "don't", {"don't"}},
      {F::kO200k, "HELLO world", {"HELLO", " world"}},
      {F::kO200k, "a/b", {"a", "/b"}},
      {F::kO200k, "1234", {"123", "4"}},
      {F::kO200k, "x!!/\n", {"x", "!!/\n"}},
      {F::kO200k, "CamelCASE's", {"Camel", "CASE's"}},
  };
  for (const Example& e : examples) {
    EXPECT_EQ(scan(e.family, e.text), e.pieces) << "text: " << e.text;
  }
}

// Classifies cp with PCRE2 (Unicode 14): bits as in char_class<kTiktokenUnicode>(), or -1 when
// PCRE2 considers cp unassigned (its tables are older than ours).
class Pcre2Classes {
 public:
  Pcre2Classes() {
    for (const char* p :
         {R"(\p{L})", R"(\p{N})", R"([\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}])", R"([\p{Ll}\p{Lm}\p{Lo}\p{M}])", R"(\p{Cn})"}) {
      int err;
      PCRE2_SIZE off;
      codes_.push_back(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(p), PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
                                     &err, &off, nullptr));
      pcre2_jit_compile(codes_.back(), PCRE2_JIT_COMPLETE);
    }
    md_ = pcre2_match_data_create(4, nullptr);
  }
  ~Pcre2Classes() {
    for (auto* c : codes_) pcre2_code_free(c);
    pcre2_match_data_free(md_);
  }
  int classify(char32_t cp) {
    std::string s;
    append_utf8(s, cp);
    auto match = [&](int i) {
      return pcre2_match(codes_[i], reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), 0, PCRE2_ANCHORED, md_,
                         nullptr) >= 0;
    };
    if (match(4)) return -1;
    int bits = 0;
    if (match(0)) bits |= kLetter;
    if (match(1)) bits |= kNumber;
    if (match(2)) bits |= kO200kUpper;
    if (match(3)) bits |= kO200kLower;
    static const char32_t kWhite[] = {0x9,    0xA,    0xB,    0xC,    0xD,    0x20,   0x85,   0xA0,   0x1680,
                                      0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
                                      0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
    for (char32_t w : kWhite) {
      if (cp == w) bits |= kWhiteSpace;
    }
    return bits;
  }

 private:
  std::vector<pcre2_code*> codes_;
  pcre2_match_data* md_;
};

// Our Unicode 16.0 table agrees with PCRE2 on every code point PCRE2
// knows; where they differ, PCRE2 must consider the code point unassigned.
// (White_Space is compared with the fixed property list, which has not
// changed since Unicode 6.3.)
TEST(UnicodeClassTest, AgreesWithPcre2WhereBothKnowTheCodePoint) {
  Pcre2Classes pcre2;
  size_t newer = 0;
  for (char32_t cp = 0; cp < 0x110000; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const int theirs = pcre2.classify(cp);
    if (theirs < 0) {
      if (char_class<kTiktokenUnicode>(cp) != 0) ++newer;
      continue;
    }
    ASSERT_EQ(char_class<kTiktokenUnicode>(cp), theirs) << "U+" << std::hex << static_cast<uint32_t>(cp);
  }
  // Unicode 15.0-16.0 assigned several thousand letters (CJK Ext. H/I,
  // Kawi, Garay, Tulu-Tigalari, …).
  EXPECT_GT(newer, 4000u);
  // Spot checks from the reference's behaviour (tiktoken@1.0.22 treats
  // these as letters) and the UCD 16.0 data.
  EXPECT_EQ(char_class<kTiktokenUnicode>(0x10D50) & kLetter, kLetter);  // GARAY CAPITAL LETTER A (16.0)
  EXPECT_EQ(char_class<kTiktokenUnicode>(0x2EBF0) & kLetter, kLetter);  // CJK Ext. I (15.1)
  EXPECT_EQ(char_class<kTiktokenUnicode>(0x11F04) & kLetter, kLetter);  // KAWI LETTER A (15.0)
  EXPECT_EQ(char_class<kTiktokenUnicode>(0x0085), kWhiteSpace);
  EXPECT_EQ(char_class<kTiktokenUnicode>(0x180E), 0);  // not White_Space since Unicode 6.3
}

// Generates strings from an alphabet chosen to hit every decision the
// scanners make, plus random code points PCRE2 classifies like we do.
class CaseGenerator {
 public:
  explicit CaseGenerator(uint64_t seed) : rng_(seed) {
    // Frequent pieces: letters in both cases, digits, apostrophe endings,
    // white space of every kind, punctuation incl. '/', marks and the other
    // letter categories.
    for (char32_t c : std::u32string(U"aZsStTmMdDrReEvVlL09 '' \t\n\r/!.,-_\u00A0\u3000\u0085\u2028\u017F\u0301"
                                     U"\u02B0\u01C5\u4E2D\u3042\u2160\u00BD\u0663\U0001F600\uFFFD\u00E9\u0416\u05D0"
                                     U"\u0E01\u0E31\u200B\u2003")) {
      alphabet_.push_back(c);
    }
  }
  std::string next(Pcre2Classes& pcre2) {
    std::string s;
    const size_t n = 1 + rng_() % 24;
    for (size_t i = 0; i < n; ++i) {
      if (rng_() % 8 == 0) {
        // Any code point both tables agree on.
        for (;;) {
          char32_t cp = static_cast<char32_t>(rng_() % 0x30000);
          if (cp >= 0xD800 && cp <= 0xDFFF) continue;
          if (pcre2.classify(cp) != char_class<kTiktokenUnicode>(cp)) continue;
          append_utf8(s, cp);
          break;
        }
      } else {
        append_utf8(s, alphabet_[rng_() % alphabet_.size()]);
      }
    }
    return s;
  }

 private:
  std::mt19937_64 rng_;
  std::vector<char32_t> alphabet_;
};

void differential(PatternFamily family, const std::string& pattern, uint64_t seed, int cases) {
  auto oracle = RegexPretokenizer::compile(pattern);
  ASSERT_TRUE(oracle) << oracle.status().to_string();
  Pcre2Classes pcre2;
  CaseGenerator gen(seed);
  int failures = 0;
  for (int i = 0; i < cases && failures < 5; ++i) {
    const std::string text = gen.next(pcre2);
    std::vector<std::string> expected;
    size_t covered = 0;
    for (const auto& [b, e] : (*oracle)->split(text)) {
      EXPECT_EQ(b, covered) << "the oracle skipped bytes";
      expected.push_back(text.substr(b, e - b));
      covered = e;
    }
    const auto actual = scan(family, text);
    if (actual != expected) {
      ++failures;
      std::string shown;
      for (const auto& p : expected) shown += "[" + p + "]";
      std::string ours;
      for (const auto& p : actual) ours += "[" + p + "]";
      ADD_FAILURE() << "case " << i << ": oracle " << shown << " scanner " << ours;
    }
  }
}

TEST(ScannerTest, Cl100kMatchesPcre2Oracle) { differential(PatternFamily::kCl100k, kCl100k, 1, 150000); }
TEST(ScannerTest, O200kMatchesPcre2Oracle) { differential(PatternFamily::kO200k, kO200k, 2, 150000); }
TEST(ScannerTest, Gpt2MatchesPcre2Oracle) { differential(PatternFamily::kGpt2, kGpt2, 3, 150000); }

// The ASCII fast path answers 0 or exactly the full scanner's end, at every
// piece start of random text that is mostly ASCII (all ASCII bytes, words
// of every length around the 16-byte SIMD block, and the non-ASCII
// characters that may continue a piece: letters, marks, symbols, spaces).
template <PatternFamily kFamily>
void ascii_fast_path_differential(uint64_t seed) {
  std::mt19937_64 rng(seed);
  // Besides letters, marks, spaces and symbols: every kind of character in
  // and next to the general punctuation block the fast path takes
  // (U+2010..U+2027, U+2030..U+203F), white space and format characters
  // inside it, a letter and numbers right after it, Unicode numbers that
  // may follow ASCII digits; non-ASCII white space and what may follow
  // indentation (a Greek letter, a math symbol, an ideographic comma).
  const std::u32string rare =
      U"\u00E9\u0301\u2019\u201C\u2014\u00A0\u3000\u4E2D\u02B0\u01C5\u00BD\u017F\uFFFD"
      U"\u2018\u201D\u2026\u2013\u2010\u2027\u2030\u203F\u2000\u200A\u200B\u200D\u2028\u2029\u202F"
      U"\u202E\u2040\u2044\u2070\u2071\u207F\u0663\u2160\u0085\u1680"
      U"\u205F\u2009\u180E\u03BB\u2211\u3001";
  size_t answered = 0, pieces = 0;
  for (int i = 0; i < 60000; ++i) {
    std::string text;
    const size_t parts = 1 + rng() % 12;
    for (size_t k = 0; k < parts; ++k) {
      switch (rng() % 10) {
        case 0:
        case 1: {  // a word: any case mix, 1-40 letters
          const size_t len = 1 + rng() % (rng() % 4 == 0 ? 40 : 10);
          const int mode = static_cast<int>(rng() % 4);
          for (size_t c = 0; c < len; ++c) {
            const bool up = mode == 0 || (mode == 1 && c == 0) || (mode == 2 && rng() % 2);
            text += static_cast<char>((up ? 'A' : 'a') + rng() % 26);
          }
          break;
        }
        case 2: text += static_cast<char>(rng() % 0x80); break;  // any ASCII byte
        case 3: text += " .,;'\"()!?-/\n\r\t"[rng() % 15]; break;
        case 6: text += std::to_string(rng() % (rng() % 2 ? 10 : 100000)); break;  // a number
        case 7: text += std::string(1 + rng() % 3, "\n\r"[rng() % 2]); break;
        case 4: text += std::string(1 + rng() % 3, ' '); break;
        case 9: {  // truncated or invalid UTF-8, some of it the start of white space
          static const char* const kBroken[] = {"\xE2", "\xE2\x80", "\xC2", "\xE3\x80", "\xE1\x9A", "\xFF"};
          text += kBroken[rng() % 6];
          break;
        }
        case 8: {  // indentation: up to 40 of the six ASCII white-space bytes, mostly spaces
          const size_t len = 1 + rng() % 40;
          for (size_t c = 0; c < len; ++c) text += rng() % 4 != 0 ? ' ' : "\t\n\v\f\r "[rng() % 6];
          break;
        }
        default: append_utf8(text, rare[rng() % rare.size()]); break;
      }
    }
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    for (size_t pos = 0; pos < text.size();) {
      size_t full;
      if constexpr (kFamily == PatternFamily::kCl100k) {
        full = cl100k_piece_end(text, pos);
      } else if constexpr (kFamily == PatternFamily::kO200k) {
        full = o200k_piece_end(text, pos);
      } else {
        full = gpt2_piece_end(text, pos);
      }
      const size_t fast = detail::ascii_piece_end<kFamily>(s, text.size(), pos);
      ++pieces;
      if (fast != 0) {
        ++answered;
        ASSERT_EQ(fast, full) << "text [" << text << "] at " << pos;
      }
      pos = full;
    }
  }
  // The fast path must actually take a good share of the pieces (about
  // 40% here: a quarter of the parts are non-ASCII or control bytes).
  EXPECT_GT(answered * 4, pieces);
}

TEST(ScannerTest, AsciiFastPathMatchesCl100kScanner) { ascii_fast_path_differential<PatternFamily::kCl100k>(11); }
TEST(ScannerTest, AsciiFastPathMatchesO200kScanner) { ascii_fast_path_differential<PatternFamily::kO200k>(12); }
TEST(ScannerTest, AsciiFastPathMatchesGpt2Scanner) { ascii_fast_path_differential<PatternFamily::kGpt2>(13); }

TEST(ScannerTest, InvalidUtf8BytesAreConsumedOneByOne) {
  const std::string text = "a\xFF\xFE b\xC3";
  std::string joined;
  for (const auto& p : scan(PatternFamily::kCl100k, text)) joined += p;
  EXPECT_EQ(joined, text);
  // U+FFFD-like bytes group as "other": "\xFF\xFE" is one piece after "a".
  EXPECT_EQ(scan(PatternFamily::kGpt2, "\xFF\xFE"), std::vector<std::string>({"\xFF\xFE"}));
}

TEST(Pcre2PatternTest, EmptyMatchesStepOneCodePointAndAreNotReported) {
  auto re = Pcre2Pattern::compile("b*");
  ASSERT_TRUE(re);
  std::vector<std::pair<size_t, size_t>> spans;
  // Empty matches at 'a', at the two-byte é and at the four-byte 😀: the
  // search moves on by one whole character each time.
  (*re)->find_all(
      "ab\xC3\xA9"
      "bb\xF0\x9F\x98\x80"
      "b",
      spans);
  EXPECT_EQ(spans, (std::vector<std::pair<size_t, size_t>>{{1, 2}, {4, 6}, {10, 11}}));
  auto bad = Pcre2Pattern::compile("(unclosed");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("offset 9"), std::string::npos) << bad.status().message();
}

TEST(RegexPretokenizerTest, RewritesBackslashSToWhiteSpace) {
  const std::string t = translate_tiktoken_pattern(R"(\s+(?!\S)|[^\s\p{L}])");
  EXPECT_EQ(t.find("\\s"), std::string::npos);
  EXPECT_EQ(t.find("\\S"), std::string::npos);
  EXPECT_NE(t.find("\\x{85}"), std::string::npos);
  auto re = RegexPretokenizer::compile(R"(\s+)");
  ASSERT_TRUE(re);
  // U+0085 NEXT LINE is White_Space (Rust's \s) but not PCRE2's UCP \s.
  EXPECT_EQ((*re)->split("\xC2\x85").size(), 1u);
  EXPECT_FALSE(RegexPretokenizer::compile("(unclosed"));
}

}  // namespace
}  // namespace epubtok::tokenizers::pretok
