// The tiktoken provider, Registry::global(), loading errors, and the
// encoding's behaviour (ids, specials, NFKC, invalid UTF-8).
#include <gtest/gtest.h>
#include <utf8proc.h>

#include <unistd.h>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "core/data_dir.h"
#include "tokenizers/registry.h"
#include "tokenizers/tiktoken/nfkc.h"
#include "tokenizers/tiktoken/tiktoken_encoding.h"
#include "tokenizers/tiktoken/tiktoken_provider.h"

namespace epubtok::tokenizers::tiktoken {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<const Tokenizer> get(const std::string& name) {
  auto tok = Registry::global().get(name);
  EXPECT_TRUE(tok) << tok.status().to_string();
  return tok ? *tok : nullptr;
}

std::string decode(const Tokenizer& tok, const std::vector<uint32_t>& ids) {
  const auto& enc = dynamic_cast<const TiktokenEncoding&>(tok);
  std::string out;
  for (uint32_t id : ids) out += enc.token_bytes(id);
  return out;
}

TEST(TiktokenProviderTest, ResolvesIdsAndAliasesCaseInsensitively) {
  auto p = make_tiktoken_provider();
  EXPECT_EQ(p->resolve("cl100k_base"), "cl100k_base");
  EXPECT_EQ(p->resolve("GPT-4"), "cl100k_base");
  EXPECT_EQ(p->resolve("gpt-3.5-turbo"), "cl100k_base");
  EXPECT_EQ(p->resolve("text-embedding-3-small"), "cl100k_base");
  EXPECT_EQ(p->resolve("gpt-4o"), "o200k_base");
  EXPECT_EQ(p->resolve("O3-mini"), "o200k_base");
  EXPECT_EQ(p->resolve("gpt-5"), "o200k_base");
  EXPECT_EQ(p->resolve("text-davinci-003"), "p50k_base");
  EXPECT_EQ(p->resolve("gpt2"), "r50k_base");
  EXPECT_EQ(p->resolve("davinci"), "r50k_base");
  EXPECT_EQ(p->resolve("Claude-2"), "claude");
  EXPECT_EQ(p->resolve("gpt-oss-20b"), std::nullopt);  // o200k_harmony, not o200k_base
  EXPECT_EQ(p->resolve("llama-3"), std::nullopt);
}

TEST(TiktokenProviderTest, ListsFiveTokenizersWithoutLoading) {
  auto p = make_tiktoken_provider();
  const auto infos = p->list();
  ASSERT_EQ(infos.size(), 5u);
  for (const auto& info : infos) {
    EXPECT_EQ(info.type, "BPE");
    EXPECT_GT(info.vocab_size, 50000u);
    EXPECT_FALSE(info.source.empty());
    EXPECT_EQ(info.approximate(), info.id == "claude") << info.id;
  }
}

TEST(TiktokenProviderTest, RegistryReturnsOneInstancePerId) {
  auto a = get("gpt-4");
  auto b = get("cl100k_base");
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a->info().id, "cl100k_base");
  // The vocabulary sizes tiktoken reports (n_vocab) for each encoding.
  EXPECT_EQ(get("o200k_base")->info().vocab_size, 200019u);
  EXPECT_EQ(get("cl100k_base")->info().vocab_size, 100277u);
  auto unknown = Registry::global().get("no-such-model");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.status().code(), ErrorCode::kUnknownTokenizer);
}

// Ids published in OpenAI's tiktoken documentation and cookbook.
TEST(TiktokenEncodingTest, KnownIds) {
  EXPECT_EQ(get("cl100k_base")->encode("hello world"), (std::vector<uint32_t>{15339, 1917}));
  EXPECT_EQ(get("cl100k_base")->encode("tiktoken is great!"), (std::vector<uint32_t>{83, 1609, 5963, 374, 2294, 0}));
  EXPECT_EQ(get("r50k_base")->encode("hello world"), (std::vector<uint32_t>{31373, 995}));
}

TEST(TiktokenEncodingTest, CountEqualsEncodeAndIdsDecodeToTheText) {
  const std::vector<std::string> texts = {"",
                                          "a",
                                          "The quick brown fox — it's 2024!\n\n\"Quotes\" and 'apostrophes'.",
                                          "中文文本，没有空格。日本語のテキスト。",
                                          "  \t\r\n  spaces  ",
                                          "<|endoftext|> is plain text here",
                                          std::string(3000, 'z') + " " + std::string(500, '7')};
  for (const char* id : {"cl100k_base", "o200k_base", "p50k_base", "r50k_base"}) {
    auto tok = get(id);
    for (const auto& t : texts) {
      const auto ids = tok->encode(t);
      EXPECT_EQ(tok->count(t), ids.size()) << id << ": " << t.substr(0, 40);
      EXPECT_EQ(decode(*tok, ids), t) << id;
    }
  }
}

// Claude's newline-and-spaces tokens keep long white-space runs whole; their
// counts through the huge tier equal encode()'s on many distinct runs.
TEST(TiktokenEncodingTest, LongWhiteSpaceRunsCountAsTheyEncode) {
  for (const char* id : {"claude", "cl100k_base", "p50k_base"}) {
    auto t = Registry::global().get(id);
    ASSERT_TRUE(t) << t.status().to_string();
    std::string text;
    std::mt19937 rng(5);
    for (int i = 0; i < 400; ++i) {
      text += "<p>x</p>";
      const int lines = 1 + static_cast<int>(rng() % 4);
      for (int l = 0; l < lines; ++l) text += "\n" + std::string(rng() % 90, ' ');
    }
    for (int pass = 0; pass < 2; ++pass) EXPECT_EQ((*t)->count(text), (*t)->encode(text).size()) << id;
  }
}

// count() (which goes through the caches) equals encode().size() on text
// with far more distinct pieces than the caches hold, twice in a row (the
// second pass answers mostly from the caches).
TEST(TiktokenEncodingTest, CountEqualsEncodeWhenTheCachesOverflow) {
  std::mt19937_64 rng(7);
  std::string text;
  const char* const kParts[] = {"e", "t", "a", "o", "in", "th", "qu", "zz", "x", "é", "ß", "中", "文", "’", "-"};
  while (text.size() < 3'000'000) {
    const size_t letters = 1 + rng() % 14;
    for (size_t k = 0; k < letters; ++k) text += kParts[rng() % (rng() % 4 == 0 ? 15 : 9)];
    text += " ,.\n"[rng() % 4 == 0 ? rng() % 4 : 0];
  }
  for (const char* id : {"cl100k_base", "o200k_base", "p50k_base", "claude"}) {
    auto tok = get(id);
    const uint64_t expected = tok->encode(text).size();
    EXPECT_EQ(tok->count(text), expected) << id;
    EXPECT_EQ(tok->count(text), expected) << id;
  }
}

TEST(TiktokenEncodingTest, OpenAiTreatsSpecialTokenTextAsText) {
  auto tok = get("cl100k_base");
  const auto ids = tok->encode("<|endoftext|>");
  EXPECT_GT(ids.size(), 1u);
  for (uint32_t id : ids) EXPECT_NE(id, 100257u);
}

TEST(TiktokenEncodingTest, ClaudeRecognisesSpecialsAndNormalisesNfkc) {
  auto tok = get("claude");
  EXPECT_EQ(tok->encode("<EOT>"), (std::vector<uint32_t>{0}));
  EXPECT_EQ(tok->count("a<META>b"), tok->count("a") + 1 + tok->count("b"));
  // U+FB01 LATIN SMALL LIGATURE FI is "fi" under NFKC; e + U+0301 is é.
  EXPECT_EQ(tok->encode("\xEF\xAC\x81nd"), tok->encode("find"));
  EXPECT_EQ(tok->encode("caf"
                        "e\xCC\x81"),
            tok->encode("caf\xC3\xA9"));
  EXPECT_EQ(tok->count("\xEF\xAC\x81nd"), tok->encode("find").size());
}

TEST(NfkcTest, FastPathAndChanges) {
  std::string out = "untouched";
  EXPECT_FALSE(nfkc_if_needed("plain ASCII", out));
  EXPECT_EQ(out, "untouched");
  EXPECT_FALSE(nfkc_if_needed("中文文本", out));  // no decomposition, no composition
  // Cyrillic letters can start a composition (и + U+0306 → й), so they take
  // the slow path; the text must come back unchanged.
  if (nfkc_if_needed("и кириллица", out)) {
    EXPECT_EQ(out, "и кириллица");
  }
  EXPECT_TRUE(nfkc_if_needed("x \xEF\xAC\x81 y", out));
  EXPECT_EQ(out, "x fi y");
  EXPECT_TRUE(nfkc_if_needed("e\xCC\x81!", out));
  EXPECT_EQ(out, "\xC3\xA9!");
  EXPECT_TRUE(nfkc_if_needed("\xC2\xA0", out));  // NBSP → space
  EXPECT_EQ(out, " ");
  EXPECT_TRUE(
      nfkc_if_needed("a\xFF"
                     "b",
                     out));  // invalid byte → U+FFFD
  EXPECT_EQ(out,
            "a\xEF\xBF\xBD"
            "b");
}

// Checks nfkc_if_needed() against utf8proc's NFKC of the whole text, on
// 60,000 texts of 1..max_len characters, each char_of(rng); returns how
// many of them changed (the normalising path must be exercised, not only
// the fast one).
template <typename CharOf>
int expect_local_equals_whole_nfkc(std::mt19937& rng, uint32_t max_len, CharOf&& char_of) {
  int changed_cases = 0;
  for (int iter = 0; iter < 60000; ++iter) {
    std::string text;
    const uint32_t len = 1 + rng() % max_len;
    for (uint32_t k = 0; k < len; ++k) {
      utf8proc_uint8_t buf[4];
      const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(char_of(rng)), buf);
      text.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
    }
    utf8proc_uint8_t* whole = utf8proc_NFKC(reinterpret_cast<const utf8proc_uint8_t*>(text.c_str()));
    EXPECT_NE(whole, nullptr);
    if (whole == nullptr) return changed_cases;
    const std::string expected(reinterpret_cast<const char*>(whole));
    std::free(whole);
    std::string out;
    const bool changed = nfkc_if_needed(text, out);
    if (changed) ++changed_cases;
    EXPECT_EQ(changed ? out : text, expected) << "case " << iter;
    if (::testing::Test::HasFailure()) return changed_cases;
  }
  return changed_cases;
}

// nfkc_if_needed() normalises only the stretches around non-inert
// characters; the result must equal NFKC of the whole text, computed
// independently by utf8proc in one call. Random mixtures of characters
// that interact under NFKC: composable Latin/Cyrillic bases and combining
// marks (in both canonical orders), Hangul jamo and syllables, full-width
// and compatibility forms next to inert CJK and ASCII.
TEST(NfkcTest, LocalNormalisationEqualsWholeTextNfkc) {
  const char32_t pool[] = {U'a',      U'e',      U'A',      U' ',      U'.',      U'\u00E9', U'\u0301', U'\u0300',
                           U'\u0327', U'\u0323', U'\u0308', U'\u0438', U'\u0306', U'\u4E2D', U'\u6587', U'\u3002',
                           U'\uFF0C', U'\uFF21', U'\uFB01', U'\u00A0', U'\u1100', U'\u1161', U'\u11A8', U'\uAC00',
                           U'\u3131', U'\u2460', U'\u0F73', U'\u0B47', U'\u0B3E', U'\u212B', U'\u1E9B', U'\U0001D400',
                           U'\u05D9', U'\u05B4', U'\u0915', U'\u093C', U'\u30AB', U'\u3099', U'\uFF76', U'\uFF9E',
                           U'\uFF01', U'\uFF10', U'\uFF5E', U'\uFF41', U'\u3000', U'\u2026', U'\u3001', U'\u201C',
                           U'\u304B', U'\u304C', U'\u3099', U'\u309A', U'\u309B', U'\u306F', U'\u30CF', U'\u30D0',
                           U'\uAC01', U'\u0B3E', U'\u0BC6', U'\u0BBE', U'\u0CC6', U'\u0CC2', U'\u0CD5', U'\u1B05',
                           U'\u1B35', U'\u00C5', U'\u0041', U'\u030A', U'\u0346', U'\u0F71', U'\u0F72'};
  std::mt19937 rng(12345);
  const int changed = expect_local_equals_whole_nfkc(
      rng, 12, [&](std::mt19937& r) { return pool[r() % (sizeof(pool) / sizeof(pool[0]))]; });
  EXPECT_GT(changed, 1000);
}

// The same over random BMP characters of every block (no surrogates), three
// in four non-ASCII, so every stable and unstable two- and three-byte
// character meets its neighbours' kinds.
TEST(NfkcTest, LocalNormalisationEqualsWholeTextNfkcOnRandomBmp) {
  std::mt19937 rng(2026);
  const int changed = expect_local_equals_whole_nfkc(rng, 16, [](std::mt19937& r) {
    const char32_t cp = r() % 4 == 0 ? U'a' + r() % 26 : 0x80 + r() % (0x10000 - 0x80);
    return cp >= 0xD800 && cp <= 0xDFFF ? U'\u4E2D' : cp;
  });
  EXPECT_GT(changed, 1000);
}

// The characters nfkc_if_needed() maps without utf8proc, one by one, alone
// and between ASCII and Han characters: same result as utf8proc's NFKC.
TEST(NfkcTest, DirectAsciiMappingsEqualUtf8proc) {
  std::vector<char32_t> cps = {0x3000, 0x2026};
  for (char32_t cp = 0xFF01; cp <= 0xFF5E; ++cp) cps.push_back(cp);
  for (char32_t cp : cps) {
    utf8proc_uint8_t buf[4];
    const auto len = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
    const std::string c(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
    for (const std::string& text : {c, "a" + c + "b", "\u4E2D" + c + "\u6587", c + c + "\u0301"}) {
      utf8proc_uint8_t* whole = utf8proc_NFKC(reinterpret_cast<const utf8proc_uint8_t*>(text.c_str()));
      ASSERT_NE(whole, nullptr);
      const std::string expected(reinterpret_cast<const char*>(whole));
      std::free(whole);
      std::string out;
      ASSERT_TRUE(nfkc_if_needed(text, out)) << static_cast<uint32_t>(cp);
      EXPECT_EQ(out, expected) << static_cast<uint32_t>(cp);
    }
  }
}

TEST(TiktokenEncodingTest, InvalidUtf8IsEncodedAsRawBytes) {
  auto tok = get("o200k_base");
  const std::string text = "ok \xFF\xC3 \xE2\x82";
  const auto ids = tok->encode(text);
  EXPECT_EQ(decode(*tok, ids), text);
  EXPECT_EQ(tok->count(text), ids.size());
}

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("epubtok-tiktoken-test-" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(TiktokenLoadTest, MissingFileIsVocabMissingNamingFileAndFix) {
  auto r = TiktokenEncoding::load_file("/nonexistent/vocab/cl100k_base.json", {}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), ErrorCode::kVocabMissing);
  EXPECT_NE(r.status().message().find("/nonexistent/vocab/cl100k_base.json"), std::string::npos);
  EXPECT_NE(r.status().message().find(kFetchVocabHint), std::string::npos);
}

TEST(TiktokenLoadTest, DamagedFilesAreVocabCorrupt) {
  TempDir dir;
  auto write = [&](const std::string& name, const std::string& body) {
    std::ofstream(dir.path() / name) << body;
    return dir.path() / name;
  };
  const std::string all_bytes = [] {
    std::string s = "! 0";
    static const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int b = 0; b < 256; ++b) {
      s += ' ';
      s += b64[b >> 2];
      s += b64[(b & 3) << 4];
      s += "==";
    }
    return s;
  }();
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"notjson.json", "{not json"},
      {"noranks.json", R"({"pat_str": "\\s+", "special_tokens": {}})"},
      {"badb64.json", R"({"pat_str": "\\s+", "special_tokens": {}, "bpe_ranks": "! 0 @@@@"})"},
      {"missingbytes.json", R"({"pat_str": "\\s+", "special_tokens": {}, "bpe_ranks": "! 0 YQ=="})"},
      {"badregex.json", R"({"pat_str": "(", "special_tokens": {}, "bpe_ranks": ")" + all_bytes + "\"}"},
  };
  for (const auto& [name, body] : bad) {
    auto r = TiktokenEncoding::load_file(write(name, body), {}, {});
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.status().code(), ErrorCode::kVocabCorrupt) << name;
    EXPECT_NE(r.status().message().find(name), std::string::npos) << r.status().message();
  }
  // A well-formed file with the wrong number of ranks (truncated download).
  EncodingOptions opts;
  opts.expected_ranks = 100256;
  auto r = TiktokenEncoding::load_file(
      write("short.json", R"({"pat_str": "\\s+", "special_tokens": {}, "bpe_ranks": ")" + all_bytes + "\"}"), {}, opts);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), ErrorCode::kVocabCorrupt);
  // And the same file without that expectation loads, using the regex
  // pre-tokenizer for its unknown pattern.
  auto ok = TiktokenEncoding::load_file(dir.path() / "short.json", {}, {});
  ASSERT_TRUE(ok) << ok.status().to_string();
  EXPECT_FALSE((*ok)->scanner_family().has_value());
  // Only "  " matches \s+; like tiktoken's find_iter, text outside matches
  // yields no tokens. The vocabulary has single bytes only: 2 tokens.
  EXPECT_EQ((*ok)->count("ab  c"), 2u);
}

}  // namespace
}  // namespace epubtok::tokenizers::tiktoken

namespace epubtok::tokenizers::tiktoken {
namespace {

// Texts whose ids the compiled and the source load must agree on: every
// script the parity texts cover, specials, white-space runs, invalid UTF-8.
std::vector<std::string> compiled_parity_texts() {
  using namespace std::string_literals;  // "..."s keeps the embedded NUL
  std::vector<std::string> texts = {
      "Hello, world! It's 2024: 12345678 apples cost $3.50.\n\n  Indented\tline\r\n",
      "Ünïcødé façade — naïve coöperation; Straße, œuvre.",
      "Съешь же ещё этих мягких французских булок, да выпей чаю.",
      "Ἐν ἀρχῇ ἦν ὁ λόγος. مرحبا بالعالم. שלום עולם.",
      "धर्मक्षेत्रे कुरुक्षेत्रे समवेता युयुत्सवः। মামকাঃ পাণ্ডবাশ্চৈব ภาษาไทยง่ายนิดเดียว",
      "我能吞下玻璃而不伤身体。日本語のテキストです。한국어 텍스트입니다.",
      "<|endoftext|> and <|fim_prefix|> as text; <EOT> <META>",
      "bad \xff\xfe utf-8 \xc3 and a NUL \0 byte"s,
      std::string(300, ' ') + "x" + std::string(50, '\n') + "\t\t  y",
  };
  std::mt19937 rng(7);
  std::string random;
  for (int i = 0; i < 4000; ++i) random += static_cast<char>(rng() & 0xFF);
  texts.push_back(random);
  return texts;
}

void expect_same_encoding(const TiktokenEncoding& a, const TiktokenEncoding& b) {
  for (const std::string& text : compiled_parity_texts()) {
    EXPECT_EQ(a.encode(text), b.encode(text)) << text.substr(0, 40);
    EXPECT_EQ(a.count(text), b.count(text)) << text.substr(0, 40);
  }
  // Long white-space pieces are counted in chunks cut by the stored
  // automaton (WhitespaceCuts); encode() does not cut them.
  std::mt19937 rng(3);
  for (int i = 0; i < 200; ++i) {
    std::string text = "x";
    const size_t n = 23 + rng() % 300;
    for (size_t k = 0; k < n; ++k) text += " \n\t\r  \n\f"[rng() % 8];
    text += "y";
    EXPECT_EQ(a.count(text), b.count(text)) << "white space case " << i;
    EXPECT_EQ(a.count(text), a.encode(text).size()) << "white space case " << i;
  }
  ASSERT_EQ(a.ranks().rank_end(), b.ranks().rank_end());
  ASSERT_EQ(a.ranks().size(), b.ranks().size());
  for (bpe::Rank r = 0; r < a.ranks().rank_end(); ++r) ASSERT_EQ(a.ranks().bytes_of(r), b.ranks().bytes_of(r)) << r;
  EXPECT_EQ(a.scanner_family(), b.scanner_family());
}

class CompiledVocabTest : public ::testing::Test {
 protected:
  // A private copy of a built-in vocabulary (the test writes next to it).
  fs::path copy_of(const std::string& id) {
    const fs::path from = data_dir() / "vocab" / (id + ".json");
    if (!fs::exists(from)) return {};
    fs::copy_file(from, dir_.path() / (id + ".json"), fs::copy_options::overwrite_existing);
    return dir_.path() / (id + ".json");
  }
  static std::shared_ptr<const TiktokenEncoding> load(const fs::path& p, bool use_compiled, bool claude = false) {
    EncodingOptions o;
    o.use_compiled = use_compiled;
    o.nfkc = o.allow_special = claude;
    auto r = TiktokenEncoding::load_file(p, {}, o);
    EXPECT_TRUE(r) << r.status().to_string();
    return r ? *r : nullptr;
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void write(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
  }
  TempDir dir_;
};

TEST_F(CompiledVocabTest, CompiledAndSourceLoadsAgreeOnEveryBuiltin) {
  for (const std::string id : {"o200k_base", "cl100k_base", "p50k_base", "r50k_base", "claude"}) {
    const fs::path src = copy_of(id);
    if (src.empty()) GTEST_SKIP() << "vocabularies not installed (make vocab)";
    const fs::path out = TiktokenEncoding::compiled_path(src);
    EXPECT_EQ(out, fs::path(src.string() + compiled::kFileSuffix));
    ASSERT_EQ(TiktokenEncoding::compile_file(src, out), "");
    const bool claude = id == "claude";
    auto mapped = load(src, true, claude);
    auto parsed = load(src, false, claude);
    ASSERT_TRUE(mapped && parsed);
    EXPECT_TRUE(mapped->compiled()) << id;
    EXPECT_FALSE(parsed->compiled()) << id;
    expect_same_encoding(*mapped, *parsed);
    // Compiling is deterministic: the same source gives the same bytes.
    const std::string first = read(out);
    ASSERT_EQ(TiktokenEncoding::compile_file(src, out), "");
    EXPECT_EQ(read(out), first) << id;
  }
}

TEST_F(CompiledVocabTest, DamagedStaleOrForeignCompiledFilesFallBackToTheSource) {
  const fs::path src = copy_of("cl100k_base");
  const fs::path other = copy_of("r50k_base");
  if (src.empty() || other.empty()) GTEST_SKIP() << "vocabularies not installed (make vocab)";
  const fs::path out = TiktokenEncoding::compiled_path(src);
  ASSERT_EQ(TiktokenEncoding::compile_file(src, out), "");
  ASSERT_EQ(TiktokenEncoding::compile_file(other, TiktokenEncoding::compiled_path(other)), "");
  const std::string good = read(out);
  auto reference = load(src, false);
  ASSERT_TRUE(reference);

  std::vector<std::pair<std::string, std::string>> bad;
  bad.emplace_back("truncated", good.substr(0, good.size() / 2));
  bad.emplace_back("header only", good.substr(0, sizeof(compiled::FileHeader)));
  bad.emplace_back("empty", "");
  for (size_t at : {size_t{200}, good.size() / 3, good.size() - 1}) {
    std::string flipped = good;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    bad.emplace_back("bit flip at " + std::to_string(at), flipped);
  }
  {
    std::string v = good;
    const uint32_t version = compiled::kFormatVersion + 1;
    std::memcpy(v.data() + offsetof(compiled::FileHeader, format_version), &version, 4);
    bad.emplace_back("newer format version", v);
  }
  {
    std::string k = good;
    const uint32_t kind = static_cast<uint32_t>(compiled::Kind::kHfBpe);
    std::memcpy(k.data() + offsetof(compiled::FileHeader, kind), &kind, 4);
    bad.emplace_back("other kind", k);
  }
  bad.emplace_back("another encoding's file", read(TiktokenEncoding::compiled_path(other)));
  bad.emplace_back("not a compiled file", std::string(4096, 'x'));

  for (const auto& [what, bytes] : bad) {
    write(out, bytes);
    auto enc = load(src, true);
    ASSERT_TRUE(enc) << what;
    EXPECT_FALSE(enc->compiled()) << what;
    expect_same_encoding(*enc, *reference);
  }

  // Stale: the source changed after compiling (here: one more space at the
  // end, still valid JSON with the same tokens).
  write(out, good);
  ASSERT_TRUE(load(src, true)->compiled());
  write(src, read(src) + " ");
  auto stale = load(src, true);
  ASSERT_TRUE(stale);
  EXPECT_FALSE(stale->compiled());
  expect_same_encoding(*stale, *reference);

  // A damaged source is still VOCAB_CORRUPT, whatever the compiled file.
  ASSERT_EQ(TiktokenEncoding::compile_file(src, out), "");
  std::string broken = read(src);
  broken[broken.size() / 2] = '\x01';
  write(src, broken);
  auto r = TiktokenEncoding::load_file(src, {}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), ErrorCode::kVocabCorrupt);
}

TEST_F(CompiledVocabTest, LoadsFromAReadOnlyDirectory) {
  const fs::path src = copy_of("p50k_base");
  if (src.empty()) GTEST_SKIP() << "vocabularies not installed (make vocab)";
  ASSERT_EQ(TiktokenEncoding::compile_file(src, TiktokenEncoding::compiled_path(src)), "");
  fs::permissions(src, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(TiktokenEncoding::compiled_path(src),
                  fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(dir_.path(), fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                   fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  auto enc = load(src, true);
  fs::permissions(dir_.path(), fs::perms::owner_all);
  ASSERT_TRUE(enc);
  EXPECT_TRUE(enc->compiled());
  EXPECT_EQ(enc->encode("read only"), load(src, false)->encode("read only"));
}

}  // namespace
}  // namespace epubtok::tokenizers::tiktoken
