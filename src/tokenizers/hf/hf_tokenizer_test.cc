// Unit tests of the tokenizer.json loader and pipeline on tiny hand-written
// files: bad input gives the documented error with a JSON path, and each
// component behaves as its contract says. Exactness against the reference
// is tests/parity/hf_parity_test.cc.
#include "tokenizers/hf/hf_tokenizer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>

#include "tokenizers/hf/hf_provider.h"
#include "tokenizers/hf/normalizers.h"
#include "tokenizers/hf/unicode.h"

namespace epubtok::tokenizers::hf {
namespace {

// A byte-level BPE over "a", "b", "ab", "abb" with two merges.
std::string tiny_bpe(const std::string& extra_model = "",
                     const std::string& pre = R"({"type":"ByteLevel","add_prefix_space":false,"use_regex":true})",
                     const std::string& added = "[]", const std::string& post = "null") {
  return R"({"added_tokens":)" + added + R"(,"normalizer":null,"pre_tokenizer":)" + pre + R"(,"post_processor":)" +
         post +
         R"(,"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"abb":3,"Ġ":4,"Ġa":5},"merges":["a b","ab b","Ġ a"])" +
         extra_model + "}}";
}

Result<std::shared_ptr<const HfTokenizer>> load(const std::string& json) {
  return HfTokenizer::from_json(json, TokenizerInfo{});
}

TEST(HfLoad, MalformedJsonNamesLineAndColumn) {
  auto r = load("{\n  \"model\": {\"type\": \"BPE\",\n  oops }");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), ErrorCode::kTokenizerJson);
  EXPECT_NE(r.status().message().find("line 3"), std::string::npos) << r.status().message();
}

TEST(HfLoad, TruncatedJsonIsAnError) {
  std::string full = tiny_bpe();
  for (size_t cut : {size_t(1), full.size() / 3, full.size() / 2, full.size() - 1}) {
    auto r = load(full.substr(0, cut));
    ASSERT_FALSE(r) << cut;
    EXPECT_EQ(r.status().code(), ErrorCode::kTokenizerJson);
  }
}

TEST(HfLoad, UnknownComponentNamesTypeAndPath) {
  auto r = load(tiny_bpe("", R"({"type":"Sequence","pretokenizers":[{"type":"ByteLevel"},{"type":"FancySplit"}]})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), ErrorCode::kUnsupportedComponent);
  EXPECT_NE(r.status().message().find("FancySplit"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("$.pre_tokenizer.pretokenizers[1]"), std::string::npos) << r.status().message();

  auto m = load(R"({"model":{"type":"MagicModel","vocab":{}}})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.status().code(), ErrorCode::kUnsupportedComponent);
  EXPECT_NE(m.status().message().find("$.model.type"), std::string::npos);

  auto n = load(
      R"({"normalizer":{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"Nope"}]},"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"}})");
  ASSERT_FALSE(n);
  EXPECT_NE(n.status().message().find("$.normalizer.normalizers[1]"), std::string::npos) << n.status().message();
}

TEST(HfLoad, VocabMergesMismatchNamesTheMerge) {
  auto r = load(R"({"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a b"]}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), ErrorCode::kTokenizerJson);
  EXPECT_NE(r.status().message().find("$.model.merges[0]"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("\"ab\""), std::string::npos) << r.status().message();

  auto q = load(R"({"model":{"type":"BPE","vocab":{"a":0},"merges":["a zz"]}})");
  ASSERT_FALSE(q);
  EXPECT_NE(q.status().message().find("\"zz\" is not in the vocabulary"), std::string::npos) << q.status().message();
}

TEST(HfLoad, WrongFieldTypeNamesThePath) {
  auto r = load(R"({"model":{"type":"BPE","vocab":{"a":"zero"},"merges":[]}})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("$.model.vocab[\"a\"]"), std::string::npos) << r.status().message();
}

TEST(HfLoad, MissingFile) {
  auto r = HfTokenizer::from_file("/nonexistent/dir/tokenizer.json", TokenizerInfo{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), ErrorCode::kFileNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/dir/tokenizer.json"), std::string::npos);
}

TEST(HfBpe, MergesByRankAndCountsEqualEncode) {
  auto t = load(tiny_bpe());
  ASSERT_TRUE(t) << t.status().to_string();
  // "abb" → a b b → (a b) b → (ab b) = abb.
  EXPECT_EQ((*t)->encode("abb"), (std::vector<uint32_t>{3}));
  // " ab": one piece Ġ a b; "a b" (rank 0) merges before "Ġ a" (rank 2).
  EXPECT_EQ((*t)->encode(" ab"), (std::vector<uint32_t>{4, 2}));
  // " a": Ġ a merges.
  EXPECT_EQ((*t)->encode(" a"), (std::vector<uint32_t>{5}));
  for (const char* s : {"", "a", "ba", "abab abb", "bbbb"}) EXPECT_EQ((*t)->count(s), (*t)->encode(s).size()) << s;
  EXPECT_EQ((*t)->info().type, "BPE");
  EXPECT_EQ((*t)->info().vocab_size, 6u);
}

TEST(HfBpe, LongPieceUsesSameMergesAsShort) {
  // Over 64 symbols the heap merger runs; it must agree with the short path.
  auto t = load(tiny_bpe("", R"({"type":"ByteLevel","add_prefix_space":false,"use_regex":false})"));
  ASSERT_TRUE(t);
  std::string s;
  for (int i = 0; i < 100; ++i) s += "abb";
  EXPECT_EQ((*t)->encode(s), std::vector<uint32_t>(100, 3));
}

TEST(HfAddedTokens, SpecialTokensMatchBeforeTheModel) {
  auto t = load(tiny_bpe("", R"({"type":"ByteLevel","add_prefix_space":false,"use_regex":true})",
                         R"([{"id":6,"content":"<s>","special":true,"normalized":false},
                             {"id":7,"content":"<mask>","special":true,"normalized":false,"lstrip":true}])"));
  ASSERT_TRUE(t) << t.status().to_string();
  EXPECT_EQ((*t)->encode("a<s>b"), (std::vector<uint32_t>{0, 6, 1}));
  // lstrip swallows the spaces before the token.
  EXPECT_EQ((*t)->encode("a  <mask>"), (std::vector<uint32_t>{0, 7}));
  EXPECT_EQ((*t)->info().vocab_size, 8u);
}

TEST(HfPostProcessor, SpecialOverheadCountsTemplateTokens) {
  auto t = load(tiny_bpe(
      "", "null", "[]",
      R"({"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"</s>","type_id":0}}],
                             "pair":[],"special_tokens":{"<s>":{"id":"<s>","ids":[0],"tokens":["<s>"]},"</s>":{"id":"</s>","ids":[1],"tokens":["</s>"]}}})"));
  ASSERT_TRUE(t) << t.status().to_string();
  EXPECT_EQ((*t)->special_overhead(), 2u);
  auto b = load(tiny_bpe("", "null", "[]", R"({"type":"BertProcessing","sep":["b",1],"cls":["a",0]})"));
  ASSERT_TRUE(b);
  EXPECT_EQ((*b)->special_overhead(), 2u);
  auto n = load(tiny_bpe());
  ASSERT_TRUE(n);
  EXPECT_EQ((*n)->special_overhead(), 0u);
}

TEST(HfWordPiece, GreedyLongestMatchWithPrefix) {
  auto t = load(
      R"({"pre_tokenizer":{"type":"WhitespaceSplit"},"model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":5,
                    "vocab":{"[UNK]":0,"un":1,"##aff":2,"##able":3,"a":4}}})");
  ASSERT_TRUE(t) << t.status().to_string();
  EXPECT_EQ((*t)->encode("unaff a"), (std::vector<uint32_t>{1, 2, 4}));
  EXPECT_EQ((*t)->encode("unable"), (std::vector<uint32_t>{0}));  // over max_input_chars_per_word
  EXPECT_EQ((*t)->encode("ux"), (std::vector<uint32_t>{0}));
  EXPECT_EQ((*t)->info().type, "WordPiece");
}

TEST(HfUnigram, ViterbiPicksBestScoreAndFusesUnknowns) {
  auto t = load(
      R"({"model":{"type":"Unigram","unk_id":0,"vocab":[["<unk>",0],["a",-1],["b",-1],["ab",-1.5],["abc",-10]]}})");
  ASSERT_TRUE(t) << t.status().to_string();
  EXPECT_EQ((*t)->encode("ab"), (std::vector<uint32_t>{3}));           // -1.5 beats -2
  EXPECT_EQ((*t)->encode("abxyb"), (std::vector<uint32_t>{3, 0, 2}));  // x, y fused into one unk
  EXPECT_EQ((*t)->info().type, "Unigram");
}

TEST(HfNormalizers, ReplacePrependLowercase) {
  auto t = load(
      R"({"normalizer":{"type":"Sequence","normalizers":[{"type":"Lowercase"},{"type":"Replace","pattern":{"String":" "},"content":"_"},{"type":"Prepend","prepend":"_"}]},
                    "model":{"type":"WordLevel","unk_token":"?","vocab":{"?":0,"_a_b":1}}})");
  ASSERT_TRUE(t) << t.status().to_string();
  EXPECT_EQ((*t)->encode("A B"), (std::vector<uint32_t>{1}));
  EXPECT_EQ((*t)->encode("A C"), (std::vector<uint32_t>{0}));
}

// A SentencePiece-style BPE: "a" joins a following "▁" ("a▁"), so the
// model's cache split keeps "a▁" together; "é" and "\n" are unknown.
std::string tiny_sentencepiece(const std::string& normalizer, const std::string& pre) {
  return R"({"normalizer":)" + normalizer + R"(,"pre_tokenizer":)" + pre +
         R"(,"model":{"type":"BPE","unk_token":"<unk>","fuse_unk":true,
             "vocab":{"<unk>":0,"▁":1,"a":2,"b":3,"▁a":4,"ab":5,"a▁":6,"▁▁":7,"▁ab":8,"b▁":9},
             "merges":["▁ a","a b","a ▁","▁ ▁","▁a b"]}})";
}

// The normalizer folded into the cut (run_marker_cut) gives the ids of
// the literal pipeline, which normalizes the whole text first: spaces and
// literal "▁" at either end and in runs, the prefix, texts shorter than
// the cut's minimum, unknown characters beside the cuts.
TEST(HfNormalizers, SentencePieceCutOnRawTextEqualsNormalizingFirst) {
  const std::string replace = R"({"type":"Replace","pattern":{"String":" "},"content":"▁"})";
  const std::string configs[][2] = {
      {R"({"type":"Sequence","normalizers":[{"type":"Prepend","prepend":"▁"},)" + replace + "]}", "null"},
      {replace, R"({"type":"Split","pattern":{"String":" "},"behavior":"MergedWithPrevious","invert":false})"},
      {R"({"type":"Sequence","normalizers":[)" + replace + R"(,{"type":"Prepend","prepend":"a"}]})", "null"},
  };
  const char* alphabet[] = {" ", "▁", "a", "b", "é", "\n"};
  for (const auto& [normalizer, pre] : configs) {
    auto fused = load(tiny_sentencepiece(normalizer, pre));
    ASSERT_TRUE(fused) << fused.status().to_string();
    HfLoadOptions literal;
    literal.use_scanners = false;
    auto plain = HfTokenizer::from_json(tiny_sentencepiece(normalizer, pre), TokenizerInfo{}, literal);
    ASSERT_TRUE(plain) << plain.status().to_string();
    std::mt19937 rng(7);
    for (int i = 0; i < 4000; ++i) {
      std::string s;
      const size_t n = rng() % 24;
      for (size_t k = 0; k < n; ++k) s += alphabet[rng() % 6];
      ASSERT_EQ((*fused)->encode(s), (*plain)->encode(s)) << normalizer << " on \"" << s << "\"";
      ASSERT_EQ((*fused)->count(s), (*plain)->encode(s).size()) << normalizer << " on \"" << s << "\"";
    }
  }
}

// Lowercase is Rust's char::to_lowercase at its Unicode version (17.0):
// capitals new in 16.0 and 17.0 lowercase, U+0130 becomes two code points,
// and a final sigma stays σ. Each expectation is what the reference's
// Lowercase normalizer returned (probe_hf_reference.mjs).
TEST(HfNormalizers, LowercaseFollowsRustsUnicodeVersion) {
  auto n = make_normalizer(boost::json::parse(R"({"type":"Lowercase"})"), "$");
  ASSERT_TRUE(n);
  const std::pair<std::string, std::string> cases[] = {
      {"ABC \u00C9\u0391\u03A3", "abc \u00E9\u03B1\u03C3"},
      {"\U00010D50\U00010D65", "\U00010D70\U00010D85"},  // Garay, 16.0
      {"\uA7CB\uA7DC\u1C89", "\u0264\u019B\u1C8A"},      // Latin and Cyrillic, 16.0
      {"\uA7CE\uA7D2", "\uA7CF\uA7D3"},                  // Latin, 17.0
      {"\u0130", "i\u0307"},
      {"\u1E9E\u2126\u212A", "\u00DF\u03C9k"},
  };
  for (const auto& [in, want] : cases) {
    std::string s = in;
    n->normalize(s);
    EXPECT_EQ(s, want) << in;
  }
}

// The four Unicode normalizers skip ICU when a quick check proves the text
// is already normalized; the result must be ICU's on every input, ICU's
// forms restricted to the characters Unicode 9.0 assigns (the reference's
// version: normalizers.cc).
TEST(HfNormalizers, QuickCheckAgreesWithIcu) {
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeSet unicode9(icu::UnicodeString(u"[:age=9.0:]"), err);
  ASSERT_TRUE(U_SUCCESS(err));
  unicode9.freeze();
  const icu::FilteredNormalizer2 nfc(*icu::Normalizer2::getNFCInstance(err), unicode9);
  const icu::FilteredNormalizer2 nfd(*icu::Normalizer2::getNFDInstance(err), unicode9);
  const icu::FilteredNormalizer2 nfkc(*icu::Normalizer2::getNFKCInstance(err), unicode9);
  const icu::FilteredNormalizer2 nfkd(*icu::Normalizer2::getNFKDInstance(err), unicode9);
  const std::pair<const char*, const icu::Normalizer2*> forms[] = {
      {"NFC", &nfc}, {"NFD", &nfd}, {"NFKC", &nfkc}, {"NFKD", &nfkd}};
  ASSERT_TRUE(U_SUCCESS(err));
  // Characters that are composed, decomposable, combining, compatibility
  // variants, Hangul syllables and jamo, plus plain ones.
  const char32_t pool[] = {U'a', U'e', U'E', U' ', U'\x00E9', U'\x0065', U'\x0301', U'\x0327', U'\x00C5', U'\x212B',
                           U'\x00A0', U'\x00B2', U'\xFB01', U'\x2019', U'\x3000', U'\xAC00', U'\x1100', U'\x1161',
                           U'\x11A8', U'\x0F73', U'\x1E9B', U'\x0323', U'\x4E00', U'\xFF21', U'\x1D400', U'\x0958',
                           U'\x2126', U'\x00C7', U'\x0308', U'\x0344',
                           // Combining marks whose quick check is Yes with a non-zero class (nukta 7,
                           // virama 9, Hebrew points 10-22, accents 220/230), in and out of order,
                           // and characters beyond the BMP.
                           U'\x0915', U'\x093C', U'\x094D', U'\x05D0', U'\x05B0', U'\x05B4', U'\x0591', U'\x0316',
                           U'\x0300', U'\x1F600', U'\x1D15E', U'\x1D165', U'\x2F800'};
  std::mt19937_64 rng(11);
  for (const auto& [name, icu_form] : forms) {
    auto n = make_normalizer(boost::json::parse(std::string(R"({"type":")") + name + "\"}"), "$");
    ASSERT_TRUE(n);
    size_t unchanged = 0, changed = 0;
    for (int round = 0; round < 40000; ++round) {
      std::string s;
      const size_t len = 1 + rng() % 10;
      for (size_t k = 0; k < len; ++k) {
        // ASCII runs of every length exercise the eight-byte skip and the
        // class reset after it.
        if (rng() % 6 == 0) s.append("plain text, ascii", rng() % 18);
        char32_t cp = rng() % 4 == 0 ? char32_t(0x20 + rng() % 0xFFD0) : pool[rng() % std::size(pool)];
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = U'x';
        append_utf8(s, cp);
      }
      std::string expected;
      icu::StringByteSink<std::string> sink(&expected);
      UErrorCode e2 = U_ZERO_ERROR;
      icu_form->normalizeUTF8(0, s, sink, nullptr, e2);
      ASSERT_TRUE(U_SUCCESS(e2));
      std::string actual = s;
      n->normalize(actual);
      ASSERT_EQ(actual, expected) << name << " round " << round;
      // The copy-free check may say "unchanged" only when it is so.
      if (n->is_unchanged(s)) {
        ASSERT_EQ(s, expected) << name << " round " << round << " claimed unchanged";
        ++unchanged;
      } else if (s != expected) {
        ++changed;
      }
    }
    // Both outcomes occur, so the assertions above are exercised.
    EXPECT_GT(unchanged, 1000u) << name;
    EXPECT_GT(changed, 1000u) << name;
  }
}

TEST(HfInvalidUtf8, IsCountedAsReplacementCharacters) {
  auto t = load(tiny_bpe());
  ASSERT_TRUE(t);
  // Never crashes; the bad byte becomes U+FFFD, as JavaScript callers see it.
  EXPECT_EQ((*t)->count(std::string("a\xFF"
                                    "b")),
            (*t)->encode("a\xEF\xBF\xBD"
                         "b")
                .size());
}

// Each bit of the generated table at the Unicode version the reference's
// code takes it from (unicode/char_class.h), on the code points the probes
// of the reference decided on. The reference's behaviour on whole texts is
// hf_parity_test's "recent" cases.
TEST(HfCharClass, EachBitFollowsItsReferenceVersion) {
  struct Probe {
    char32_t cp;
    uint16_t bit;
    bool in;
  };
  const Probe probes[] = {
      // Oniguruma: 16.0.
      {0x2EBF0, kLetter, true},
      {0x10D50, kLetter, true},
      {0x1E5D0, kLetter, true},
      {0x16D70, kNumber, true},
      {0x1CCF0, kNumber, true},
      {0x11DE0, kNumber, false},
      {0x1E5FF, kPunct, true},
      {0x166D, kPunct, false},
      {0x111C9, kPunct, false},
      {0x1CC00, kSymbol, true},
      {0x10D69, kMark, true},
      {0x10D50, kOnigWord, true},
      {0xB2, kOnigWord, true},
      {0x200D, kOnigWord, false},
      // Rust regex-syntax \w: 16.0.
      {0x10D50, kWord, true},
      {0x200D, kWord, true},
      {0xB2, kWord, false},
      // Rust char::is_numeric: 17.0.
      {0x11DE0, kNumeric, true},
      {0x16D70, kNumeric, true},
      // unicode_categories: 8.0.
      {0x2E43, kCategoriesPunct, false},
      {0x166D, kCategoriesPunct, true},
      {0x111C9, kCategoriesPunct, true},
      {0x1E5FF, kCategoriesPunct, false},
      {0x21, kCategoriesPunct, true},
      {0x8E2, kOther, false},
      {0x200B, kOther, true},
      {0xE000, kOther, true},
      {0x8D4, kMarkNonspacing, false},
      {0x301, kMarkNonspacing, true},
      // unicode-normalization-alignments: 9.0.
      {0x8D4, kCombiningMark, true},
      {0x7FD, kCombiningMark, false},
      {0x10D69, kCombiningMark, false},
      // White space: the same in every version.
      {0x85, kWhiteSpace, true},
      {0x180E, kWhiteSpace, false},
      {0x3000, kWhiteSpace, true},
  };
  for (const Probe& p : probes) {
    EXPECT_EQ((char_class(p.cp) & p.bit) != 0, p.in) << "U+" << std::hex << uint32_t(p.cp) << " bit " << p.bit;
  }
  size_t letters = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) letters += (char_class(cp) & kLetter) != 0;
  EXPECT_EQ(letters, 141028u);  // \p{L} in Unicode 16.0, as the reference's Oniguruma counts it
  EXPECT_EQ(char_class(0x110000), 0);
}

// UnicodeScripts cuts where the script changes; spaces (script "Any") join
// the piece before them and are dropped before the first other character.
TEST(HfUnicodeScripts, CutsAtScriptChangesAsTheReferenceDoes) {
  auto t = load(R"({"pre_tokenizer":{"type":"UnicodeScripts"},
                    "model":{"type":"WordLevel","unk_token":"?",
                             "vocab":{"?":0,"Yes":1,"Apples are ":2,"どこで生れ":3,"りんご 林檎":4,"abc":5}}})");
  ASSERT_TRUE(t) << t.status().to_string();
  struct Row {
    const char* text;
    std::vector<uint32_t> ids;
  };
  const Row rows[] = {
      {"どこで生れ。Yes", {3, 0, 1}},  // kana and kanji are one script; 。 is Common
      {"Apples are りんご 林檎", {2, 4}},
      {" abc", {5}},       // the leading space is dropped
      {"   ", {}},         // nothing but "Any"
      {"abc123", {5, 0}},  // digits are Common
      {"\xE3\x83\xBC"
       "abc",
       {0, 5}},  // U+30FC counts as Han
  };
  for (const Row& r : rows) EXPECT_EQ((*t)->encode(r.text), r.ids) << r.text;
  EXPECT_EQ(unicode_script(U' '), 0);
  EXPECT_EQ(unicode_script(U'\x4E00'), unicode_script(U'\x3042'));  // Han == Hiragana
  EXPECT_EQ(unicode_script(U'\x20BF'), 0);                          // BITCOIN SIGN, added in Unicode 10.0
}

// is_valid_utf8 checks the common sequences inline; sanitize_utf8 goes
// through the one general sequence check. They must agree on every input.
TEST(HfInvalidUtf8, FastValidatorAgreesWithSanitizer) {
  std::mt19937_64 rng(7);
  const unsigned char interesting[] = {0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC,
                                       0xED, 0xEE, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x9F, 0xA0, 0x8F, 0x90};
  size_t valid = 0;
  for (int round = 0; round < 200000; ++round) {
    std::string s;
    const size_t len = rng() % 12;
    for (size_t k = 0; k < len; ++k) {
      // Mostly bytes that make or break sequences, some ASCII runs of every
      // length up to 40 for the 16- and 8-byte fast paths.
      if (rng() % 8 == 0) {
        s.append(1 + rng() % 40, 'x');
      } else {
        s.push_back(static_cast<char>(interesting[rng() % sizeof interesting]));
      }
    }
    const bool expected = sanitize_utf8(s) == s;
    ASSERT_EQ(is_valid_utf8(s), expected) << "round " << round;
    valid += expected;
  }
  EXPECT_GT(valid, 1000u);  // both outcomes were exercised
  EXPECT_TRUE(is_valid_utf8("\xC3\xA9\xE4\xB8\x80\xED\x9F\xBF\xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xE1\x80"));      // truncated
  EXPECT_TRUE(is_valid_utf8("\xE0\xA4\x95"));   // U+0915 DEVANAGARI KA
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));  // overlong
  // first_non_ascii at every offset and length around its block sizes.
  for (size_t len = 0; len < 40; ++len) {
    for (size_t at = 0; at <= len; ++at) {
      std::string t(len, 'a');
      if (at < len) t[at] = '\xC3';
      for (size_t from = 0; from <= at && from <= len; ++from) {
        ASSERT_EQ(first_non_ascii(t, from), at) << len << " " << at << " " << from;
      }
    }
  }
}

TEST(HfProvider, ResolvesPresetsAliasesAndHfIds) {
  auto p = make_hf_provider();
  EXPECT_EQ(p->resolve("llama-3"), "llama-3");
  EXPECT_EQ(p->resolve("LLAMA3"), "llama-3");
  EXPECT_EQ(p->resolve("gemini"), "gemini");
  EXPECT_EQ(p->resolve("hf:Qwen/Qwen3-8B"), "hf:Qwen/Qwen3-8B");
  EXPECT_EQ(p->resolve("hf:org/name@v1.0"), "hf:org/name@v1.0");
  EXPECT_EQ(p->resolve("hf:/tmp/x/tokenizer.json"), "hf:/tmp/x/tokenizer.json");
  EXPECT_FALSE(p->resolve("cl100k_base"));
  EXPECT_FALSE(p->resolve("hf:not a repo"));
  EXPECT_EQ(p->resolve("gemini-2.5"), "gemini");
  EXPECT_EQ(p->resolve("Gemini-3"), "gemini");
  bool gemini_labelled = false;
  for (const TokenizerInfo& info : p->list()) {
    EXPECT_FALSE(info.exactness_reason.empty()) << info.id;
    if (info.id == "gemini") {
      gemini_labelled = info.exactness == Exactness::kExactLocalTokenizer &&
                        info.exactness_reason.find("as Google's local tokenizer counts it") != std::string::npos;
    } else {
      EXPECT_EQ(info.exactness, Exactness::kExact) << info.id;
    }
  }
  EXPECT_TRUE(gemini_labelled);
}

TEST(HfProvider, LoadsALocalFileAndDirectory) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("epubtok-hf-local-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "tokenizer.json") << tiny_bpe();
  auto p = make_hf_provider();
  for (const std::string& name : {"hf:" + (dir / "tokenizer.json").string(), "hf:" + dir.string()}) {
    auto id = p->resolve(name);
    ASSERT_TRUE(id) << name;
    auto t = p->load(*id);
    ASSERT_TRUE(t) << t.status().to_string();
    EXPECT_EQ((*t)->count("abb"), 1u);
  }
  auto missing = p->load(*p->resolve("hf:" + (dir / "nope.json").string()));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.status().code(), ErrorCode::kFileNotFound);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace epubtok::tokenizers::hf
