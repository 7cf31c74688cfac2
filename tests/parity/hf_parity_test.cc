// Token-id parity of the Hugging Face tokenizer.json engine with the
// reference (Hugging Face's Rust `tokenizers` via the pinned native npm build
// @anush008/tokenizers@0.6.0, encode(text, addSpecialTokens=false)), run by
// Node through hf_reference.mjs.
//
// Checked: every preset installed by scripts/fetch-vocab (data/hf/*), and
// every hand-made component fixture in tests/parity/hf_fixtures/. Cases:
// generated books and prose in all generator languages, the tricky-strings
// list, seeded random Unicode in three modes, special-token look-alikes and
// long runs. Ids are compared, and count() must equal the number of ids. For
// the presets the fast path (scanners, raw-byte BPE) is also compared with
// the literal path (PCRE2, GPT-2 alphabet) on the same cases.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "support/prose.h"
#include "support/random_unicode.h"
#include "support/tricky_strings.h"
#include "tokenizers/hf/hf_tokenizer.h"

namespace epubtok::tokenizers::hf {
namespace {

namespace fs = std::filesystem;
using test_support::RandomUnicodeMode;

struct Case {
  std::string label;
  std::string text;
};

// `scale` shrinks the big cases for the small fixtures (whose reference runs
// are cheap but whose vocabularies make every case slow-ish to read).
std::vector<Case> build_cases(uint64_t salt, size_t book_bytes, int randoms_per_mode) {
  std::vector<Case> cases;
  for (const std::string& lang : test_support::prose_languages()) {
    if (book_bytes) cases.push_back({"book/" + lang, test_support::generate_book(500 + salt, book_bytes, lang)});
    for (int i = 0; i < 2; ++i) {
      cases.push_back(
          {"prose/" + lang + "/" + std::to_string(i), test_support::generate_prose(lang, 31 + i + salt, 120)});
    }
  }
  const auto& tricky = test_support::tricky_strings();
  for (size_t i = 0; i < tricky.size(); ++i) cases.push_back({"tricky/" + std::to_string(i), tricky[i]});
  const RandomUnicodeMode modes[] = {RandomUnicodeMode::kAnyScalar, RandomUnicodeMode::kMixedScriptWords,
                                     RandomUnicodeMode::kAscii};
  for (int m = 0; m < 3; ++m) {
    for (int seed = 0; seed < randoms_per_mode; ++seed) {
      const size_t n = 1 + (size_t(seed) * 7919) % 100;
      cases.push_back({"random/" + std::to_string(m) + "/" + std::to_string(seed),
                       test_support::random_unicode(uint64_t(seed) * 5 + uint64_t(m) + (salt << 24), n, modes[m])});
    }
  }
  for (const char* s : {"<s>",
                        "a<s>b",
                        " <s> ",
                        "</s><s>",
                        "[CLS] x [SEP]",
                        "<|begin_of_text|>Hi",
                        "x<|end_of_text|>y<|eot_id|>",
                        "<|endoftext|>",
                        "<|im_start|>user\nhi<|im_end|>",
                        "<think>\n</think>",
                        "<start_of_turn>user\nhi<end_of_turn>",
                        "<bos><eos><pad>",
                        "<unk>",
                        "<mask>",
                        "<unused0> <unused99>",
                        "\n\n\n\n\t\t\t",
                        "▁▁ ▁x▁",
                        "<0x41>",
                        "<｜begin▁of▁sentence｜>hi",
                        "<|begin_of_text",
                        "<<s>>",
                        "<s",
                        "[UNK] [PAD] [MASK]",
                        "Hello, world!",
                        "don't I'LL we'Ve",
                        "  leading and trailing  ",
                        "tab\tsep\r\nCRLF\rCR"}) {
    cases.push_back({"special-lookalike", s});
  }
  cases.push_back({"long/letters", std::string(6000, 'x')});
  cases.push_back({"long/spaces", std::string(3000, ' ') + "x" + std::string(1000, '\n') + std::string(100, '\t')});
  cases.push_back({"long/digits", [] {
                     std::string s;
                     for (int i = 0; i < 6000; ++i) s += static_cast<char>('0' + (i * 7) % 10);
                     return s;
                   }()});
  cases.push_back({"long/punct", std::string(3000, '!') + std::string(2000, '-')});
  // Characters assigned after Unicode 15.0, and those whose class changed
  // between 8.0 and 11.0: the reference takes its classes from code of
  // several Unicode versions (unicode/char_class.h).
  for (const char* s :
       {"\U00010D50\U00010D51\U00010D70 abc\U00010D69x \U00010D40\U00010D41 \U00010D6E",        // Garay
        "x\U0001E5D0\U0001E5D1 \U0001E5F1\U0001E5F2\U0001E5F3\U0001E5F4 \U0001E5FF\U0001E5EE",  // Ol Onal
        "\U00016D70\U00016D71\U00016D72\U00016D73 12\U00016D74 \U00016D6D\U00016D40",           // Kirat Rai
        "\U0001CCF0\U0001CCF1x \U0001CC00\U0001CC01 $\U0001CC02",                               // legacy computing
        "\U0002EBF0\U0002EBF1 \u4e00\U0002EBF2 a\U0002EBF3\u2FFC\u2FFD",                        // CJK Ext I, IDCs
        "\U000113B8\U000113C2 \U000113D4\U000113D5 \U00011BF0\U00011BF1 \U00016130\U00016131",
        "\U00011DE0\U00011DE1\U00011DE2 7\U00011DE3 a\U00011DE4",              // 17.0 digits
        "a\u0897b \u1B4E\u1B4F. \u2E43\u2E44 \u166D x\U000111C9y",             // punctuation
        "e\u08D4\u08D5 \u08E2x \u07FD\u1DF6 e\u0301\u08D4 A\U00010D69\u0301",  // marks, format
        "\U00010D50\U00010D51 \U00010D52 \uA7CB\uA7CC\uA7DA\uA7DC"}) {         // capitals
    cases.push_back({"recent", s});
  }
  for (int seed = 0; seed < randoms_per_mode; ++seed) {
    const size_t n = 1 + (size_t(seed) * 7919) % 100;
    cases.push_back(
        {"random/recent/" + std::to_string(seed),
         test_support::random_unicode(uint64_t(seed) * 5 + 3 + (salt << 24), n, RandomUnicodeMode::kRecentScalars)});
  }
  return cases;
}

std::string escape_for_humans(std::string_view s, size_t max = 160) {
  std::string out;
  for (unsigned char c : s.substr(0, max)) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20) {
      out += "\\x";
      out += "0123456789abcdef"[c >> 4];
      out += "0123456789abcdef"[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > max) out += "…";
  return out;
}

std::string ids_around(const std::vector<uint32_t>& ids, size_t at) {
  std::string out;
  size_t from = at >= 3 ? at - 3 : 0;
  for (size_t i = from; i < at + 4 && i < ids.size(); ++i)
    out += (i == at ? "[" : "") + std::to_string(ids[i]) + (i == at ? "] " : " ");
  return out;
}

fs::path source_dir() {
  // `make test` exports EPUBTOK_SOURCE_DIR; a bare ctest or a direct run
  // uses the source tree this binary was built from.
  const char* s = std::getenv("EPUBTOK_SOURCE_DIR");
  return s && *s ? fs::path(s) : fs::path(EPUBTOK_SOURCE_DIR_FALLBACK);
}

fs::path data_dir() {
  const char* s = std::getenv("EPUBTOK_DATA_DIR");
  return s ? fs::path(s) : source_dir() / "data";
}

// Runs the reference on `cases` and compares. `oracle` (may be null) is a
// second engine that must also agree id for id.
void check_parity(const std::string& name, const fs::path& file, const HfTokenizer& ours, const HfTokenizer* oracle,
                  const std::vector<Case>& cases) {
  const fs::path parity_dir = source_dir() / "tests" / "parity";
  ASSERT_TRUE(fs::exists(parity_dir / "node_modules" / "@anush008" / "tokenizers"))
      << "the reference @anush008/tokenizers is not installed in " << parity_dir
      << "/node_modules; run scripts/setup-test-deps";
  const fs::path dir = fs::temp_directory_path() / ("epubtok-hf-parity-" + name + "-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path in_path = dir / "cases.jsonl", out_path = dir / "ids.jsonl";
  {
    std::ofstream in(in_path, std::ios::binary);
    for (const Case& c : cases) {
      boost::json::object o;
      o["tokenizer"] = fs::absolute(file).string();
      o["text"] = c.text;
      in << boost::json::serialize(o) << "\n";
    }
  }
  const std::string command = "node \"" + (parity_dir / "hf_reference.mjs").string() + "\" \"" + in_path.string() +
                              "\" \"" + out_path.string() + "\"";
  ASSERT_EQ(std::system(command.c_str()), 0) << "reference run failed: " << command;

  std::ifstream out(out_path, std::ios::binary);
  std::string line;
  size_t index = 0, mismatches = 0, refused = 0;
  uint64_t bytes = 0;
  while (std::getline(out, line)) {
    ASSERT_LT(index, cases.size()) << "reference wrote more lines than cases";
    const Case& c = cases[index++];
    bytes += c.text.size();
    const boost::json::value parsed = boost::json::parse(line);
    if (parsed.is_object()) {
      // The reference refused the input (e.g. a character no model piece covers
      // and no unk token): ours must count it without crashing; nothing to compare.
      ++refused;
      (void)ours.count(c.text);
      continue;
    }
    std::vector<uint32_t> expected;
    for (const auto& v : parsed.as_array()) expected.push_back(static_cast<uint32_t>(v.as_int64()));
    const std::vector<uint32_t> actual = ours.encode(c.text);
    const uint64_t counted = ours.count(c.text);
    std::vector<uint32_t> oracle_ids = oracle ? oracle->encode(c.text) : expected;
    if (actual == expected && counted == expected.size() && oracle_ids == expected) continue;
    if (++mismatches > 6) continue;
    if (const char* dump = std::getenv("EPUBTOK_HF_PARITY_DUMP")) {
      // Debugging aid: keep the failing inputs to replay them by hand.
      std::ofstream(fs::path(dump) / (name + "-" + std::to_string(index - 1) + ".txt"), std::ios::binary) << c.text;
    }
    size_t at = 0;
    while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
    ADD_FAILURE() << name << " case " << c.label << " (" << c.text.size() << " bytes): \"" << escape_for_humans(c.text)
                  << "\"\n  count " << counted << ", encode " << actual.size() << " ids, reference " << expected.size()
                  << " ids" << (oracle ? ", literal path " + std::to_string(oracle_ids.size()) + " ids" : "")
                  << (oracle && oracle_ids != expected ? " (literal path differs too)" : "")
                  << "; first difference at id #" << at << "\n  ours:      " << ids_around(actual, at)
                  << "\n  reference: " << ids_around(expected, at);
  }
  EXPECT_EQ(index, cases.size()) << "reference wrote fewer lines than cases";
  EXPECT_EQ(mismatches, 0u) << mismatches << " of " << cases.size() << " cases differ";
  EXPECT_LT(refused, cases.size() / 4) << "the reference refused too many cases to be a useful check";
  std::cout << "[hf parity] " << name << ": " << cases.size() << " cases, " << bytes << " bytes, " << refused
            << " refused by the reference, " << mismatches << " mismatches\n";
  fs::remove_all(dir);
}

class HfPresetParity : public ::testing::TestWithParam<std::string> {};

TEST_P(HfPresetParity, IdsEqualReference) {
  const std::string preset = GetParam();
  const fs::path file = data_dir() / "hf" / preset / "tokenizer.json";
  ASSERT_TRUE(fs::exists(file)) << file << " is missing; run scripts/fetch-vocab (make vocab)";
  auto fast = HfTokenizer::from_file(file, TokenizerInfo{});
  ASSERT_TRUE(fast) << fast.status().to_string();
  HfLoadOptions literal;
  literal.use_scanners = false;
  literal.raw_byte_level = false;
  auto slow = HfTokenizer::from_file(file, TokenizerInfo{}, literal);
  ASSERT_TRUE(slow) << slow.status().to_string();
  check_parity(preset, file, **fast, slow->get(),
               build_cases(std::hash<std::string>{}(preset)&0xFF, size_t{24} * 1024, 250));
}

INSTANTIATE_TEST_SUITE_P(Presets, HfPresetParity,
                         ::testing::Values("llama-3", "llama-3.1", "llama-2", "qwen-3", "deepseek-v3", "gemma-3"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == '-' || c == '.') c = '_';
                           return n;
                         });

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  fs::path dir = source_dir() / "tests" / "parity" / "hf_fixtures";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class HfFixtureParity : public ::testing::TestWithParam<std::string> {};

TEST_P(HfFixtureParity, IdsEqualReference) {
  const fs::path file = source_dir() / "tests" / "parity" / "hf_fixtures" / (GetParam() + ".json");
  auto ours = HfTokenizer::from_file(file, TokenizerInfo{});
  ASSERT_TRUE(ours) << ours.status().to_string();
  HfLoadOptions literal;
  literal.use_scanners = false;
  literal.raw_byte_level = false;
  auto slow = HfTokenizer::from_file(file, TokenizerInfo{}, literal);
  ASSERT_TRUE(slow) << slow.status().to_string();
  std::vector<Case> cases = build_cases(7, size_t{4} * 1024, 80);
  if (GetParam().find("unicode_scripts") != std::string::npos) {
    // Every code point, so that each entry of the script table meets the
    // reference: blocks of 1024 in order, alone, between Latin letters and
    // between Han ideographs (a misclassified character then changes the
    // pieces, and so the ids, of its block).
    for (char32_t base = 0; base < 0x110000; base += 1024) {
      std::string plain, latin, han;
      for (char32_t cp = base; cp < base + 1024; ++cp) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        append_utf8(plain, cp);
        latin += 'a';
        append_utf8(latin, cp);
        han += "\xE4\xB8\xAD";  // U+4E2D
        append_utf8(han, cp);
      }
      if (plain.empty()) continue;
      const std::string at = std::to_string(uint32_t(base));
      cases.push_back({"scripts/plain/" + at, plain});
      cases.push_back({"scripts/latin/" + at, latin});
      cases.push_back({"scripts/han/" + at, han});
    }
  }
  check_parity("fixture-" + GetParam(), file, **ours, slow->get(), cases);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, HfFixtureParity, ::testing::ValuesIn(fixture_names()), [](const auto& info) {
  std::string n = info.param;
  for (char& c : n)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
});

}  // namespace
}  // namespace epubtok::tokenizers::hf
