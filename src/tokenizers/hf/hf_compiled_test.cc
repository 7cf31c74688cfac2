// Compiled tokenizer.json files (HfTokenizer::compile_file, from_file's
// compiled path): the same ids as the source on every preset, and a
// damaged, stale or foreign compiled file falls back to the source.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "core/compiled_file.h"
#include "core/data_dir.h"
#include "support/prose.h"
#include "tokenizers/hf/hf_tokenizer.h"

namespace epubtok::tokenizers::hf {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> texts() {
  std::vector<std::string> t = {
      "Hello, world! It's 2024: 12345678 apples cost $3.50.\n\n  Indented\tline\r\n",
      "Ünïcødé façade — naïve coöperation; Straße, œuvre. Съешь же ещё этих мягких булок.",
      "Ἐν ἀρχῇ ἦν ὁ λόγος. مرحبا بالعالم. שלום עולם. धर्मक्षेत्रे कुरुक्षेत्रे समवेता युयुत्सवः।",
      "我能吞下玻璃而不伤身体。日本語のテキストです。한국어 텍스트입니다. ภาษาไทยง่ายนิดเดียว",
      "<bos><eos><start_of_turn>user <|begin_of_text|><|im_start|> <unk> <pad> <｜begin▁of▁sentence｜>",
      std::string(200, ' ') + "x" + std::string(30, '\n') + "\t\t  y    z",
  };
  std::mt19937 rng(11);
  std::string random;
  for (int i = 0; i < 3000; ++i) random += static_cast<char>(0x20 + rng() % 0x5F);
  t.push_back(random);
  return t;
}

class HfCompiledTest : public ::testing::Test {
 protected:
  HfCompiledTest() : dir_(fs::temp_directory_path() / ("epubtok-hf-compiled-test-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_);
  }
  ~HfCompiledTest() override { fs::remove_all(dir_); }

  // A private copy of a preset's tokenizer.json (the test writes next to it).
  fs::path copy_of(const std::string& preset) {
    const fs::path from = data_dir() / "hf" / preset / "tokenizer.json";
    if (!fs::exists(from)) return {};
    fs::create_directories(dir_ / preset);
    fs::copy_file(from, dir_ / preset / "tokenizer.json", fs::copy_options::overwrite_existing);
    return dir_ / preset / "tokenizer.json";
  }
  static std::shared_ptr<const HfTokenizer> load(const fs::path& p, bool use_compiled,
                                                 std::vector<std::string> unmatched = {}) {
    HfLoadOptions o;
    o.use_compiled = use_compiled;
    o.unmatched_added_tokens = std::move(unmatched);
    auto r = HfTokenizer::from_file(p, {}, o);
    EXPECT_TRUE(r) << r.status().to_string();
    return r ? *r : nullptr;
  }
  static void expect_same(const HfTokenizer& a, const HfTokenizer& b) {
    for (const std::string& text : texts()) {
      EXPECT_EQ(a.encode(text), b.encode(text)) << text.substr(0, 40);
      EXPECT_EQ(a.count(text), b.count(text)) << text.substr(0, 40);
    }
    EXPECT_EQ(a.info().vocab_size, b.info().vocab_size);
    EXPECT_EQ(a.info().type, b.info().type);
    EXPECT_EQ(a.special_overhead(), b.special_overhead());
    for (size_t pos : {size_t{5}, size_t{6}, size_t{12}}) {
      const std::string text = texts()[0];
      EXPECT_EQ(a.is_clean_split(text, pos), b.is_clean_split(text, pos)) << pos;
    }
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void write(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
  }
  fs::path dir_;
};

TEST_F(HfCompiledTest, CompiledAndSourceLoadsAgreeOnEveryPreset) {
  for (const std::string preset : {"llama-3", "llama-3.1", "llama-2", "qwen-3", "deepseek-v3", "gemma-3"}) {
    const fs::path src = copy_of(preset);
    if (src.empty()) GTEST_SKIP() << "presets not installed (make vocab)";
    ASSERT_EQ(HfTokenizer::compile_file(src, HfTokenizer::compiled_path(src)), "") << preset;
    auto mapped = load(src, true);
    auto parsed = load(src, false);
    ASSERT_TRUE(mapped && parsed);
    EXPECT_TRUE(mapped->compiled()) << preset;
    EXPECT_FALSE(parsed->compiled()) << preset;
    expect_same(*mapped, *parsed);
    if (preset == "gemma-3") {
      // gemini: gemma-3's file with control tokens left unmatched, from the
      // same compiled file.
      const std::vector<std::string> control = {"<pad>", "<eos>", "<bos>", "<unk>", "<mask>"};
      auto gemini = load(src, true, control);
      ASSERT_TRUE(gemini);
      EXPECT_TRUE(gemini->compiled());
      expect_same(*gemini, *load(src, false, control));
    }
    fs::remove_all(src.parent_path());  // the copies are large
  }
}

// Long CJK pieces are cut at the vocabulary's split points, with the split
// filter mapped from the compiled file or built from the source: either way
// the ids equal those of the literal pipeline, which never cuts.
TEST_F(HfCompiledTest, CutCjkPiecesKeepTheIdsOfTheWholePieces) {
  for (const std::string preset : {"llama-3", "qwen-3", "deepseek-v3"}) {
    const fs::path src = copy_of(preset);
    if (src.empty()) GTEST_SKIP() << "presets not installed (make vocab)";
    ASSERT_EQ(HfTokenizer::compile_file(src, HfTokenizer::compiled_path(src)), "") << preset;
    HfLoadOptions literal;
    literal.use_scanners = false;
    literal.raw_byte_level = false;
    auto whole = HfTokenizer::from_file(src, {}, literal);
    ASSERT_TRUE(whole) << whole.status().to_string();
    for (const bool use_compiled : {true, false}) {
      auto cut = load(src, use_compiled);
      ASSERT_TRUE(cut);
      for (const char* lang : {"zh", "ja"}) {
        for (uint64_t seed = 1; seed <= 3; ++seed) {
          const std::string text = test_support::generate_prose(lang, seed, 2000);
          EXPECT_EQ(cut->encode(text), (*whole)->encode(text)) << preset << " " << lang << " " << seed;
          EXPECT_EQ(cut->count(text), (*whole)->encode(text).size()) << preset << " " << lang << " " << seed;
        }
      }
    }
    fs::remove_all(src.parent_path());
  }
}

TEST_F(HfCompiledTest, DamagedStaleOrForeignCompiledFilesFallBackToTheSource) {
  const fs::path src = copy_of("llama-2");
  const fs::path other = copy_of("qwen-3");
  if (src.empty() || other.empty()) GTEST_SKIP() << "presets not installed (make vocab)";
  const fs::path out = HfTokenizer::compiled_path(src);
  ASSERT_EQ(HfTokenizer::compile_file(src, out), "");
  ASSERT_EQ(HfTokenizer::compile_file(other, HfTokenizer::compiled_path(other)), "");
  const std::string good = read(out);
  auto reference = load(src, false);
  ASSERT_TRUE(reference);

  std::vector<std::pair<std::string, std::string>> bad;
  bad.emplace_back("truncated", good.substr(0, good.size() - 64));
  bad.emplace_back("empty", "");
  for (size_t at : {size_t{120}, good.size() / 2, good.size() - 1}) {
    std::string flipped = good;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x01);
    bad.emplace_back("bit flip at " + std::to_string(at), flipped);
  }
  {
    std::string v = good;
    const uint32_t version = compiled::kFormatVersion - 1;
    std::memcpy(v.data() + offsetof(compiled::FileHeader, format_version), &version, 4);
    bad.emplace_back("older format version", v);
  }
  {
    std::string k = good;
    const uint32_t kind = static_cast<uint32_t>(compiled::Kind::kTiktoken);
    std::memcpy(k.data() + offsetof(compiled::FileHeader, kind), &kind, 4);
    bad.emplace_back("tiktoken kind", k);
  }
  bad.emplace_back("another preset's file", read(HfTokenizer::compiled_path(other)));
  for (const auto& [what, bytes] : bad) {
    write(out, bytes);
    auto t = load(src, true);
    ASSERT_TRUE(t) << what;
    EXPECT_FALSE(t->compiled()) << what;
    expect_same(*t, *reference);
  }

  // Stale: the source gained a trailing newline after compiling.
  write(out, good);
  ASSERT_TRUE(load(src, true)->compiled());
  write(src, read(src) + "\n");
  auto stale = load(src, true);
  ASSERT_TRUE(stale);
  EXPECT_FALSE(stale->compiled());
  expect_same(*stale, *reference);

  // A damaged source is still an error (TOKENIZER_JSON_INVALID), however
  // good its compiled file was.
  ASSERT_EQ(HfTokenizer::compile_file(src, out), "");
  std::string broken = read(src);
  broken.resize(broken.size() / 2);
  write(src, broken);
  auto r = HfTokenizer::from_file(src, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), ErrorCode::kTokenizerJson);
}

TEST_F(HfCompiledTest, LoadsFromAReadOnlyDirectory) {
  const fs::path src = copy_of("llama-2");
  if (src.empty()) GTEST_SKIP() << "presets not installed (make vocab)";
  ASSERT_EQ(HfTokenizer::compile_file(src, HfTokenizer::compiled_path(src)), "");
  const auto ro = fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read;
  fs::permissions(src, ro);
  fs::permissions(HfTokenizer::compiled_path(src), ro);
  fs::permissions(src.parent_path(), ro | fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec);
  auto t = load(src, true);
  fs::permissions(src.parent_path(), fs::perms::owner_all);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->compiled());
  EXPECT_EQ(t->encode("read only"), load(src, false)->encode("read only"));
}

}  // namespace
}  // namespace epubtok::tokenizers::hf
