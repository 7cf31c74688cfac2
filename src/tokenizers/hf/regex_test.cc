// The hand-written scanners against the PCRE2 oracle on the same patterns,
// and the Oniguruma → PCRE2 class translation.
#include "tokenizers/hf/regex.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "support/prose.h"
#include "support/random_unicode.h"
#include "support/tricky_strings.h"
#include "tokenizers/hf/json_util.h"

namespace epubtok::tokenizers::hf {
namespace {

using test_support::RandomUnicodeMode;

std::vector<std::string> corpus() {
  std::vector<std::string> out = test_support::tricky_strings();
  for (const std::string& lang : test_support::prose_languages())
    out.push_back(test_support::generate_book(9, size_t{16} * 1024, lang));
  const RandomUnicodeMode modes[] = {RandomUnicodeMode::kAnyScalar, RandomUnicodeMode::kMixedScriptWords,
                                     RandomUnicodeMode::kAscii};
  for (int m = 0; m < 3; ++m)
    for (uint64_t seed = 0; seed < 1500; ++seed)
      out.push_back(test_support::random_unicode(seed * 3 + m, 1 + seed % 90, modes[m]));
  // Short strings over the characters the scanners' fast paths decide on
  // (ASCII letters, spaces, punctuation, apostrophes, digits, line breaks),
  // mixed with non-ASCII letters, marks, punctuation, symbols, numbers,
  // spaces and CJK/kana, so that every fast-path branch meets every kind of
  // neighbour, at the ends of the string too.
  static const char* const kAtoms[] = {
      "a",      "Zq",     " ",      "  ",     ".",      ",",      "'",      "\"",     "-",      "!?",
      "\n",     "\r",     "\t",     "1",      "42",     "0",      "9",      "(",      ")",      "$",
      "_",      "x'll",   "'S",     "'t",     "'D",     "'m",     "'re",    "'VE",    "1234",   "'",
      "é",      "Жя",     "—",      "’",      "“",      "\u0301", "\u093C", "\u0661", "\u00B2", "\u4e00",
      "\u3042", "\u30A0", "\u309B", "\u30FB", "\u3040", "\u00A0", "\u3000", "\u2028", "\u200D", "\U0001F600"};
  std::mt19937_64 rng(5);
  for (int k = 0; k < 3000; ++k) {
    std::string s;
    for (size_t m = 1 + rng() % 24; m > 0; --m) s += kAtoms[rng() % std::size(kAtoms)];
    out.push_back(std::move(s));
  }
  out.emplace_back("it's IT'S it'S 'ſ 'Re 've 'LL 'd'm x'' ''s");
  out.emplace_back("a\u0085b \u180E c\u00A0\u00A0d \u3000\u3000x \r\n\r\n  \n \t\ty");
  out.emplace_back(
      ".abc .é ,x1 -- !!\n\n \u0301x 1a \u4e00\u4e01\u3042\u30A2 12345 \u0661\u0662\u0663\u0664 $$ \u00A0.\r");
  // Characters assigned after Unicode 14.0 (PCRE2's own tables) and 15.0.
  for (uint64_t seed = 0; seed < 1500; ++seed)
    out.push_back(test_support::random_unicode(seed, 1 + seed % 90, RandomUnicodeMode::kRecentScalars));
  return out;
}

// Whether `spans` tile all of `s`, in order (what Matcher::covers promises).
bool covers_all(std::string_view s, const std::vector<Span>& spans) {
  size_t at = 0;
  for (auto [b, e] : spans) {
    if (b != at || e <= b) return false;
    at = e;
  }
  return at == s.size();
}

TEST(HfRegex, ScannersMatchPcre2) {
  for (const char* pattern : {kLlama3Pattern, kQwenPattern, kGpt2Pattern, kDeepSeekDigitsPattern, kDeepSeekCjkPattern,
                              kDeepSeekMainPattern}) {
    auto scanner = make_regex_matcher(pattern, "test", true);
    auto oracle = make_regex_matcher(pattern, "test", false);
    ASSERT_NE(scanner->kind(), MatcherKind::kPcre2) << "no scanner for " << pattern;
    ASSERT_EQ(oracle->kind(), MatcherKind::kPcre2);
    size_t checked = 0;
    for (const std::string& s : corpus()) {
      std::vector<Span> a, b;
      scanner->find_all(s, a);
      oracle->find_all(s, b);
      ASSERT_EQ(a, b) << scanner->describe() << " on \"" << s.substr(0, 120) << "\"";
      // The streaming interface the tokenizer uses must report the same spans.
      struct Collect final : SpanSink {
        std::vector<Span> spans;
        void on_span(size_t begin, size_t end) override { spans.emplace_back(begin, end); }
      } streamed;
      scanner->scan(s, streamed);
      ASSERT_EQ(streamed.spans, b) << scanner->describe() << " scan() on \"" << s.substr(0, 120) << "\"";
      if (scanner->covers()) {
        ASSERT_TRUE(covers_all(s, a)) << scanner->describe() << " on \"" << s.substr(0, 120) << "\"";
      }
      ++checked;
    }
    EXPECT_GT(checked, 4000u);
  }
}

// DeepSeek V3's three Splits: the engine's fused scanner, and the same
// Splits run through PCRE2 one after the other (the oracle).
struct DeepSeekChains {
  std::unique_ptr<Matcher> digits = make_regex_matcher(kDeepSeekDigitsPattern, "t", true);
  std::unique_ptr<Matcher> cjk = make_regex_matcher(kDeepSeekCjkPattern, "t", true);
  std::unique_ptr<Matcher> main = make_regex_matcher(kDeepSeekMainPattern, "t", true);
  std::unique_ptr<Matcher> fused = make_fused_chain({digits.get(), cjk.get(), main.get()});
  std::unique_ptr<Matcher> pcre2_digits = make_regex_matcher(kDeepSeekDigitsPattern, "t", false);
  std::unique_ptr<Matcher> pcre2_cjk = make_regex_matcher(kDeepSeekCjkPattern, "t", false);
  std::unique_ptr<Matcher> pcre2_main = make_regex_matcher(kDeepSeekMainPattern, "t", false);
  std::vector<const Matcher*> pcre2_chain() const { return {pcre2_digits.get(), pcre2_cjk.get(), pcre2_main.get()}; }
  std::vector<Span> fused_pieces(std::string_view s) const {
    std::vector<Span> got;
    fused->find_all(s, got);
    return got;
  }
};

TEST(HfRegex, FusedDeepSeekChainMatchesPcre2Chain) {
  const DeepSeekChains chains;
  ASSERT_TRUE(chains.fused);
  EXPECT_FALSE(make_fused_chain(chains.pcre2_chain()));  // PCRE2 chains stay as they are
  size_t checked = 0;
  for (const std::string& s : corpus()) {
    const std::vector<Span> got = chains.fused_pieces(s);
    ASSERT_EQ(got, isolated_chain_pieces(s, chains.pcre2_chain())) << "on \"" << s.substr(0, 120) << "\"";
    ASSERT_TRUE(chains.fused->covers() && covers_all(s, got));
    ++checked;
  }
  EXPECT_GT(checked, 4000u);
}

// Strings aimed at the ASCII fast paths' decisions: every pair of ASCII
// bytes; every triple over bytes of each class the fast paths tell apart,
// with non-ASCII neighbours (general punctuation, letters, marks, other
// punctuation, symbols, numbers, CJK, white space); and random
// concatenations with letter and punctuation runs long enough to cross the
// 16-byte SSE2 steps, ending anywhere.
std::vector<std::string> fast_path_corpus() {
  std::vector<std::string> out;
  for (int a = 0; a < 128; ++a)
    for (int b = 0; b < 128; ++b) out.push_back({char(a), char(b)});
  static const char* const kUnits[] = {"a",      "Z",      " ",      ".",      ",",      "'",      "(",      "~",
                                       "_",      "\n",     "\r",     "\t",     "\x0B",   "\x0C",   "0",      "9",
                                       "\x01",   "\x7F",   "\u2014", "\u2019", "\u201C", "\u2026", "\u2030", "\u203F",
                                       "\u2028", "\u2029", "\u200B", "\u2040", "\u2009", "\u00E9", "\u0301", "\u00AB",
                                       "\u00BD", "\u0661", "\u4E00", "\u30A0", "\u00A0", "\u0085", "\u00A9"};
  for (const char* a : kUnits)
    for (const char* b : kUnits)
      for (const char* c : kUnits) out.push_back(std::string(a) + b + c);
  std::mt19937_64 rng(11);
  auto run_of = [&](const char* alphabet, size_t len) {
    std::string r;
    const size_t k = std::strlen(alphabet);
    for (size_t i = 0; i < len; ++i) r += alphabet[rng() % k];
    return r;
  };
  for (int k = 0; k < 6000; ++k) {
    std::string s;
    for (size_t m = 1 + rng() % 12; m > 0; --m) {
      switch (rng() % 6) {
        case 0: s += run_of("abcXYZ", 1 + rng() % 40); break;
        case 1: s += run_of(".,;:!?()[]{}<>'\"-_/\\@#$%^&*+=|~`", 1 + rng() % 6); break;
        case 2: s += run_of("0123456789", 1 + rng() % 5); break;
        case 3: s += run_of(" \n\r\t", 1 + rng() % 3); break;
        default: s += kUnits[rng() % std::size(kUnits)]; break;
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

TEST(HfRegex, AsciiFastPathsMatchPcre2) {
  const std::vector<std::string> strings = fast_path_corpus();
  for (const char* pattern : {kLlama3Pattern, kQwenPattern}) {
    auto scanner = make_regex_matcher(pattern, "test", true);
    auto oracle = make_regex_matcher(pattern, "test", false);
    ASSERT_NE(scanner->kind(), MatcherKind::kPcre2);
    ASSERT_EQ(oracle->kind(), MatcherKind::kPcre2);
    for (const std::string& s : strings) {
      std::vector<Span> a, b;
      scanner->find_all(s, a);
      oracle->find_all(s, b);
      ASSERT_EQ(a, b) << scanner->describe() << " on \"" << s << "\"";
    }
  }
  const DeepSeekChains chains;
  ASSERT_TRUE(chains.fused);
  for (const std::string& s : strings) {
    ASSERT_EQ(chains.fused_pieces(s), isolated_chain_pieces(s, chains.pcre2_chain())) << "on \"" << s << "\"";
  }
}

TEST(HfRegex, TranslationUsesOnigurumaClasses) {
  std::vector<Span> m;
  // \s is White_Space: U+0085 yes, U+180E no.
  make_pcre2_matcher(R"(\s+)", "t")->find_all("a\u0085b\u180Ec", m);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0], Span(1, 3));
  // \w covers Alphabetic (Ⓐ) and ½ but not ①.
  m.clear();
  make_pcre2_matcher(R"(\w+)", "t")->find_all("Ⓐ½ ①", m);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0], Span(0, 5));
  EXPECT_NE(translate_oniguruma(R"(\p{L})").find("\\x{41}-\\x{5A}"), std::string::npos);
}

// The translation at Oniguruma's Unicode version (16.0) and with its
// shorthand rules, as the reference's Split regexes match them (each
// expectation probed on the reference; hf_parity_test's
// wordlevel_split_shorthand_classes fixture checks whole texts).
TEST(HfRegex, TranslationFollowsTheReferencesOniguruma) {
  const auto matches = [](const char* pattern, std::string_view s) {
    std::vector<Span> m;
    make_pcre2_matcher(pattern, "t")->find_all(s, m);
    std::vector<std::string> out;
    out.reserve(m.size());
    for (auto [b, e] : m) out.emplace_back(s.substr(b, e - b));
    return out;
  };
  using V = std::vector<std::string>;
  // Letters, digits and marks new in 15.1 and 16.0.
  EXPECT_EQ(matches(R"(\p{L}+)", "\U0002EBF0\U00010D50\U0001E5D0 1"), V{"\U0002EBF0\U00010D50\U0001E5D0"});
  EXPECT_EQ(matches(R"(\d+)", "\U00016D70\U0001E5F1 x"), V{"\U00016D70\U0001E5F1"});
  EXPECT_EQ(matches(R"(\p{N})", "\U0001CCF0"), V{"\U0001CCF0"});
  EXPECT_EQ(matches(R"(\w+)", "a\U00010D69\U00010D50"), V{"a\U00010D69\U00010D50"});
  EXPECT_EQ(matches(R"([\P{L}]+)", "\U00010D50,\U00010D50"), V{","});
  // Scripts by long name and alias.
  EXPECT_EQ(matches(R"(\p{Hani}+)", "a\u4e00\U0002EBF0b"), V{"\u4e00\U0002EBF0"});
  EXPECT_EQ(matches(R"(\p{Garay}+)", "a\U00010D50b"), V{"\U00010D50"});
  // \w takes ²³¹¼½¾ on its own but not inside brackets; \h is a hex digit.
  EXPECT_EQ(matches(R"(\w+)", "\u00BD"), V{"\u00BD"});
  EXPECT_EQ(matches(R"([\w]+)", "\u00BDa"), V{"a"});
  EXPECT_EQ(matches(R"([^\W]+)", "\u00BDa"), V{"a"});
  EXPECT_EQ(matches(R"(\h+)", "0fA9 g\u3000"), V{"0fA9"});
  EXPECT_EQ(matches(R"([\H]+)", "0fg\u3000"), V{"g\u3000"});
  EXPECT_EQ(matches(R"([^\S\n]+)", "a \u0085\n\u3000b"), (V{" \u0085", "\u3000"}));
  EXPECT_EQ(matches(R"([\D]+)", "\U00016D70x\U00016D71"), V{"x"});
}

TEST(HfRegex, BadPatternIsALoadError) {
  EXPECT_THROW(make_pcre2_matcher("(unclosed", "$.pre_tokenizer.pattern.Regex"), LoadError);
}

}  // namespace
}  // namespace epubtok::tokenizers::hf
