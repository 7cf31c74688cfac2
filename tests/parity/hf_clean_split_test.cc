// HfTokenizer::is_clean_split against whole-text encoding: at every position
// it accepts, the ids of the two halves, concatenated, must be the ids of
// the whole. Checked on the real presets (whose ids the parity test holds to
// the reference) with adversarial strings and generated prose, against both
// the fast pipeline and the literal one (PCRE2 patterns, GPT-2 alphabet),
// and on preset variants whose added tokens must switch cuts off.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "support/prose.h"
#include "support/random_unicode.h"
#include "support/tricky_strings.h"
#include "tokenizers/hf/hf_tokenizer.h"

namespace epubtok::tokenizers::hf {
namespace {

namespace fs = std::filesystem;

fs::path data_dir() {
  if (const char* d = std::getenv("EPUBTOK_DATA_DIR")) return d;
  const char* s = std::getenv("EPUBTOK_SOURCE_DIR");
  return fs::path(s ? s : ".") / "data";
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::shared_ptr<const HfTokenizer> load_json(const std::string& json, const HfLoadOptions& options = {}) {
  auto t = HfTokenizer::from_json(json, TokenizerInfo{}, options);
  EXPECT_TRUE(t) << t.status().to_string();
  return t ? *t : nullptr;
}

// Strings built from fragments chosen to sit on either side of a cut: the
// cut characters, letters and digits of many scripts (some that the
// normalizer composes, some at the edges of DeepSeek's CJK ranges), marks,
// punctuation that takes line breaks, contractions, white space, invalid
// UTF-8 and the presets' special tokens and their look-alikes.
std::string adversarial_string(std::mt19937_64& rng) {
  static const std::vector<std::string> fragments = {"a",
                                                     "Z",
                                                     "q",
                                                     "s",
                                                     "t",
                                                     "ll",
                                                     "9",
                                                     "42",
                                                     "12345",
                                                     "\u00e9",
                                                     "e\u0301",
                                                     "\u00c5",
                                                     "\u212b",
                                                     "\u2126",
                                                     "\u0436",
                                                     "\u03a9",
                                                     "\u05d0",
                                                     "\u0628",
                                                     "\u304b",
                                                     "\u304b\u3099",
                                                     "\u30ab",
                                                     "\u30fc",
                                                     "\u30fb",
                                                     "\u309b",
                                                     "\u3040",
                                                     "\u4e2d",
                                                     "\u9fa5",
                                                     "\u9fa6",
                                                     "\uf900",
                                                     "\uac00",
                                                     "\u1100\u1161",
                                                     "\u11a8",
                                                     "\u0915",
                                                     "\u093c",
                                                     "\u0958",
                                                     "\u0e01",
                                                     "\u0661",
                                                     "\u00b2",
                                                     "\u2460",
                                                     "\u216b",
                                                     "\u0374",
                                                     "\u037e",
                                                     "\u1e9b\u0323",
                                                     "\U0001d400",
                                                     " ",
                                                     "  ",
                                                     "   ",
                                                     "\n",
                                                     "\n\n",
                                                     "\r\n",
                                                     "\r",
                                                     "\t",
                                                     " \n",
                                                     "\u3002",
                                                     "\u3001",
                                                     "\u3000",
                                                     "\u00a0",
                                                     "\u2028",
                                                     "'",
                                                     "'s",
                                                     "'LL",
                                                     "'re",
                                                     "\u2019",
                                                     ".",
                                                     ",",
                                                     "!",
                                                     "?",
                                                     "\u2014",
                                                     "/",
                                                     "(",
                                                     ")",
                                                     "\"",
                                                     "$",
                                                     "_",
                                                     "\u0301",
                                                     "\u0308",
                                                     "\u3099",
                                                     "\u200d",
                                                     "\u200b",
                                                     "\U0001F600",
                                                     "\xff",
                                                     "\xe3\x81",
                                                     "\xc3",
                                                     "\xc1\x81",
                                                     "\xe0\x81\x81",
                                                     "\xed\xa0\x80",
                                                     "\u2474",
                                                     "\ufb01",
                                                     "\u00bd",
                                                     "<|endoftext|>",
                                                     "<|im_start|>",
                                                     "<|begin_of_text|>",
                                                     "<think>",
                                                     "</think>",
                                                     "<\uff5cbegin\u2581of\u2581sentence\uff5c>",
                                                     "<|fim_prefix|>",
                                                     "<|end",
                                                     "of_text|>",
                                                     "<s>",
                                                     "</s>"};
  return test_support::random_fragment_string(rng, fragments);
}

std::vector<uint32_t> concat(std::vector<uint32_t> a, const std::vector<uint32_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Checks every accepted cut of `text` with `t` (and the whole against
// `oracle`'s ids, when given); returns how many cuts were accepted.
size_t check_cuts(const HfTokenizer& t, const HfTokenizer* oracle, const std::string& text, const std::string& label) {
  const std::vector<uint32_t> whole = t.encode(text);
  if (oracle) {
    EXPECT_EQ(whole, oracle->encode(text)) << label << ": fast and literal pipelines differ on the whole";
  }
  size_t accepted = 0;
  const std::string_view v(text);
  for (size_t pos = 0; pos <= text.size() + 1; ++pos) {
    if (!t.is_clean_split(text, pos)) continue;
    ++accepted;
    const std::vector<uint32_t> split = concat(t.encode(v.substr(0, pos)), t.encode(v.substr(pos)));
    EXPECT_EQ(whole, split) << label << " at byte " << pos << " of \"" << text << "\"";
    if (whole != split) break;
    if (t.count(v.substr(0, pos)) + t.count(v.substr(pos)) != t.count(text)) {
      ADD_FAILURE() << label << ": counts do not split at byte " << pos;
      break;
    }
  }
  return accepted;
}

class HfCleanSplit : public ::testing::TestWithParam<std::string> {};

TEST_P(HfCleanSplit, IdsSplitAtEveryAcceptedCut) {
  const std::string preset = GetParam();
  const fs::path file = data_dir() / "hf" / preset / "tokenizer.json";
  ASSERT_TRUE(fs::exists(file)) << file << " is missing; run scripts/fetch-vocab (make vocab)";
  const std::string json = read_file(file);
  auto fast = load_json(json);
  HfLoadOptions literal;
  literal.use_scanners = false;
  literal.raw_byte_level = false;
  auto slow = load_json(json, literal);
  ASSERT_TRUE(fast && slow);

  // The byte-level presets accept cuts; the SentencePiece ones (a Metaspace
  // or a " " → "▁" Replace that prepends and rewrites) must accept none.
  const bool expects_cuts = preset == "llama-3" || preset == "qwen-3" || preset == "deepseek-v3";
  std::mt19937_64 rng(20261129);
  size_t accepted = 0;
  for (int i = 0; i < 6000; ++i) {
    const std::string text = adversarial_string(rng);
    accepted += check_cuts(*fast, i % 4 == 0 ? slow.get() : nullptr, text, preset);
    if (HasFailure()) return;
  }
  for (const std::string& text : test_support::tricky_strings())
    accepted += check_cuts(*fast, slow.get(), text, preset);
  // Prose: the cuts count_joined() relies on exist in every script with
  // spaces between words (not Thai, nor Japanese or Chinese).
  for (const std::string& language : test_support::prose_languages()) {
    const std::string text = test_support::generate_prose(language, 7, 60);
    size_t n = 0;
    for (size_t pos = 0; pos < text.size(); ++pos) n += fast->is_clean_split(text, pos);
    if (expects_cuts && language != "th" && language != "ja" && language != "zh") {
      EXPECT_GT(n, 20u) << preset << " " << language;
    }
    accepted += check_cuts(*fast, nullptr, text, preset + " " + language);
    if (HasFailure()) return;
  }
  if (expects_cuts) {
    EXPECT_GT(accepted, 2000u) << preset << ": too few clean splits to test the rule";
  } else {
    EXPECT_EQ(accepted, 0u) << preset;
  }
}

INSTANTIATE_TEST_SUITE_P(Presets, HfCleanSplit,
                         ::testing::Values("llama-3", "qwen-3", "deepseek-v3", "llama-2", "gemma-3"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == '-' || c == '.') c = '_';
                           return n;
                         });

// llama-3 with an NFKC normalizer, which maps some letters and numbers to
// text ending in punctuation (⑴ → "(1)"): only cuts after characters the
// normalizer keeps may be accepted.
TEST(HfCleanSplitNormalizer, CutsFollowWhatTheNormalizerKeeps) {
  const fs::path file = data_dir() / "hf" / "llama-3" / "tokenizer.json";
  ASSERT_TRUE(fs::exists(file)) << file << " is missing; run scripts/fetch-vocab (make vocab)";
  boost::json::value doc = boost::json::parse(read_file(file));
  doc.as_object()["normalizer"] = boost::json::object{{"type", "NFKC"}};
  auto t = load_json(boost::json::serialize(doc));
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->is_clean_split("a\nb", 1));
  EXPECT_FALSE(t->is_clean_split("\u2474\nb", 3));  // NFKC: "(1)\n" is one piece
  std::mt19937_64 rng(3);
  size_t accepted = 0;
  for (int i = 0; i < 6000 && !HasFailure(); ++i)
    accepted += check_cuts(*t, nullptr, adversarial_string(rng), "llama-3+NFKC");
  EXPECT_GT(accepted, 800u);
}

// qwen-3 with one more added token: each variant must switch off exactly
// the cuts the token could reach across, and what remains must still split.
TEST(HfCleanSplitAddedTokens, TokensThatCouldStraddleACutSwitchItOff) {
  const fs::path file = data_dir() / "hf" / "qwen-3" / "tokenizer.json";
  ASSERT_TRUE(fs::exists(file)) << file << " is missing; run scripts/fetch-vocab (make vocab)";
  const boost::json::value base = boost::json::parse(read_file(file));
  struct Variant {
    const char* content;
    bool rstrip;
    bool normalized;
    bool space_cut, newline_cut;
  };
  const Variant variants[] = {
      {"x y", false, false, false, true},   // contains the space
      {"x\ny", false, true, true, false},   // contains the line feed (normalized token)
      {"word", true, false, false, false},  // rstrip: "word" would swallow the cut
      {"word", false, false, true, true},   // harmless
  };
  for (const Variant& v : variants) {
    boost::json::value doc = base;
    boost::json::object token{{"id", 151700},    {"content", v.content}, {"single_word", false},
                              {"lstrip", false}, {"rstrip", v.rstrip},   {"normalized", v.normalized},
                              {"special", false}};
    doc.as_object()["added_tokens"].as_array().push_back(token);
    auto t = load_json(boost::json::serialize(doc));
    ASSERT_TRUE(t);
    const std::string label = std::string("added \"") + v.content + "\" rstrip=" + (v.rstrip ? "1" : "0");
    EXPECT_EQ(t->is_clean_split("a b", 1), v.space_cut) << label;
    EXPECT_EQ(t->is_clean_split("a\nb", 1), v.newline_cut) << label;
    // Where the cut is still accepted, the token's text around it splits.
    for (const char* text : {"x y", "word y", "x\ny", "word\ny", "a word b", "sword y", "x yx y", "word word"}) {
      check_cuts(*t, nullptr, text, label);
    }
    std::mt19937_64 rng(7);
    for (int i = 0; i < 300; ++i) check_cuts(*t, nullptr, adversarial_string(rng) + " word " + v.content, label);
  }
}

}  // namespace
}  // namespace epubtok::tokenizers::hf
