// count_joined() against counting the joined text directly, and the
// clean splits of the tokenizers that have them against whole-text encoding.
#include "count/joined_count.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "support/prose.h"
#include "support/random_unicode.h"
#include "tokenizers/registry.h"

namespace epubtok::count {
namespace {

using tokenizers::Tokenizer;

// The tokenizers that know clean splits: the tiktoken encodings and the
// Hugging Face byte-level presets (see HfTokenizer::is_clean_split).
const std::vector<std::string>& splitting_ids() {
  static const std::vector<std::string> ids = {"cl100k_base", "o200k_base", "p50k_base", "r50k_base",
                                               "claude",      "llama-3",    "qwen-3",    "deepseek-v3"};
  return ids;
}

std::shared_ptr<const Tokenizer> load(const std::string& id) {
  auto tokenizer = tokenizers::Registry::global().get(id);
  if (!tokenizer) ADD_FAILURE() << tokenizer.status().to_string();
  return tokenizer ? *tokenizer : nullptr;
}

// Random strings built from the fragments that stress the rules a clean
// split relies on: letters of the scripts the rule accepts and of others,
// the four cut characters, characters that attach to what precedes them
// (combining marks, the kana voicing mark, half-width voicing, line feeds
// after punctuation, apostrophe suffixes), characters NFKC rewrites, other
// white space, and special-token text.
std::string adversarial_string(std::mt19937_64& rng) {
  static const std::vector<std::string> fragments = {"a",
                                                     "Z",
                                                     "q",
                                                     "9",
                                                     "42",
                                                     "12345",
                                                     "\u00e9",
                                                     "\u00c0",
                                                     "\u0436",
                                                     "\u0416",
                                                     "\u03a9",
                                                     "\u03c9",
                                                     "\u05d0",
                                                     "\u0628",
                                                     "\u304b",
                                                     "\u30ab",
                                                     "\u4e2d",
                                                     "\u6587",
                                                     "\uac00",
                                                     "\u0915",
                                                     "\u0e01",
                                                     "\u0661",
                                                     " ",
                                                     "  ",
                                                     " ",
                                                     "\n",
                                                     "\n\n",
                                                     "\r\n",
                                                     "\r",
                                                     "\t",
                                                     "\u3002",
                                                     "\u3001",
                                                     "\uff0c",
                                                     "\u3000",
                                                     "\u00a0",
                                                     "'",
                                                     "'s",
                                                     "'LL",
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
                                                     "\u0301",
                                                     "\u0308",
                                                     "\u3099",
                                                     "\u309a",
                                                     "\uff76",
                                                     "\uff9e",
                                                     "\ufb01",
                                                     "\u00a8",
                                                     "\u2126",
                                                     "\u00bd",
                                                     "\u093c",
                                                     "\u093f",
                                                     "\u093e",
                                                     "\u094d",
                                                     "\u0902",
                                                     "\u0903",
                                                     "\u093d",
                                                     "\u0950",
                                                     "\u0958",
                                                     "\u0929",
                                                     "\u0964",
                                                     "\u0965",
                                                     "\u0967",
                                                     "\u0978",
                                                     "\u0995",
                                                     "\u09be",
                                                     "\u09cd",
                                                     "\u09cb",
                                                     "\u09e7",
                                                     "\u09dc",
                                                     "\u0e31",
                                                     "\u0e33",
                                                     "\u0e46",
                                                     "\u0e2f",
                                                     "\u0e51",
                                                     "\u064e",
                                                     "\u0651",
                                                     "\u060c",
                                                     "\u0600",
                                                     "\u0675",
                                                     "\u05b7",
                                                     "\u05be",
                                                     "\u05f3",
                                                     "\u200d",
                                                     "\u200b",
                                                     "\U0001F600",
                                                     "\U0001F44D\U0001F3FD",
                                                     "<EOT>",
                                                     "<META>",
                                                     "<|endoftext|>",
                                                     "<|fim_prefix|>",
                                                     "EOT>",
                                                     "<EO"};
  return test_support::random_fragment_string(rng, fragments);
}

std::vector<uint32_t> concat(std::vector<uint32_t> a, const std::vector<uint32_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(CleanSplitTest, EncodingSplitsExactlyAtEveryCleanSplitOfAdversarialStrings) {
  for (const std::string& id : splitting_ids()) {
    auto tokenizer = load(id);
    ASSERT_TRUE(tokenizer);
    std::mt19937_64 rng(20261129);
    size_t checked = 0;
    for (int i = 0; i < 5000; ++i) {
      const std::string text = adversarial_string(rng);
      const std::vector<uint32_t> whole = tokenizer->encode(text);
      for (size_t pos = 0; pos <= text.size(); ++pos) {
        if (!tokenizer->is_clean_split(text, pos)) continue;
        ++checked;
        const std::string_view v(text);
        ASSERT_EQ(whole, concat(tokenizer->encode(v.substr(0, pos)), tokenizer->encode(v.substr(pos))))
            << id << " at byte " << pos << " of \"" << text << "\"";
      }
    }
    EXPECT_GT(checked, 1000u) << id << ": too few clean splits to test the rule";
  }
}

TEST(CleanSplitTest, ProseHasCleanSplitsThatSplitTheCount) {
  for (const std::string& id : splitting_ids()) {
    auto tokenizer = load(id);
    ASSERT_TRUE(tokenizer);
    for (const std::string& language : test_support::prose_languages()) {
      const std::string text = test_support::generate_prose(language, 7, 400);
      const uint64_t whole = tokenizer->count(text);
      std::vector<size_t> splits;
      for (size_t pos = 0; pos < text.size(); ++pos) {
        if (tokenizer->is_clean_split(text, pos)) splits.push_back(pos);
      }
      // Scripts without spaces between words and outside the accepted
      // letter set (Thai, Devanagari) may have none; so may Chinese and
      // Japanese for the HF presets, which accept no cut after 、 or 。.
      // The others must have plenty, or count_joined() would recount
      // whole chapters.
      const bool hf = id == "llama-3" || id == "qwen-3" || id == "deepseek-v3";
      if (language != "th" && language != "hi" && !(hf && (language == "zh" || language == "ja"))) {
        EXPECT_GT(splits.size(), 20u) << id << " " << language;
      }
      const size_t step = std::max<size_t>(1, splits.size() / 25);
      for (size_t k = 0; k < splits.size(); k += step) {
        const std::string_view v(text);
        ASSERT_EQ(whole, tokenizer->count(v.substr(0, splits[k])) + tokenizer->count(v.substr(splits[k])))
            << id << " " << language << " at byte " << splits[k];
      }
    }
  }
}

TEST(CleanSplitTest, OutOfRangePositionsAreNotCleanSplits) {
  auto tokenizer = load("cl100k_base");
  ASSERT_TRUE(tokenizer);
  EXPECT_FALSE(tokenizer->is_clean_split("a b", 0));
  EXPECT_FALSE(tokenizer->is_clean_split("a b", 3));
  EXPECT_FALSE(tokenizer->is_clean_split("a b", 99));
  EXPECT_TRUE(tokenizer->is_clean_split("a b", 1));
  EXPECT_FALSE(tokenizer->is_clean_split("a. b", 2));   // punctuation before the space
  EXPECT_FALSE(tokenizer->is_clean_split("a.\nb", 2));  // cl100k absorbs "\n" after punctuation
}

// Segment lists whose joins exercise every case of count_joined(): empty
// segments, segments with no clean split, one clean split, many, and ends
// that merge with the separator.
std::vector<std::string> random_segments(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> count(0, 7);
  std::uniform_int_distribution<int> kind(0, 5);
  const std::vector<std::string> languages = test_support::prose_languages();
  std::vector<std::string> segments;
  for (int n = count(rng); n > 0; --n) {
    switch (kind(rng)) {
      case 0: segments.emplace_back(); break;
      case 1: segments.push_back(adversarial_string(rng)); break;
      case 2: {
        std::string s;
        for (int k = 0; k < 4; ++k) s += adversarial_string(rng);
        segments.push_back(std::move(s));
        break;
      }
      case 3:
        segments.push_back(test_support::random_unicode(rng(), 60, test_support::RandomUnicodeMode::kMixedScriptWords));
        break;
      default: {
        const std::string& language = languages[rng() % languages.size()];
        segments.push_back(adversarial_string(rng) + test_support::generate_prose(language, rng(), 80) +
                           adversarial_string(rng));
      }
    }
  }
  return segments;
}

uint64_t joined_count_of(const Tokenizer& tokenizer, const std::vector<std::string>& segments,
                         std::string_view separator) {
  std::vector<std::string_view> views(segments.begin(), segments.end());
  std::vector<uint64_t> counts;
  counts.reserve(segments.size());
  for (const std::string& s : segments) counts.push_back(tokenizer.count(s));
  return count_joined(tokenizer, views, counts, separator);
}

std::string join(const std::vector<std::string>& segments, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += separator;
    out += segments[i];
  }
  return out;
}

TEST(CountJoinedTest, EqualsTheCountOfTheJoinedText) {
  std::vector<std::string> ids = splitting_ids();
  // SentencePiece presets know no clean splits: the whole join is counted.
  ids.emplace_back("llama-2");
  ids.emplace_back("gemma-3");
  for (const std::string& id : ids) {
    auto tokenizer = load(id);
    ASSERT_TRUE(tokenizer);
    std::mt19937_64 rng(42);
    for (int i = 0; i < 600; ++i) {
      const std::vector<std::string> segments = random_segments(rng);
      for (std::string_view separator : {"\n\n", " ", ""}) {
        ASSERT_EQ(joined_count_of(*tokenizer, segments, separator), tokenizer->count(join(segments, separator)))
            << id << ", case " << i << ", separator \"" << separator << "\"";
      }
    }
  }
}

// A tokenizer whose counts are easy to work out by hand: one token per run
// of non-space bytes, so joining "ab" and "cd" with "-" makes one token of
// two. Every space after a non-space is a clean split.
class RunTokenizer : public Tokenizer {
 public:
  const tokenizers::TokenizerInfo& info() const override { return info_; }
  uint64_t count(std::string_view text) const override {
    uint64_t runs = 0;
    for (size_t i = 0; i < text.size(); ++i) runs += text[i] != ' ' && (i == 0 || text[i - 1] == ' ');
    return runs;
  }
  std::vector<uint32_t> encode(std::string_view text) const override { return std::vector<uint32_t>(count(text), 0); }
  bool is_clean_split(std::string_view text, size_t pos) const override {
    return pos > 0 && pos < text.size() && text[pos] == ' ' && text[pos - 1] != ' ';
  }

 private:
  tokenizers::TokenizerInfo info_;
};

TEST(CountJoinedTest, RecountsOnlyTheJoinsAndKeepsSegmentCounts) {
  const RunTokenizer tokenizer;
  // Counts supplied for the segments are trusted for their interiors: a
  // wrong interior count shows through, which proves it is not recounted.
  const std::vector<std::string_view> segments = {"one two three", "four five", "six"};
  EXPECT_EQ(count_joined(tokenizer, segments, std::vector<uint64_t>{3, 2, 1}, "-"), 4u);  // "three-four", "five-six"
  EXPECT_EQ(count_joined(tokenizer, segments, std::vector<uint64_t>{3 + 10, 2, 1}, "-"), 4u + 10);
  EXPECT_EQ(count_joined(tokenizer, segments, std::vector<uint64_t>{3, 2, 1}, " "), 6u);
  EXPECT_EQ(count_joined(tokenizer, {}, std::vector<uint64_t>{}, "-"), 0u);
  // One segment is the whole text: its count is used as it is, not recounted.
  const std::vector<std::string_view> one = {"no clean split"};
  EXPECT_EQ(count_joined(tokenizer, one, std::vector<uint64_t>{3 + 10}, "-"), 3u + 10);
  const std::vector<std::string_view> with_empty = {"a b", "", "c d"};
  EXPECT_EQ(count_joined(tokenizer, with_empty, std::vector<uint64_t>{2, 0, 2}, "-"), 3u);  // "a", "b--c", "d"
}

}  // namespace
}  // namespace epubtok::count
